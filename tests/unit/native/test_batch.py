"""Which files a command line names, the task each becomes, its identity and its output name."""

import hashlib
import os

import pytest

from dataflow.core import TaskState
from dataflow.executors.pdf.options import PdfOptions
from dataflow.native.batch import (
    UsageError,
    changed,
    claimed_names,
    discover,
    error_type_names,
    output_name,
    same_work,
    task_input,
)


def test_folders_give_their_pdfs_recursively_in_a_stable_order(write_pdf, tmp_path):
    write_pdf("b.pdf", b"1")
    write_pdf("A.PDF", b"2", folder="in/sub")
    write_pdf("notes.txt", b"3")
    found = discover([str(tmp_path / "in")])
    assert [s.path.relative_to(tmp_path).as_posix() for s in found] == ["in/b.pdf", "in/sub/A.PDF"]
    assert {s.kind for s in found} == {"pdf"}


def test_folders_skip_hidden_entries_and_other_runs_state_and_outputs(write_pdf, tmp_path):
    write_pdf("a.json", b"[]")
    write_pdf("config.json", b"{}", folder="in/.git")
    write_pdf(".hidden.json", b"[]")
    write_pdf("dataflow.task.x.json", b"{}", folder="in/out/.dataflow")
    write_pdf("a.report.json", b"{}", folder="in/out")
    write_pdf("b.pdf", b"1", folder="in/sub")
    found = discover([str(tmp_path / "in")])
    assert [s.path.relative_to(tmp_path).as_posix() for s in found] == ["in/a.json", "in/sub/b.pdf"]


@pytest.mark.parametrize("name", ["data.json", "chat.jsonl", "log.NDJSON", "dump.json.zst"])
def test_json_files_are_json_tasks_named_or_found_in_folders(write_pdf, tmp_path, name):
    path = write_pdf(name, b"[]")
    assert [source.kind for source in discover([str(path)])] == ["json"]
    assert [source.path for source in discover([str(tmp_path / "in")])] == [path]
    assert discover([str(tmp_path / "in")], kind="pdf") == []


def test_kind_takes_a_file_whatever_its_name(write_pdf):
    path = write_pdf("export.txt", b"[]")
    assert discover([str(path)], kind="json")[0].kind == "json"


def test_a_file_named_twice_is_one_source(write_pdf, tmp_path):
    path = write_pdf("b.pdf", b"1")
    assert len(discover([str(path), str(tmp_path / "in"), str(path)])) == 1


def test_a_missing_path_and_an_unclear_kind_are_usage_errors(write_pdf, tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        discover([str(tmp_path / "nope.pdf")])
    notes = write_pdf("notes.bin", b"x")
    with pytest.raises(UsageError, match=r"PDF files \(.pdf\) or JSON files .* are processed here \(--kind pdf\|json"):
        discover([str(notes)])
    assert discover([str(notes)], kind="pdf")[0].kind == "pdf"
    with pytest.raises(UsageError, match="unknown kind"):
        discover([str(notes)], kind="jpeg")


def test_the_task_input_is_the_pages_plus_where_the_file_lies(write_pdf):
    source = discover([str(write_pdf("report.pdf", b"%PDF-1.4"))])[0]
    data = task_input(source, PdfOptions(mode="text"))
    assert data["file_id"] == "path:" + str(source.path) and data["file_name"] == "report.pdf"
    assert data["size"] == 8 and data["options"]["mode"] == "text" and data["path"] == str(source.path)


def test_the_task_input_records_the_files_size_time_and_content_hash(write_pdf):
    path = write_pdf("report.pdf", b"%PDF-1.4")
    data = task_input(discover([str(path)])[0], PdfOptions())
    assert data["sha256"] == hashlib.sha256(b"%PDF-1.4").hexdigest()
    assert data["mtime_ns"] == path.stat().st_mtime_ns and data["size"] == 8


def test_a_file_is_changed_when_its_size_or_its_content_differ_but_not_after_a_touch(write_pdf):
    path = write_pdf("report.pdf", b"%PDF-1.4 A")
    data = task_input(discover([str(path)])[0], PdfOptions())
    assert changed(data, discover([str(path)])[0], check_content=True) is None
    os.utime(path, ns=(1, 1))  # touched: same bytes
    assert changed(data, discover([str(path)])[0], check_content=False) is None
    path.write_bytes(b"%PDF-1.4 B")  # same size, new bytes
    os.utime(path, ns=(data["mtime_ns"], data["mtime_ns"]))  # even with the recorded time (cp -p)
    assert changed(data, discover([str(path)])[0], check_content=False) is None  # finished: size and time only
    assert changed(data, discover([str(path)])[0], check_content=True) == "its content changed"
    path.write_bytes(b"%PDF-1.4 longer")
    assert "size went from 10 to 15" in changed(data, discover([str(path)])[0], check_content=False)


def test_same_work_compares_the_kind_and_the_options(write_pdf):
    source = discover([str(write_pdf("report.pdf", b"%PDF-1.4"))])[0]
    data = task_input(source, PdfOptions())
    assert same_work("pdf", data, "pdf", task_input(source, PdfOptions()))
    assert not same_work("pdf", data, "pdf", task_input(source, PdfOptions(format="json")))


def test_error_type_names_are_those_a_kinds_task_can_fail_with():
    assert {"NotAPdfError", "WorkerTimeoutError", "PageTimeoutError"} <= error_type_names("pdf")
    assert "KeyboardInterrupt" not in error_type_names() and "TaskCancelledError" not in error_type_names()


def test_output_names_are_the_results_own_and_unique(write_pdf):
    source = discover([str(write_pdf("report.pdf", b"x"))])[0]
    assert output_name(source, PdfOptions(), set()) == "report.zip"
    assert output_name(source, PdfOptions(format="json"), set()) == "report.json"
    assert output_name(source, PdfOptions(), {"report.zip", "report-2.zip"}) == "report-3.zip"
    assert output_name(source, PdfOptions(), set(), foreign=lambda name: name == "report.zip") == "report-2.zip"
    tasks = [TaskState(id="a", name="n", kind="pdf", metadata={"output": "report.zip"}),
             TaskState(id="b", name="n", kind="pdf")]
    assert claimed_names(tasks) == {"report.zip"}
