"""The PDF kind as the app sees it: files it takes, options, task input, summary, password."""

import pytest

from dataflow.browser.row_view import row_view
from dataflow.core.kinds import StoredFile
from dataflow.core.model import TaskError, TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.pdf.kind import PdfKind
from dataflow.executors.pdf.options import PdfOptions

KIND = PdfKind()


@pytest.mark.parametrize(("name", "mime", "taken"), [
    ("a.pdf", "application/pdf", True), ("A.PDF", "", True), ("scan", "application/pdf", True),
    ("notes.txt", "text/plain", False), ("data", "", False)])
def test_takes_pdfs_by_type_or_extension(name, mime, taken):
    assert KIND.accepts.matches(name, mime) is taken


def test_options_parse_with_defaults_and_refuse_bad_values():
    assert KIND.default_options() == PdfOptions()
    assert KIND.parse_options({"mode": "text"}) == PdfOptions(mode="text")
    with pytest.raises(ValueError, match="^Extract: choose one of text, images, complete; got 'everything'.$"):
        KIND.parse_options({"mode": "everything"})


def test_task_input_refers_to_the_stored_file_and_carries_the_options():
    task_input = KIND.task_input(StoredFile("f1", "a.pdf", 10, "application/pdf"), PdfOptions(format="json"))
    assert task_input == {"file_id": "f1", "file_name": "a.pdf", "size": 10,
                          "options": PdfOptions(format="json").to_dict()}


def test_summary_of_a_result_names_the_file_its_size_is_of():
    result = {"result_key": "r", "title": "Annual <report>", "pages": 12, "images": 1, "size": 2_500_000,
              "mime": "application/zip", "skipped_pages": [3], "warnings": []}
    assert KIND.summary(result) == "“Annual <report>” · 12 pages · 1 image · ZIP 2.4 MB · 1 page(s) skipped"
    assert KIND.summary(result | {"mime": "application/json", "title": None}).startswith("12 pages · 1 image · JSON")


def test_a_task_owns_its_file_its_parts_and_its_result():
    task = TaskState(id="t1", name="a.pdf", kind="pdf", input={"file_id": "f1"})
    assert sorted(KIND.owned_blobs(task)) == ["file:f1", "part:t1:", "result:t1"]


@pytest.mark.parametrize("error_type", ["PasswordRequiredError", "WrongPasswordError", "SecretMissingError"])
def test_password_errors_ask_for_the_password(error_type):
    task = TaskState(id="t", name="a.pdf", kind="pdf", status=TaskStatus.FAILED, error=TaskError(error_type, "x"))
    prompt = KIND.needs_secret(task)
    assert prompt is not None and prompt.name == "password" and prompt.submit == "Unlock"


def test_other_errors_do_not():
    task = TaskState(id="t", name="a.pdf", kind="pdf", status=TaskStatus.FAILED, error=TaskError("NotAPdfError", "x"))
    assert KIND.needs_secret(task) is None


def test_a_completed_rows_page_count_is_the_results_not_the_documents():
    task = TaskState(id="t", name="a.pdf", kind="pdf", status=TaskStatus.COMPLETED, progress=100.0,
                     input={"file_id": "f", "size": 9}, metadata={"pages": 113},
                     result={"result_key": "result:t:r", "pages": 0, "size": 272})
    assert row_view(task, 0.0, kind=KIND).message == "0 pages · result 272 bytes"
