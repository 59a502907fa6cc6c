"""The `dataflow` command with real worker processes: run, status, retry, the watchdog, and resuming
after the process is killed or interrupted (pages before the checkpoint are not extracted again)."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from dataflow.native.cli import main
from dataflow.native.state_lock import StateLock
from dataflow.native.worker_process import HOOKS_VARIABLE
from tests import pdfs
from tests.unit.native.conftest import json_reference, reference_output, run, table_rows, without_timings

ROOT = Path(__file__).resolve().parents[3]


def console() -> Console:
    return Console(record=True, width=200, force_terminal=False)


def dataflow(*args: str) -> tuple[int, str]:
    out = console()
    code = main(list(args), console=out)
    return code, out.export_text()


def records(state: Path) -> dict[str, dict]:
    found = {}
    for path in state.glob("dataflow.task.*.json"):
        task = json.loads(path.read_text())["task"]
        found[task["name"]] = task
    return found


def test_run_writes_results_and_a_summary_and_fails_bad_files_with_their_message(write_pdf, tmp_path):
    good = write_pdf("good.pdf", pdfs.images_pdf())
    write_pdf("notes.pdf", b"Just some notes, not a PDF at all.\n")
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "2", "--quiet")
    assert code == 1
    assert "good.pdf" in text and "completed" in text and "NotAPdfError: This is not a PDF" in text
    assert "1 completed, 1 failed" in text
    assert (tmp_path / "out" / "good.zip").read_bytes() == run(reference_output(good.read_bytes(), "good.pdf"))


def unreadable(name: str):
    """A file_sha256 that fails for `name` as reading a `chmod 000` file does (root reads it anyway)."""
    from dataflow.native import batch

    real = batch.file_sha256

    def sha256(path: Path) -> str:
        if path.name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    return sha256


@pytest.mark.parametrize("named", [False, True], ids=["in-a-folder", "named"])
def test_a_file_that_cannot_be_read_is_one_line_and_the_others_are_processed(write_pdf, tmp_path, monkeypatch,
                                                                              named):
    monkeypatch.setattr("dataflow.native.batch.file_sha256", unreadable("secret.pdf"))
    write_pdf("ok.pdf", pdfs.text_pdf(pages=1))
    secret = write_pdf("secret.pdf", pdfs.text_pdf(pages=1))
    paths = [str(tmp_path / "in" / "ok.pdf"), str(secret)] if named else [str(tmp_path / "in")]
    code, text = dataflow("run", *paths, "--out", str(tmp_path / "out"), "--workers", "1", "--quiet")
    assert code == 1
    assert f"{secret}: cannot be read (Permission denied); skipped." in text
    assert "1 file or folder could not be read and was skipped" in text and "Traceback" not in text
    assert (tmp_path / "out" / "ok.zip").is_file() and not (tmp_path / "out" / "secret.zip").exists()
    assert list(records(tmp_path / "out" / ".dataflow")) == ["ok.pdf"]


def test_when_no_file_can_be_read_each_gets_its_line_and_no_empty_summary_is_printed(write_pdf, tmp_path,
                                                                                     monkeypatch):
    monkeypatch.setattr("dataflow.native.batch.file_sha256", unreadable("secret.pdf"))
    secret = write_pdf("secret.pdf", pdfs.text_pdf(pages=1))
    code, text = dataflow("run", str(secret), "--out", str(tmp_path / "out"), "--workers", "1")
    assert code == 1
    assert text.splitlines() == [f"{secret}: cannot be read (Permission denied); skipped.",
                                 "1 file or folder could not be read and was skipped (each is named above)."]


def test_a_file_that_cannot_be_read_once_found_fails_its_task_with_one_line_naming_it(write_pdf, tmp_path,
                                                                                      monkeypatch):
    from dataflow.native.host import NativeHost

    submit = NativeHost.submit

    def then_unreadable(host, sources, *args, **kwargs):  # hashed, not yet processed
        submitted = submit(host, sources, *args, **kwargs)
        secret.unlink()
        secret.symlink_to(secret.name)  # root reads a chmod 000 file; nobody reads a symbolic link loop
        return submitted

    monkeypatch.setattr(NativeHost, "submit", then_unreadable)
    write_pdf("ok.pdf", pdfs.text_pdf(pages=1))
    secret = write_pdf("secret.pdf", pdfs.text_pdf(pages=1))
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet")
    assert code == 1 and "1 completed, 1 failed" in text and "Traceback" not in text
    message = (f"InputUnreadableError: {secret} cannot be read (Too many levels of symbolic links); make it "
               "readable again, then retry it.")
    assert table_rows(text)[1][:3] == ["secret.pdf", "failed", message]
    failed = records(tmp_path / "out" / ".dataflow")["secret.pdf"]
    assert failed["status"] == "failed" and len(failed["attempts"]) == 1  # retrying at once cannot help


def test_a_recovered_damaged_pdf_completes_with_its_warning_in_the_summary(write_pdf, tmp_path):
    damaged = write_pdf("cut.pdf", pdfs.truncated_pdf())
    code, text = dataflow("run", str(damaged), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet")
    assert code == 0 and "1 completed" in text
    assert f"{damaged}: The file is damaged" in text


def test_options_reach_the_executor(write_pdf, tmp_path):
    data = pdfs.images_pdf()
    write_pdf("scans.pdf", data)
    code, _ = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--mode", "images",
                       "--max-images", "2", "--format", "json", "--workers", "1", "--quiet")
    assert code == 0
    expected = run(reference_output(data, "scans.pdf", {"mode": "images", "max_images": 2, "format": "json"}))
    assert (tmp_path / "out" / "scans.json").read_bytes() == expected


def test_json_files_run_in_worker_processes_with_the_pages_options_and_bytes(write_pdf, tmp_path):
    data = b'[{"id": 1, "mail": "a@example.com"}, {"id": 1, "mail": "a@example.com"}, {"id": 2}]'
    write_pdf("people.json", data)
    write_pdf("bad.jsonl", b'{"a": 1}\n{"a": \n')
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--operation", "convert",
                          "--dedupe", "--workers", "2", "--quiet")
    assert code == 1 and "1 completed, 1 failed" in text
    assert "InvalidJsonError" in text and "bad.jsonl" in text
    expected, report = run(json_reference(data, "people.json", {"operation": "convert", "dedupe": True}))
    assert (tmp_path / "out" / "people.jsonl").read_bytes() == expected
    assert without_timings((tmp_path / "out" / "people.json.report.json").read_bytes()) == report
    assert "out/people.jsonl" in text and "out/people.json.report.json" in text


def test_kind_json_takes_a_file_of_another_name_and_a_bad_json_option_is_one_line(write_pdf, tmp_path):
    path = write_pdf("export.txt", b'{"a": 1}\n{"a": 2}\n')
    code, text = dataflow("run", str(path), "--out", str(tmp_path / "out"), "--kind", "json", "--split-size", "0",
                          "--quiet")
    assert code == 2 and "--split-size: Records per file: enter a whole number from 1 to 1,000,000." in text
    assert not (tmp_path / "out").exists()
    code, text = dataflow("run", str(path), "--out", str(tmp_path / "out"), "--kind", "json", "--workers", "1",
                          "--quiet")
    assert code == 0 and (tmp_path / "out" / "export.txt.report.json").exists()


def test_the_retry_policy_options_use_temporals_names(write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    code, _ = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet", "--workers", "1",
                       "--initial-interval", "3", "--backoff-coefficient", "1.5", "--maximum-interval", "9",
                       "--maximum-attempts", "2", "--non-retryable-error-types", "WorkerError,StorageFullError",
                       "--no-jitter",
                       "--maximum-retry-after", "60")
    policy = records(tmp_path / "out" / ".dataflow")["a.pdf"]["retry_policy"]
    assert code == 0 and policy == {"initial_interval": 3.0, "backoff_coefficient": 1.5, "maximum_interval": 9.0,
                                    "maximum_attempts": 2, "jitter": False,
                                    "non_retryable_error_types": ["WorkerError", "StorageFullError"],
                                    "maximum_retry_after": 60.0}
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "o2"), "--maximum-attempts", "0")
    assert code == 2 and "--maximum-attempts must be a whole number of tries from 1 to 1,000, got 0" in text


def test_usage_errors_are_one_clear_line(tmp_path):
    code, text = dataflow("run", str(tmp_path / "missing.pdf"), "--out", str(tmp_path / "out"))
    assert code == 2 and text.strip() == f"dataflow: {tmp_path / 'missing.pdf'}: no such file or folder."
    code, text = dataflow("status", str(tmp_path / "nothing"))
    assert code == 2 and "there are no tasks in" in text and "Start with: dataflow run" in text
    with pytest.raises(SystemExit) as refused:  # argparse's own refusal: usage, then the line
        dataflow("run", str(tmp_path), "--out", "")
    assert refused.value.code == 2 and not list(tmp_path.iterdir())


def test_status_lists_tasks_and_retry_runs_the_failed_ones_again(write_pdf, tmp_path):
    late = write_pdf("late.pdf", b"not a PDF yet\n")
    write_pdf("fine.pdf", pdfs.text_pdf(2))
    out = str(tmp_path / "out")
    code, text = dataflow("run", str(tmp_path / "in"), "--out", out, "--workers", "1", "--quiet")
    assert code == 1 and f"dataflow retry {out}" in text.splitlines()  # what to type next, whole
    code, text = dataflow("status", out)
    failed_id = records(tmp_path / "out" / ".dataflow")["late.pdf"]["id"]
    assert code == 0 and failed_id[:8] in text and "1 completed, 1 failed" in text
    late.write_bytes(pdfs.text_pdf(3))
    code, text = dataflow("retry", out, failed_id[:8], "--workers", "1", "--quiet")
    assert code == 0 and "1 completed" in text and (tmp_path / "out" / "late.zip").exists()
    code, text = dataflow("retry", out)
    assert code == 0 and "Nothing to retry" in text
    assert f"`dataflow status {out}` lists them all" in " ".join(text.split())
    code, text = dataflow("retry", out, "deadbeef")
    assert code == 2 and f"`dataflow status {out}` lists the task ids" in " ".join(text.split())


def test_an_encrypted_pdf_asks_for_the_password_and_retry_with_it_unlocks_it(write_pdf, tmp_path, monkeypatch):
    write_pdf("locked.pdf", pdfs.encrypted_pdf("open sesame"))
    out = str(tmp_path / "out")
    code, text = dataflow("run", str(tmp_path / "in"), "--out", out, "--workers", "1", "--quiet")
    assert code == 1 and f"dataflow retry {out} --password -" in text
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "open sesame")
    monkeypatch.setattr("sys.stdin", Terminal())
    code, text = dataflow("retry", out, "--password", "-", "--workers", "1", "--quiet")
    assert code == 0 and asked == ["PDF password: "] and (tmp_path / "out" / "locked.zip").exists()
    stored = [path for path in (tmp_path / "out" / ".dataflow").rglob("*") if path.is_file()]
    assert stored and not any(b"open sesame" in path.read_bytes() for path in stored)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_run_with_a_password_unlocks_encrypted_pdfs(write_pdf, tmp_path):
    write_pdf("locked.pdf", pdfs.encrypted_pdf("open sesame"))
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet",
                          "--password", "open sesame")
    assert code == 0 and (tmp_path / "out" / "locked.zip").exists()


def test_a_hung_page_fails_its_file_through_the_watchdog_while_others_complete(write_pdf, tmp_path, hooks):
    hooks(hang_page=3)
    write_pdf("hangs.pdf", pdfs.text_pdf(4))
    code, text = dataflow("run", str(tmp_path / "in" / "hangs.pdf"), "--out", str(tmp_path / "out"),
                          "--workers", "1", "--page-timeout", "0.5", "--quiet")
    assert code == 1 and "PageTimeoutError" in text and "was stopped and replaced" in text
    hooks()
    write_pdf("after.pdf", pdfs.text_pdf(2))
    code, _ = dataflow("run", str(tmp_path / "in" / "after.pdf"), "--out", str(tmp_path / "out"), "--workers", "1",
                       "--quiet")
    assert code == 0


# The real thing: a separate `dataflow` process, killed or interrupted mid-document -------------------


def start(args: list[str], hooks: dict) -> subprocess.Popen:
    env = dict(os.environ, **{HOOKS_VARIABLE: json.dumps(hooks)}, PYTHONPATH=str(ROOT / "py"))
    command = [str(Path(sys.executable).parent / "dataflow"), *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # its own process group, as a terminal's job is


def wait_for_checkpoint(state: Path, name: str, pages: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        task = records(state).get(name)
        if task and (task.get("checkpoint") or {}).get("next_page", 0) >= pages:
            return
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.05)
    raise AssertionError("no checkpoint came")


def logged_pages(log: Path) -> list[int]:
    return [int(line.split()[1]) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
def test_the_same_command_again_resumes_from_the_checkpoint(write_pdf, tmp_path, stop):
    data = pdfs.text_pdf(40)
    write_pdf("long.pdf", data)
    state, first_log, second_log = tmp_path / "out" / ".dataflow", tmp_path / "first.log", tmp_path / "second.log"
    args = ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]
    process = start(args, {"page_delay": 0.2, "page_log": str(first_log)})  # 8 s: stopped mid-way even under load
    wait_for_checkpoint(state, "long.pdf", 8, process)
    os.killpg(process.pid, stop)
    output = process.communicate(timeout=30)[0]
    if stop == signal.SIGINT:
        assert process.returncode == 130
        assert output == "Interrupted: 1 task will resume when you run the same command again.\n"
    saved = records(state)["long.pdf"]
    done = saved["checkpoint"]["next_page"]
    assert saved["status"] == "running" and 8 <= done < 40

    again = start(args, {"page_log": str(second_log)})
    output = again.communicate(timeout=120)[0]
    assert again.returncode == 0, output
    assert logged_pages(second_log) == list(range(done + 1, 41))  # nothing before the checkpoint again
    assert (tmp_path / "out" / "long.zip").read_bytes() == run(reference_output(data, "long.pdf"))
    assert records(state)["long.pdf"]["status"] == "completed"


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_a_stop_with_two_workers_prints_one_line_releases_the_lock_and_status_says_interrupted(
        write_pdf, tmp_path, stop, code):
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        write_pdf(name, pdfs.text_pdf(30))
    out, state = tmp_path / "out", tmp_path / "out" / ".dataflow"
    process = start(["run", str(tmp_path / "in"), "--out", str(out), "--workers", "2"], {"page_delay": 0.2})
    wait_for_checkpoint(state, "a.pdf", 2, process)
    os.killpg(process.pid, stop)  # the whole job, as a terminal's Ctrl-C does: the workers get it too
    output = process.communicate(timeout=60)[0]
    assert process.returncode == code
    assert output.strip().splitlines()[-1] == "Interrupted: 3 tasks will resume when you run the same command again."
    assert "Traceback" not in output and "Error" not in output
    lock = StateLock(state)
    lock.acquire()  # released: a new run may start at once
    lock.release()
    status, text = dataflow("status", str(out))
    assert status == 0 and "running" not in text and "interrupted" in text
    assert "resumes when the same `dataflow run` command runs again" in text


def test_an_unreachable_temporal_server_is_one_clear_line(write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    code, text = dataflow("temporal", "submit", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                          "--address", "127.0.0.1:1")
    assert code == 2 and text.startswith("dataflow: cannot reach Temporal at 127.0.0.1:1")
    code, text = dataflow("temporal", "status", "dataflow-batch-0123", "--address", "127.0.0.1:1")
    assert code == 2 and text.startswith("dataflow: cannot reach Temporal at 127.0.0.1:1")


def test_only_the_temporal_command_loads_temporalio():
    script = "import sys; from dataflow.native.cli import build_parser; build_parser(with_temporal=False); " \
             "print('temporalio' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT / "py")), check=True)
    assert result.stdout.strip() == "False"


# Command lines that cannot be carried out: one clear line, exit 2, nothing left behind ---------------


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--initial-interval", "nan", "--initial-interval must be a finite number of seconds"),
    ("--initial-interval", "inf", "--initial-interval must be a finite number of seconds"),
    ("--maximum-interval", "nan", "--maximum-interval must be a finite number of seconds"),
    ("--maximum-retry-after", "inf", "--maximum-retry-after must be a finite number of seconds"),
    ("--maximum-retry-after", "99999999999999999999", "--maximum-retry-after must be"),
    ("--initial-interval", "-1", "--initial-interval must be a finite number of seconds more than 0"),
    ("--backoff-coefficient", "0.5", "--backoff-coefficient must be a finite number from 1 to 100, got 0.5"),
    ("--maximum-attempts", "0", "--maximum-attempts must be a whole number of tries from 1"),
    ("--maximum-attempts", "99999999999999999999", "--maximum-attempts must be a whole number"),
    ("--page-timeout", "nan", "--page-timeout must be a number of seconds more than 0"),
    ("--page-timeout", "99999999999999999999", "--page-timeout must be a number of seconds"),
    ("--workers", "0", "--workers must be a whole number of processes from 1"),
    ("--workers", "99999999999999999999", "--workers must be a whole number of processes from 1"),
    ("--maximum-interval", "0.5", "--maximum-interval (0.5) must be at least --initial-interval (1.0)"),
])
def test_bad_retry_and_host_options_are_one_line_and_create_nothing(write_pdf, tmp_path, option, value, message):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), option, value)
    assert code == 2 and text.startswith("dataflow: ") and message in text and "Traceback" not in text
    assert not (tmp_path / "out").exists()  # no state directory, no lock


def test_an_option_the_json_operation_does_not_use_is_refused_before_anything_is_written(write_pdf, tmp_path):
    write_pdf("people.json", b'[{"id": 1}, {"id": 1}]')
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--operation", "clean",
                          "--dedupe")
    assert code == 2 and "dataflow: --dedupe does nothing with --operation clean: it is used by --operation convert" \
        in text
    assert not (tmp_path / "out").exists()


def test_a_refused_number_is_echoed_as_typed(write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--page-timeout", "-1")
    assert code == 2 and text.rstrip().endswith("--page-timeout must be a number of seconds more than 0 and at most "
                                                "86,400 ('inf' for no limit), got -1.")


def test_unknown_non_retryable_error_types_are_refused_with_the_known_ones(write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                          "--non-retryable-error-types", "NotAPdfError,KeyError")
    assert code == 2 and "KeyError is not an error type of any kind of tasks" in text
    assert "known: CorruptPdfError" in text and "WorkerTimeoutError" in text
    assert not (tmp_path / "out").exists()


def test_an_out_that_is_a_file_or_cannot_be_created_is_one_line(write_pdf, tmp_path):
    data = pdfs.text_pdf(1)
    pdf = write_pdf("a.pdf", data)
    code, text = dataflow("run", str(pdf), "--out", str(pdf))
    assert code == 2 and f"the output folder (--out) {pdf} is a file, not a folder" in text
    assert pdf.read_bytes() == data
    code, text = dataflow("run", str(pdf), "--out", "/proc/dataflow-test")
    assert code == 2 and "cannot create the output folder (--out) /proc/dataflow-test" in text


def test_retry_or_status_of_a_folder_without_tasks_says_so_and_creates_nothing(tmp_path):
    for command in ("retry", "status"):
        code, text = dataflow(command, str(tmp_path / "nosuchdir"))
        assert code == 2 and "there are no tasks in" in text
        assert f"Start with: dataflow run FILES_OR_DIRS --out {tmp_path / 'nosuchdir'}" in " ".join(text.split())
    assert not (tmp_path / "nosuchdir").exists()


@pytest.mark.parametrize(("stdin", "message"), [
    ("", "stdin ended before a password came"), ("\n", "the password is empty")])
def test_a_password_from_stdin_must_be_a_non_empty_line(write_pdf, tmp_path, monkeypatch, stdin, message):
    write_pdf("locked.pdf", pdfs.encrypted_pdf("open sesame"))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--password", "-")
    assert code == 2 and message in text and not (tmp_path / "out").exists()


def test_a_password_piped_to_stdin_unlocks_and_a_closed_prompt_is_one_line(write_pdf, tmp_path, monkeypatch):
    write_pdf("locked.pdf", pdfs.encrypted_pdf("open sesame"))
    monkeypatch.setattr("sys.stdin", io.StringIO("open sesame\n"))
    code, _ = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--password", "-",
                       "--workers", "1", "--quiet")
    assert code == 0 and (tmp_path / "out" / "locked.zip").exists()

    def closed(prompt):
        raise EOFError

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", closed)
    code, text = dataflow("retry", str(tmp_path / "out"), "--password", "-")
    assert code == 2 and text.strip() == "dataflow: --password -: no password was typed."


def test_help_warns_that_a_password_on_the_command_line_is_visible_in_ps(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "visible to other users in `ps`" in " ".join(capsys.readouterr().out.split())


def test_a_corrupt_task_record_is_named_with_where_it_was_moved(write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    state = tmp_path / "out" / ".dataflow"
    state.mkdir(parents=True)
    (state / "dataflow.task.broken.json").write_text("{not json")
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet")
    assert code == 0
    assert f"The task record {state / 'dataflow.task.broken.json'} could not be read" in " ".join(text.split())
    assert f"it was moved to {state / 'dataflow.backup.dataflow.task.broken.json'}" in " ".join(text.split())
    assert (state / "dataflow.backup.dataflow.task.broken.json").read_text() == "{not json"


def test_max_images_zero_keeps_no_image_and_counts_each_over_the_limit_once(write_pdf, tmp_path):
    write_pdf("scans.pdf", pdfs.images_pdf())
    common = ("--mode", "images", "--format", "json", "--workers", "1", "--quiet")
    assert dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "all"), *common)[0] == 0
    assert dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "none"), "--max-images", "0", *common)[0] == 0
    every = json.loads((tmp_path / "all" / "scans.json").read_text())
    none = json.loads((tmp_path / "none" / "scans.json").read_text())
    assert every["images_over_limit"] == 0 and len(every["images"]) > 0
    assert none["images"] == [] and none["images_over_limit"] == len(every["images"])  # one image on two pages


def test_temporal_without_its_extra_says_how_to_install_it():
    script = ("import sys; sys.modules['temporalio'] = None; from dataflow.native.cli import main; "
              "sys.exit(main(['temporal', 'worker', '--address', 'x:1']))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT / "py")))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "pip install '.[temporal]'" in " ".join(result.stderr.split())


def test_the_readme_documents_every_option_of_every_command():
    from dataflow.native.cli import build_parser

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Beyond one tab"):readme.index("## Offline use")]
    missing = []

    def walk(parser, name):
        for action in parser._actions:
            if hasattr(action, "choices") and isinstance(action.choices, dict):  # subcommands
                for sub_name, sub in action.choices.items():
                    walk(sub, f"{name} {sub_name}")
            for option in action.option_strings:
                if option.startswith("--") and option != "--help" and f"`{option}" not in section:
                    missing.append(f"{name} {option}")

    walk(build_parser(), "dataflow")
    assert missing == []


def test_status_moves_no_corrupt_record_and_the_next_run_rewrites_its_own_output(write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    out, state = tmp_path / "out", tmp_path / "out" / ".dataflow"
    assert dataflow("run", str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--quiet")[0] == 0
    record = next(state.glob("dataflow.task.*.json"))
    record.write_text(record.read_text()[:100])  # cut short, as a crash of the disk could
    before = sorted(path.name for path in state.iterdir())
    code, text = dataflow("status", str(out))
    assert code == 0 and sorted(path.name for path in state.iterdir()) == before  # nothing moved
    assert f"The task record {record} could not be read" in " ".join(text.split())
    assert "it is left as it is" in text
    narrow = Console(record=True, width=40, force_terminal=False)
    main(["status", str(out)], console=narrow)
    assert f"The task record {record} could not be read" in narrow.export_text()  # no break inside the path
    code, text = dataflow("run", str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--quiet")
    assert code == 0 and "processes it again, into the output this state directory wrote" in " ".join(text.split())
    assert sorted(path.name for path in out.iterdir() if path.is_file()) == ["a.zip"]  # not a-2.zip beside it


@pytest.mark.parametrize(("command", "options"), [
    (["temporal", "worker"], ["--page-timeout", "--namespace", "--address", "--task-queue", "--workers"]),
    (["temporal", "submit"], ["--heartbeat-timeout", "--kind", "--concurrency", "--namespace"]),
    (["run"], ["--kind", "--workers", "--page-timeout"]),
])
def test_every_option_has_help(command, options):
    import argparse

    pytest.importorskip("temporalio")
    from dataflow.native.cli import build_parser

    parser = build_parser()
    for name in command:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    helped = {option for action in parser._actions if action.help for option in action.option_strings}
    assert set(options) <= helped
