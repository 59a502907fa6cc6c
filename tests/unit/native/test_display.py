"""The terminal display: bars follow running tasks, the overall bar counts finished ones, and the
tables show outputs, messages and times. Rendered to a recording console, never to a terminal."""

import re
from pathlib import Path

from rich.console import Console

from dataflow.core import AttemptRecord, TaskError, TaskState, TaskStatus
from dataflow.core.events import TaskEvent
from dataflow.native.display import (
    ProgressDisplay,
    counts_line,
    duration,
    status_table,
    summary_table,
    task_warnings,
)
from tests.unit.native.conftest import table_rows


def task(task_id, status=TaskStatus.PENDING, **fields):
    return TaskState(id=task_id, name=f"{task_id}.pdf", kind="pdf", status=status, **fields)


def bar_of(display, bar_id):
    return next(bar for bar in display.progress.tasks if bar.id == bar_id)


def render(renderable, width: int = 160) -> str:
    console = Console(record=True, width=width)
    console.print(renderable)
    return console.export_text()


def flat(renderable, width: int = 160) -> str:
    """The table's rows, one a line, cells between " │ "."""
    return "\n".join(" │ ".join(row) for row in table_rows(render(renderable, width)))


def test_a_running_task_gets_a_bar_that_goes_when_it_finishes():
    display = ProgressDisplay(Console(record=True), [task("a"), task("b", TaskStatus.COMPLETED, progress=100.0)])
    display.handle(TaskEvent("progress", "a", task("a", TaskStatus.RUNNING, progress=40.0,
                                                    progress_message="Page 4 of 10")))
    bar = bar_of(display, display.bars["a"])
    assert bar.completed == 40.0 and bar.fields["note"] == "Page 4 of 10"
    overall = bar_of(display, display.overall)
    assert overall.completed == 140.0 and overall.total == 200.0 and overall.fields["note"] == "1 of 2 finished"
    display.handle(TaskEvent("changed", "a", task("a", TaskStatus.FAILED)))
    assert display.bars == {} and bar_of(display, display.overall).completed == 200.0


def test_a_task_already_running_when_the_display_starts_gets_its_bar_at_once():
    display = ProgressDisplay(Console(record=True), [task("a", TaskStatus.RUNNING), task("b")])
    assert list(display.bars) == ["a"] and bar_of(display, display.bars["a"]).fields["note"] == "starting"


def test_a_long_name_is_cut_in_its_middle_so_that_80_columns_keep_the_bar_and_the_time():
    name = "a-rather-long-file-name-for-the-octave-manual-2023.pdf"
    console = Console(record=True, width=80, force_terminal=True)
    display = ProgressDisplay(console, [TaskState(id="a", name=name, kind="pdf", status=TaskStatus.RUNNING,
                                                  progress=40.0, progress_message="Page 400 of 1000")])
    console.print(display.progress.get_renderable())
    line = next(line for line in console.export_text().splitlines() if "Page 400 of 1000" in line)
    assert line.startswith("a-rather-lo") and "2023.pdf" in line and "━━━━━━━━━━" in line
    assert re.search(r" \d:\d\d:\d\d$", line.rstrip())  # the time, whole


def test_events_of_other_tasks_are_ignored():
    display = ProgressDisplay(Console(record=True), [task("a")])
    display.handle(TaskEvent("progress", "z", task("z", TaskStatus.RUNNING, progress=50.0)))
    display.handle(TaskEvent("warning", message="hello"))
    assert display.bars == {}


def test_the_summary_shows_outputs_messages_and_times():
    done = task("a", TaskStatus.COMPLETED, metadata={"output": "a.zip"},
                attempts=[AttemptRecord(1, 10.0, 12.5, "completed")])
    failed = task("b", TaskStatus.FAILED, error=TaskError("NotAPdfError", "This is not a PDF <b>x</b>"),
                  attempts=[AttemptRecord(1, 10.0, 10.25, "failed")])
    text = flat(summary_table([done, failed], out_dir=Path("out"), earlier={"a"}))
    assert "completed (earlier)" in text and "out/a.zip" in text and "2.50" in text
    assert "NotAPdfError: This is not a PDF <b>x</b>" in text and "0.25" in text
    assert counts_line([done, failed], 3.04) == "1 completed, 1 failed in 3.0 s"


def test_duration_adds_every_attempt_that_ended():
    assert duration(task("a")) is None
    assert duration(task("a", attempts=[AttemptRecord(1, 0.0, 2.0), AttemptRecord(2, 5.0, 6.0),
                                        AttemptRecord(3, 7.0)])) == 3.0


def test_duration_leaves_out_the_wait_for_a_worker():
    assert duration(task("a", attempts=[AttemptRecord(1, 0.0, 10.0, waited=4.0)])) == 6.0


def test_the_status_table_has_short_ids_progress_and_attempts():
    text = flat(status_table([task("0123456789abcdef", TaskStatus.RUNNING, progress=42.4,
                                     progress_message="Page 5 of 12")], out_dir=Path("out")))
    assert text == "01234567 │ 0123456789abcdef.pdf │ running at 42 % try 1 of 4 │ Page 5 of 12"


def test_a_large_batch_lists_every_failure_and_counts_the_rest():
    tasks = [task(f"ok{index:02d}", TaskStatus.COMPLETED, metadata={"output": f"ok{index:02d}.zip"})
             for index in range(10)]
    tasks.insert(7, task("bad", TaskStatus.FAILED, error=TaskError("NotAPdfError", "This is not a PDF")))
    text = flat(summary_table(tasks, out_dir=Path("out"), limit=4))
    assert "bad.pdf" in text and "This is not a PDF" in text
    assert "ok00.pdf" in text and "ok02.pdf" in text and "ok03.pdf" not in text
    assert "7 more completed" in text


def test_summary_rows_are_sorted_by_path_and_same_names_show_their_folders():
    from dataflow.core.runs import FILE_GONE

    tasks = [TaskState(id=i, name="report.pdf", kind="pdf", status=TaskStatus.COMPLETED, input={"path": p},
                       metadata={"output": o})
             for i, p, o in (("t1", "/d/b/report.pdf", "report-2.zip"), ("t2", "/d/a/report.pdf", "report.zip"))]
    tasks.append(TaskState(id="t3", name="gone.pdf", kind="pdf", status=TaskStatus.FAILED,
                           input={"path": "/d/gone.pdf"}, error=TaskError(type="FileMissingError", message=FILE_GONE)))
    text = render(summary_table(tasks, out_dir=Path("out")))
    assert text.index("a/report.pdf") < text.index("b/report.pdf") < text.index("gone.pdf")
    flat = " ".join(text.split())
    assert "/d/gone.pdf is gone. Its saved parts are kept: put it back there" in flat and "browser" not in flat
    assert "input missing" in flat


def test_a_long_output_path_breaks_after_its_separators_never_inside_a_name():
    from dataflow.native.display import wrap_path

    out = Path("/srv/batches/2026-11-30/nightly-run/results")
    done = task("a", TaskStatus.COMPLETED, metadata={"output": "quarterly-report.zip"})
    console = Console(record=True, width=60)
    console.print(summary_table([done], out_dir=out))
    cells = [line.split("│")[3].strip() for line in console.export_text().splitlines() if line.count("│") == 5]
    assert "".join(cells) == "/srv/batches/2026-11-30/nightly-run/results/quarterly-report.zip"
    assert all(cell.endswith("/") for cell in cells[:-1]) and len(cells) > 1
    assert wrap_path("/a/bb/ccc.zip", 6) == ["/a/bb/", "ccc.zip"[:2] + "…" + "zip"]


def test_a_part_longer_than_the_column_is_cut_in_its_middle_with_an_ellipsis():
    from dataflow.native.display import middle_ellipsis, wrap_path

    assert middle_ellipsis("a-very-long-file-name.json.report.json", 15) == "a-very-…rt.json"
    assert middle_ellipsis("short.json", 15) == "short.json"
    assert middle_ellipsis("日本語のファイル名.json", 9) == "日本…json"  # wide characters take two cells
    assert wrap_path("/data/" + "x" * 30 + ".json", 12) == ["/data/", "xxxxx…x.json"]


def test_a_json_tasks_outcome_lists_its_data_and_its_report():
    done = TaskState(id="j", name="people.json", kind="json", status=TaskStatus.COMPLETED,
                     metadata={"output": "people.json.report.json", "stem": ["people", "people"]},
                     result={"result_key": "result:j:1", "filename": "people.clean.jsonl",
                             "report_key": "result:j:1:report.json", "report_filename": "people.json.report.json"})
    text = render(summary_table([done], out_dir=Path("out")))
    assert "out/people.clean.jsonl" in text and "out/people.json.report.json" in text


def test_an_unfinished_task_whose_file_is_gone_shows_input_missing_and_what_to_do(tmp_path):
    there = tmp_path / "there.pdf"
    there.write_bytes(b"%PDF-")
    tasks = [TaskState(id=f"{name}0000000", name=f"{name}.pdf", kind="pdf", status=status,
                       input={"path": str(tmp_path / f"{name}.pdf")}, metadata={"output": f"{name}.zip"})
             for name, status in (("there", TaskStatus.RUNNING), ("gone", TaskStatus.PENDING),
                                  ("done", TaskStatus.COMPLETED))]
    rendered = render(status_table(tasks, out_dir=Path("out"), live=False))
    row = {line.split("│")[1].strip(): line for line in rendered.splitlines() if line.count("│") == 5}
    assert "input missing" in row["gone0000"] and "interrupted" in row["there000"]
    assert "completed" in row["done0000"]  # a completed task's file may go: its result is out
    message = " ".join(line.split("│")[4].strip() for line in rendered.splitlines() if line.count("│") == 5)
    assert "gone.pdf is gone. Its saved parts are kept" in message
    assert "a `dataflow run` without it drops its task and parts" in " ".join(message.split())
    assert counts_line(tasks, 0.0) == "1 completed, 1 input missing, 1 running in 0.0 s"


def test_a_running_task_shows_its_percent_beside_its_status_and_its_message():
    running = task("a", TaskStatus.RUNNING, progress=30.4, progress_message="Page 12 of 40")
    for table in (summary_table([running], out_dir=Path("out")), status_table([running], out_dir=Path("out"))):
        text = flat(table)
        assert "running at 30 %" in text and "Page 12 of 40" in text
    assert "interrupted at 30 %" in flat(status_table([running], out_dir=Path("out"), live=False))
    one = task("b", TaskStatus.RUNNING, progress=1.0)
    assert [line.split("│")[3].strip() for line in render(status_table([one], out_dir=Path("out"))).splitlines()
            if line.count("│") == 5] == ["running", "at 1 %", "try 1 of 4"]  # never "running at 1" then "%"


def test_tables_at_80_columns_break_no_word_of_a_message_or_a_status(tmp_path):
    for name in ("broken.json", "secret.pdf"):
        (tmp_path / name).write_bytes(b"x")
    failed = [TaskState(id=f"{name}-0123456789", name=name, kind="json", status=TaskStatus.FAILED,
                        input={"path": str(tmp_path / name)}, error=TaskError(kind, message))
              for name, kind, message in (
                  ("broken.json", "InvalidJsonError", "The file ends before the document is closed: it looks "
                                                      "truncated."),
                  ("secret.pdf", "PasswordRequiredError", "This PDF is encrypted: give its password."))]
    interrupted = task("c", TaskStatus.RUNNING, progress=8.0, progress_message="Page 3 of 40")
    words = [word for t in failed for word in f"{t.error.type}: {t.error.message}".split()]
    for table, more in ((summary_table(failed, out_dir=Path("out")), []),
                        (status_table(failed + [interrupted], out_dir=Path("out"), live=False), ["interrupted"])):
        console = Console(record=True, width=80)
        console.print(table)
        text = console.export_text()
        assert all(word in text for word in words + more), text


def test_files_show_their_path_from_the_common_parent_of_the_inputs():
    tasks = [TaskState(id=f"t{index}", name=Path(path).name, kind="json", status=TaskStatus.FAILED,
                       input={"path": path}, error=TaskError("InvalidJsonError", "bad"))
             for index, path in enumerate(("/in/a/data.json", "/in/b/data.json", "/in/a/broken.json", "/in/x.pdf"))]
    for table in (summary_table(tasks, out_dir=Path("out")), status_table(tasks, out_dir=Path("out"))):
        text = render(table)
        for shown in ("a/data.json", "b/data.json", "a/broken.json", "x.pdf"):
            assert f" {shown} " in text, text
    summary = render(summary_table(tasks, out_dir=Path("out")))
    assert summary.index("a/broken.json") < summary.index("a/data.json") < summary.index("b/data.json")


def test_a_resumed_tasks_time_is_the_time_of_this_run_only():
    resumed = task("a", TaskStatus.COMPLETED, metadata={"output": "a.zip"},
                   attempts=[AttemptRecord(1, 10.0, 60.0, "interrupted"), AttemptRecord(1, 100.0, 102.5, "completed")])
    earlier = task("b", TaskStatus.COMPLETED, metadata={"output": "b.zip"},
                   attempts=[AttemptRecord(1, 10.0, 14.0, "completed")])
    text = flat(summary_table([resumed, earlier], out_dir=Path("out"), earlier={"b"}, since=99.0))
    assert "2.50" in text and "52.50" not in text
    assert "4.00" in text  # a file finished by an earlier run: its own time, marked "(earlier)"
    assert duration(resumed, since=99.0) == 2.5 and duration(resumed) == 52.5


def test_a_command_to_copy_is_printed_on_one_line_however_narrow_the_terminal():
    from dataflow.native.display import print_command

    command = "dataflow temporal status dataflow-batch-d1d729aa98953ac0 --address localhost:7233 --namespace default"
    console = Console(record=True, width=40)
    print_command(console, command)
    assert command in console.export_text().splitlines()


def test_task_warnings_are_one_line_each_for_completed_tasks_and_capped_per_task():
    damaged = task("d", TaskStatus.COMPLETED, input={"path": "/in/d.pdf"},
                   result={"warnings": ["The file is damaged (it ends early); the pages were recovered."]})
    noisy = task("n", TaskStatus.COMPLETED, input={"path": "/in/n.json"}, result={"warnings": list("abcde")})
    failed = task("f", TaskStatus.FAILED, result={"warnings": ["not shown"]})
    assert task_warnings([damaged, failed, noisy, task("p", TaskStatus.COMPLETED, result={})]) == [
        "/in/d.pdf: The file is damaged (it ends early); the pages were recovered.",
        "/in/n.json: a", "/in/n.json: b", "/in/n.json: c", "/in/n.json: and 2 more warnings in its report."]


def test_a_right_to_left_override_in_a_file_name_is_shown_written_out_in_the_summary():
    spoof = task("s", TaskStatus.COMPLETED, input={"path": "/in/bill\u202excod.exe"})
    text = render(summary_table([spoof], out_dir=Path("out")))
    assert "bill⟨U+202E⟩xcod.exe" in text and "\u202e" not in text
