"""What a panel row says: labels, actions, times, errors, for every status."""

import pytest

from dataflow.browser.row_view import (
    clear_question,
    duration,
    estimate_remaining,
    row_view,
    size_text,
    status_label,
    summary_text,
    to_clean,
    unexpected_error_log,
)
from dataflow.core.kinds import UNSAVED, UNSUPPORTED, Accepts, ExecutorKind, KindRegistry, SecretPrompt
from dataflow.core.model import AttemptRecord, TaskError, TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.json.kind import JsonKind

S = TaskStatus
NOW = 1_000.0


class DocKind(ExecutorKind):
    """A kind defined here: its summary counts pages, a cancelled row names its checkpoint's page; a
    wrong or missing password needs the user."""

    kind = "doc"
    noun = "doc"
    accepts = Accepts(("application/x-doc",), (".doc",), "doc files")
    secret = SecretPrompt(name="password", label="Password", placeholder="Doc password", submit="Unlock",
                          errors=frozenset({"PasswordRequiredError", "WrongPasswordError"}))

    def summary(self, result):
        return f"{result['pages']} pages" if result else ""

    def cancelled_summary(self, task):
        return f"Cancelled after page {task.checkpoint['page']}" if task.checkpoint else ""

    def waiting_summary(self, task):
        return f"Stopped after page {task.checkpoint['page']}" if task.checkpoint else ""


KIND = DocKind()


def task(status=S.PENDING, **fields):
    fields.setdefault("attempts", [AttemptRecord(number=1, started_at=NOW - 30)] if status is not S.PENDING else [])
    return TaskState(id="t", name="a.doc", kind="doc", status=status, **fields)


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
    view = row_view(task(status, **fields), NOW, kind=KIND)
    assert (view.status, view.label, view.actions) == (status.value, label, actions)


def test_running_row_shows_progress_elapsed_time_left_and_attempt():
    view = row_view(task(S.RUNNING, progress=40.0, start_time=NOW - 20, progress_message="Page 4 of 10",
                         retry_count=1, attempts=[AttemptRecord(2, NOW - 20)]), NOW,
                    samples=[(NOW - 20, 0.0), (NOW, 40.0)])
    assert view.percent == "40%" and view.message == "Page 4 of 10"
    assert view.elapsed == "Elapsed 0:20" and view.remaining == "About 0:30 left"
    assert view.attempt == "Attempt 2 of 4"


def test_elapsed_is_the_time_spent_running_paused_time_and_waits_between_runs_do_not_count():
    runs = [AttemptRecord(1, NOW - 100, NOW - 92, "paused"), AttemptRecord(1, NOW - 60, NOW - 40, "failed"),
            AttemptRecord(2, NOW - 10)]
    paused = task(S.PAUSED, start_time=NOW - 100, attempts=runs[:1], last_updated=NOW - 92)
    assert row_view(paused, NOW).elapsed == row_view(paused, NOW + 3600).elapsed == "Elapsed 0:08"
    assert row_view(task(S.RUNNING, start_time=NOW - 100, attempts=runs), NOW).elapsed == "Elapsed 0:38"
    left_open = task(S.PENDING, start_time=NOW - 100, attempts=runs, last_updated=NOW - 4)  # a tab closed mid-run
    assert row_view(left_open, NOW + 500).elapsed == "Elapsed 0:34"


def test_elapsed_leaves_out_the_wait_for_a_free_worker_and_stands_still_while_it_lasts():
    waiting = task(S.RUNNING, start_time=NOW - 50, progress_message="Waiting for a free PDF worker…",
                   attempts=[AttemptRecord(1, NOW - 50, waiting_since=NOW - 50)])
    assert row_view(waiting, NOW).elapsed == row_view(waiting, NOW + 30).elapsed == "Elapsed 0:00"
    working = task(S.RUNNING, start_time=NOW - 50, attempts=[AttemptRecord(1, NOW - 50, waited=45.0)])
    assert row_view(working, NOW).elapsed == "Elapsed 0:05"


def test_a_row_waiting_for_its_secret_says_so_rather_than_not_retried():
    waiting = task(S.FAILED, error=TaskError("PasswordRequiredError", "pw", retryable=False))
    assert row_view(waiting, NOW, kind=KIND).attempt == "Attempt 1: waiting for the password"


def test_a_failure_that_is_not_retried_does_not_count_attempts_still_to_come():
    error = TaskError("InvalidJsonError", "Not valid JSON at line 1", retryable=False)
    assert row_view(task(S.FAILED, error=error), NOW).attempt == "Attempt 1 (not retried automatically)"
    retryable = TaskError("WorkerCrashed", "The worker stopped")
    assert row_view(task(S.FAILED, error=retryable, retry_count=3), NOW).attempt == "Attempt 4 of 4"


def test_waiting_row_counts_down_to_the_next_attempt():
    assert row_view(task(S.PENDING, next_attempt_at=NOW + 65, retry_count=1), NOW).retry_in == "Retrying in 1:05"


def test_failed_row_has_message_and_details_and_asks_for_a_password_when_needed():
    error = TaskError("WrongPasswordError", "The password is not correct", traceback="Traceback...", attempt=1)
    view = row_view(task(S.FAILED, error=error), NOW, kind=KIND)
    assert view.error == "The password is not correct"
    assert (view.secret, view.secret_placeholder, view.secret_submit) == ("Password", "Doc password", "Unlock")
    assert view.error_details.startswith("WrongPasswordError on attempt 1") and "Traceback" in view.error_details


def test_completed_row_shows_its_kinds_summary_and_elapsed_time():
    view = row_view(task(S.COMPLETED, result={"result_key": "r", "pages": 12}, progress=100.0, start_time=NOW - 75,
                         finished_at=NOW - 5, attempts=[AttemptRecord(1, NOW - 75, NOW - 5, "completed")]), NOW,
                    kind=KIND)
    assert view.message == "12 pages" and view.elapsed == "Elapsed 1:10" and view.error == ""


def test_a_completed_row_lists_one_download_label_per_result_file_of_its_kind():
    done = task(S.COMPLETED, result={"result_key": "r", "pages": 1})
    assert row_view(done, NOW, kind=KIND).downloads == ("Download",)
    assert row_view(done, NOW, kind=JsonKind()).downloads == ("Download",)
    both = task(S.COMPLETED, result={"result_key": "r", "report_key": "r:report.json"})
    assert row_view(both, NOW, kind=JsonKind()).downloads == ("Download", "Download report")
    assert row_view(task(S.RUNNING), NOW, kind=JsonKind()).downloads == ()


def test_a_file_no_kind_takes_offers_remove_only():
    refused = TaskState(id="u", name="notes.txt", kind=UNSUPPORTED, status=S.FAILED,
                        error=TaskError("UnsupportedFileError", "notes.txt is not a file this app can process."))
    view = row_view(refused, NOW)
    assert view.actions == ("remove",) and view.error.startswith("notes.txt is not")


def test_a_file_not_saved_before_a_reload_offers_remove_only_and_says_so():
    lost = TaskState(id="u", name="a.pdf", kind=UNSAVED, status=S.FAILED,
                     error=TaskError("FileNotSavedError", "a.pdf was not saved before the page was reloaded; add it "
                                                          "again."))
    view = row_view(lost, NOW)
    assert view.actions == ("remove",) and view.error.startswith("a.pdf was not saved before")


def test_a_task_of_a_kind_this_app_does_not_run_has_no_summary_secret_or_download():
    error = TaskError("PasswordRequiredError", "pw")
    assert row_view(task(S.FAILED, error=error), NOW).secret == ""
    done = row_view(task(S.COMPLETED, result={"result_key": "r", "pages": 1}), NOW)
    assert done.message == "" and done.actions == ("remove",)


def test_a_task_that_lost_its_secret_in_a_reload_asks_for_it_again():
    error = TaskError("SecretMissingError", "This task needs its password again")
    view = row_view(task(S.FAILED, error=error, secret_names=["password"]), NOW, kind=KIND)
    assert view.label == "Needs password" and view.secret == "Password"


def test_a_secret_forgotten_in_a_reload_is_asked_for_in_its_labels_words_not_its_name():
    class KeyKind(DocKind):
        secret = SecretPrompt(name="api_key", label="API key", placeholder="key", submit="Use this key")

    error = TaskError("SecretMissingError", "This task needs its api_key again: … Enter the api_key to continue.")
    view = row_view(task(S.FAILED, error=error, secret_names=["api_key"]), NOW, kind=KeyKind())
    assert view.label == "Needs API key" and "api_key" not in view.error
    assert view.error.startswith("This task needs its API key again") and "Enter the API key to continue" in view.error


def test_a_secret_forgotten_during_a_wait_is_asked_for_at_once_and_the_wait_counts_down_meanwhile():
    error = TaskError("SecretMissingError", "This task needs its password again")
    waiting = task(S.FAILED, error=error, secret_names=["password"], next_attempt_at=NOW + 65)
    view = row_view(waiting, NOW, kind=KIND)
    assert view.label == "Needs password" and view.secret == "Password"
    assert view.retry_in == "Retrying in 1:05 once the password is entered"
    assert row_view(waiting, NOW + 66, kind=KIND).retry_in == ""  # its time has come: only the key is missing
    given = row_view(task(S.PENDING, error=error, secret_names=["password"], next_attempt_at=NOW + 60), NOW, kind=KIND)
    assert (given.label, given.retry_in, given.error, given.secret) == ("Waiting to retry", "Retrying in 1:00", "", "")


def test_a_secret_never_given_keeps_the_executors_own_words():
    error = TaskError("SecretMissingError", "This task needs the document's password.")
    view = row_view(task(S.FAILED, error=error), NOW, kind=KIND)
    assert view.error == "This task needs the document's password." and view.label == "Needs password"


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


def test_summary_counts_rows_by_status_and_invites_when_empty():
    kinds = KindRegistry()
    kinds.register(DocKind())
    assert summary_text({}, hide_completed=False, kinds=kinds) == "No tasks yet. Add docs above to start."
    counts = {S.COMPLETED: 2, S.RUNNING: 1, S.PENDING: 1}
    assert summary_text(counts, hide_completed=True, kinds=kinds) == \
        "4 tasks · 1 running · 1 queued · 2 completed (hidden)"


@pytest.mark.parametrize("status", [S.CANCELLED, S.FAILED])
def test_a_finished_row_does_not_keep_its_last_progress_message(status):
    view = row_view(task(status, progress_message="Packaging the result", progress=96.0), NOW, kind=KIND)
    assert view.message == ""


def test_a_cancelled_row_says_how_far_it_got_in_its_kinds_words():
    cancelled = task(S.CANCELLED, checkpoint={"page": 40}, progress_message="Page 40 of 100", progress=40.0)
    assert row_view(cancelled, NOW, kind=KIND).message == "Cancelled after page 40"
    assert row_view(cancelled, NOW, kind=None).message == ""  # a kind this app does not run: nothing to say


def test_a_row_waiting_for_its_secret_says_how_far_it_got_in_its_kinds_words():
    error = TaskError("PasswordRequiredError", "pw")
    waiting = task(S.FAILED, error=error, checkpoint={"page": 40}, progress_message="Page 40 of 100", progress=40.0)
    assert row_view(waiting, NOW, kind=KIND).message == "Stopped after page 40"
    failed = task(S.FAILED, error=TaskError("NotAPdfError", "m"), checkpoint={"page": 40})
    assert row_view(failed, NOW, kind=KIND).message == ""  # no secret to wait for: its error says it all


def test_a_paused_row_keeps_its_progress_message():
    assert row_view(task(S.PAUSED, progress_message="Page 40 of 100"), NOW, kind=KIND).message == "Page 40 of 100"


def test_an_expected_error_without_a_traceback_shows_its_type_and_attempt_only():
    error = TaskError("NotAPdfError", "This file is not a PDF", attempt=2)
    assert row_view(task(S.FAILED, error=error), NOW, kind=KIND).error_details == "NotAPdfError on attempt 2"


def test_only_an_unexpected_error_goes_to_the_console_with_its_traceback():
    unexpected = TaskError("KeyError", "'x'", traceback="Traceback (most recent call last):\nKeyError: 'x'",
                           attempt=2, at=NOW)
    key, text = unexpected_error_log(task(S.FAILED, error=unexpected))
    assert key[1:] == (2, NOW) and "KeyError on attempt 2 (unexpected)" in text and text.endswith("KeyError: 'x'")
    assert unexpected_error_log(task(S.FAILED, error=TaskError("NotAPdfError", "not a PDF"))) is None
    assert unexpected_error_log(task(S.FAILED)) is None


@pytest.mark.parametrize("status", [S.RUNNING, S.PAUSED, S.CANCELLED])
def test_an_earlier_attempts_error_is_not_shown_once_a_new_attempt_runs(status):
    error = TaskError("WrongPasswordError", "The password is not correct", attempt=1)
    view = row_view(task(status, error=error), NOW, kind=KIND)
    assert view.error == "" and view.error_details == ""


def test_a_pending_automatic_retry_still_shows_the_error_it_retries():
    error = TaskError("PdfWorkerError", "The worker stopped", attempt=1)
    view = row_view(task(S.PENDING, error=error, next_attempt_at=NOW + 5), NOW, kind=KIND)
    assert view.error == "The worker stopped"


def test_a_completed_row_offers_the_action_another_kind_derives_from_it():
    done = task(S.COMPLETED, result={"result_key": "result:t", "pages": 3})
    view = row_view(done, NOW, kind=KIND, derive="Enrich")
    assert view.derive == "Enrich" and view.actions == ("derive", "download", "remove")
    running = row_view(task(S.RUNNING), NOW, kind=KIND, derive="Enrich")
    assert running.derive == "" and "derive" not in running.actions


@pytest.mark.parametrize(("statuses", "question"), [
    ([S.FAILED], "Remove 1 finished task?"),
    ([S.COMPLETED], "Remove 1 finished task and delete 1 stored result?"),
    ([S.COMPLETED, S.FAILED, S.CANCELLED], "Remove 3 finished tasks and delete 1 stored result?"),
    ([S.COMPLETED] * 1200, "Remove 1,200 finished tasks and delete 1,200 stored results?"),
])
def test_clear_finished_asks_how_many_tasks_and_results_go(statuses, question):
    tasks = [task(status, result={"result_key": "r", "pages": 1} if status is S.COMPLETED else None)
             for status in statuses]
    assert clear_question(tasks) == f"{question} This cannot be undone."
