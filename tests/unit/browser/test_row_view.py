"""What a panel row says: labels, actions, times, errors, for every status."""

import pytest

from dataflow.browser.row_view import duration, estimate_remaining, row_view, size_text, status_label, to_clean
from dataflow.core.model import AttemptRecord, TaskError, TaskState
from dataflow.core.status import TaskStatus

S = TaskStatus
NOW = 1_000.0


def task(status=S.PENDING, **fields):
    fields.setdefault("attempts", [AttemptRecord(number=1, started_at=NOW - 30)] if status is not S.PENDING else [])
    return TaskState(id="t", name="a.pdf", kind="pdf", status=status, **fields)


@pytest.mark.parametrize(("status", "fields", "label", "actions"), [
    (S.PENDING, {}, "Queued", ("pause", "cancel", "remove")),
    (S.PENDING, {"next_attempt_at": NOW + 5, "retry_count": 1}, "Waiting to retry", ("pause", "cancel", "remove")),
    (S.RUNNING, {}, "Running", ("pause", "cancel", "remove")),
    (S.RUNNING, {"stop_requested": "pause"}, "Pausing…", ("resume", "cancel", "remove")),
    (S.RUNNING, {"stop_requested": "cancel"}, "Cancelling…", ("remove",)),
    (S.PAUSED, {}, "Paused", ("resume", "cancel", "remove")),
    (S.COMPLETED, {"result": {"result_key": "result:t", "pages": 3}}, "Completed", ("download", "remove")),
    (S.COMPLETED, {"result": None}, "Completed", ("remove",)),
    (S.FAILED, {"error": TaskError("NotAPdfError", "not a PDF")}, "Failed", ("retry", "remove")),
    (S.FAILED, {"error": TaskError("PasswordRequiredError", "pw")}, "Needs password", ("retry", "remove")),
    (S.CANCELLED, {}, "Cancelled", ("retry", "remove")),
])
def test_label_and_actions_for_each_status(status, fields, label, actions):
    view = row_view(task(status, **fields), NOW)
    assert (view.status, view.label, view.actions) == (status.value, label, actions)


def test_running_row_shows_progress_elapsed_time_left_and_attempt():
    view = row_view(task(S.RUNNING, progress=40.0, start_time=NOW - 20, progress_message="Page 4 of 10",
                         retry_count=1), NOW, samples=[(NOW - 20, 0.0), (NOW, 40.0)])
    assert view.percent == "40%" and view.message == "Page 4 of 10"
    assert view.elapsed == "Elapsed 0:20" and view.remaining == "About 0:30 left"
    assert view.attempt == "Attempt 2 of 4"


def test_waiting_row_counts_down_to_the_next_attempt():
    assert row_view(task(S.PENDING, next_attempt_at=NOW + 65, retry_count=1), NOW).retry_in == "Retrying in 1:05"


def test_failed_row_has_message_and_details_and_asks_for_a_password_when_needed():
    error = TaskError("WrongPasswordError", "The password is not correct", traceback="Traceback...", attempt=1)
    view = row_view(task(S.FAILED, error=error), NOW)
    assert view.error == "The password is not correct" and view.needs_password
    assert view.error_details.startswith("WrongPasswordError on attempt 1") and "Traceback" in view.error_details


def test_completed_row_summarises_the_result():
    result = {"result_key": "r", "title": "Annual <report>", "pages": 12, "images": 1, "size": 2_500_000,
              "skipped_pages": [3], "warnings": []}
    view = row_view(task(S.COMPLETED, result=result, progress=100.0, start_time=NOW - 75, finished_at=NOW - 5),
                    NOW)
    assert view.message == "“Annual <report>” · 12 pages · 1 image · 2.4 MB · 1 page(s) skipped"
    assert view.elapsed == "Elapsed 1:10" and view.error == ""


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (7.4, "0:07"), (83, "1:23"), (3723, "1:02:03")])
def test_durations(seconds, text):
    assert duration(seconds) == text


@pytest.mark.parametrize(("size", "text"), [(12, "12 bytes"), (2048, "2.0 KB"), (5 * 1024 * 1024, "5.0 MB")])
def test_sizes(size, text):
    assert size_text(size) == text


def test_time_left_needs_enough_evidence():
    assert estimate_remaining([]) is None
    assert estimate_remaining([(0.0, 0.0), (0.5, 10.0)]) is None  # under a second of data
    assert estimate_remaining([(0.0, 0.0), (10.0, 0.5)]) is None  # under one percent
    assert estimate_remaining([(0.0, 10.0), (10.0, 60.0)]) == pytest.approx(8.0)


def test_status_label_of_a_paused_task():
    assert status_label(task(S.PAUSED)) == "Paused"


def test_auto_cleanup_by_age_and_by_count():
    tasks = [TaskState(id=f"t{i}", name="x", kind="pdf", status=S.COMPLETED, finished_at=NOW - age)
             for i, age in enumerate([10, 100, 1000])]
    tasks.append(TaskState(id="failed", name="x", kind="pdf", status=S.FAILED, finished_at=NOW - 5000))
    assert to_clean(tasks, NOW, after_seconds=None, keep=None) == []
    assert to_clean(tasks, NOW, after_seconds=60, keep=None) == ["t1", "t2"]
    assert to_clean(tasks, NOW, after_seconds=None, keep=1) == ["t1", "t2"]
    assert to_clean(tasks, NOW, after_seconds=5000, keep=2) == ["t2"]


def test_a_completed_rows_page_count_is_the_results_not_the_documents():
    task = TaskState(id="t", name="a.pdf", kind="pdf", status=S.COMPLETED, progress=100.0,
                     input={"file_id": "f", "size": 9}, metadata={"pages": 113},
                     result={"result_key": "result:t:r", "pages": 0, "size": 272})
    assert row_view(task, 0.0).message == "0 pages · 272 bytes"
