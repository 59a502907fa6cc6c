"""Which files a command line names, the task each becomes, its identity and its output name."""

import os

import pytest

from dataflow.core import TaskState
from dataflow.executors.pdf.options import PdfOptions
from dataflow.native.batch import UsageError, claimed_names, discover, identity, output_name, task_input


def test_folders_give_their_pdfs_recursively_in_a_stable_order(write_pdf, tmp_path):
    write_pdf("b.pdf", b"1")
    write_pdf("A.PDF", b"2", folder="in/sub")
    write_pdf("notes.txt", b"3")
    found = discover([str(tmp_path / "in")])
    assert [s.path.relative_to(tmp_path).as_posix() for s in found] == ["in/b.pdf", "in/sub/A.PDF"]
    assert {s.kind for s in found} == {"pdf"}


def test_a_file_named_twice_is_one_source(write_pdf, tmp_path):
    path = write_pdf("b.pdf", b"1")
    assert len(discover([str(path), str(tmp_path / "in"), str(path)])) == 1


def test_a_missing_path_and_an_unclear_kind_are_usage_errors(write_pdf, tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        discover([str(tmp_path / "nope.pdf")])
    notes = write_pdf("notes.bin", b"x")
    with pytest.raises(UsageError, match="pass --kind"):
        discover([str(notes)])
    assert discover([str(notes)], kind="pdf")[0].kind == "pdf"
    with pytest.raises(UsageError, match="unknown kind"):
        discover([str(notes)], kind="jpeg")


def test_the_task_input_is_the_pages_plus_where_the_file_lies(write_pdf):
    source = discover([str(write_pdf("report.pdf", b"%PDF-1.4"))])[0]
    data = task_input(source, PdfOptions(mode="text"))
    assert data["file_id"] == "path:" + str(source.path) and data["file_name"] == "report.pdf"
    assert data["size"] == 8 and data["options"]["mode"] == "text" and data["path"] == str(source.path)


def test_identity_changes_with_the_options_and_the_files_version(write_pdf):
    path = write_pdf("report.pdf", b"%PDF-1.4")
    first = identity("pdf", task_input(discover([str(path)])[0], PdfOptions()))
    assert first == identity("pdf", task_input(discover([str(path)])[0], PdfOptions()))
    assert first != identity("pdf", task_input(discover([str(path)])[0], PdfOptions(format="json")))
    os.utime(path, ns=(1, 1))
    assert first != identity("pdf", task_input(discover([str(path)])[0], PdfOptions()))


def test_output_names_are_the_results_own_and_unique(write_pdf):
    source = discover([str(write_pdf("report.pdf", b"x"))])[0]
    assert output_name(source, PdfOptions(), set()) == "report.zip"
    assert output_name(source, PdfOptions(format="json"), set()) == "report.json"
    assert output_name(source, PdfOptions(), {"report.zip", "report-2.zip"}) == "report-3.zip"
    tasks = [TaskState(id="a", name="n", kind="pdf", metadata={"output": "report.zip"}),
             TaskState(id="b", name="n", kind="pdf")]
    assert claimed_names(tasks) == {"report.zip"}
