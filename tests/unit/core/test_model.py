"""TaskState and friends: JSON round trips, tolerant reads, clear errors on wrong shapes."""

import json

import pytest

from dataflow.core.errors import CorruptRecordError
from dataflow.core.model import AttemptRecord, TaskError, TaskState
from dataflow.core.retry import RetryPolicy
from dataflow.core.status import TaskStatus


def full_task():
    return TaskState(
        id="t1", name="report.pdf", kind="pdf", status=TaskStatus.FAILED, progress=42.5,
        progress_message="page 3 of 7", input={"file": "blob:t1"}, metadata={"tags": ["x"], "n": 1},
        result={"pages": 7}, error=TaskError(type="ValueError", message="bad", traceback="tb", attempt=2,
                                              retryable=False, at=5.0),
        checkpoint={"next_page": 3}, retry_count=1, max_retries=5,
        retry_policy=RetryPolicy(maximum_attempts=6, jitter=False), created_at=1.0, start_time=2.0,
        last_updated=6.0, finished_at=6.0, next_attempt_at=None, queued_at=1.0, stop_requested=None,
        attempts=[AttemptRecord(number=1, started_at=2.0, ended_at=3.0, outcome="failed", error="x")],
    )


def test_round_trip_through_json_is_lossless():
    task = full_task()
    assert TaskState.from_dict(json.loads(json.dumps(task.to_dict()))) == task


def test_status_is_persisted_as_its_string_value():
    assert full_task().to_dict()["status"] == "failed"


def test_missing_fields_take_defaults():
    task = TaskState.from_dict({"id": "old", "name": "n", "status": "pending"})
    assert task.kind == "" and task.progress == 0.0 and task.attempts == [] and task.metadata == {}
    assert task.retry_policy == RetryPolicy() and task.max_retries == 3


def test_error_saved_as_plain_message_is_read():
    task = TaskState.from_dict({"id": "old", "error": "it broke"})
    assert task.error == TaskError(type="Error", message="it broke")


def test_progress_is_clamped_on_read():
    assert TaskState.from_dict({"id": "a", "progress": 250}).progress == 100.0
    assert TaskState.from_dict({"id": "a", "progress": -3}).progress == 0.0


@pytest.mark.parametrize("record", [
    "not a dict", [1, 2], {"name": "no id"}, {"id": ""}, {"id": 7}, {"id": "a", "status": "exploded"},
    {"id": "a", "progress": "lots"}, {"id": "a", "metadata": [1]}, {"id": "a", "attempts": [{"number": 1}]},
    {"id": "a", "retry_policy": {"maximum_attempts": 0}}, {"id": "a", "error": 5},
])
def test_wrong_shapes_raise_corrupt_record(record):
    with pytest.raises(CorruptRecordError):
        TaskState.from_dict(record)


def test_attempt_numbers_follow_retry_count():
    task = TaskState(id="a", name="a", kind="k", retry_count=2, max_retries=3)
    assert (task.attempt, task.max_attempts) == (3, 4)


def test_snapshot_is_not_changed_by_later_changes():
    task = full_task()
    copy = task.snapshot()
    task.metadata["n"] = 2
    task.attempts.append(AttemptRecord(number=2, started_at=9.0))
    task.progress = 99
    assert copy.metadata["n"] == 1 and len(copy.attempts) == 1 and copy.progress == 42.5


def test_run_seconds_sums_the_runs_and_counts_an_open_one_to_now_only_while_running():
    runs = [AttemptRecord(1, 100.0, 108.0, "paused"), AttemptRecord(1, 140.0)]
    assert TaskState(id="t", name="n", kind="k", status=TaskStatus.RUNNING, attempts=runs).run_seconds(150.0) == 18.0
    stale = TaskState(id="t", name="n", kind="k", status=TaskStatus.PENDING, attempts=runs, last_updated=145.0)
    assert stale.run_seconds(999.0) == 13.0
    assert TaskState(id="t", name="n", kind="k").run_seconds(150.0) is None


def test_a_runs_time_leaves_out_its_waits_closed_and_open():
    waited = AttemptRecord(1, 100.0, 130.0, "completed", waited=12.0)
    assert waited.ran(999.0) == 18.0
    still_waiting = AttemptRecord(2, 200.0, waited=3.0, waiting_since=205.0)
    assert still_waiting.ran(209.0) == 2.0  # 9 s since its start, less 3 s waited before and 4 s now
    task = TaskState(id="t", name="n", kind="k", status=TaskStatus.RUNNING, attempts=[waited, still_waiting])
    assert task.run_seconds(209.0) == 20.0


def test_ending_a_run_closes_its_open_wait():
    record = AttemptRecord(1, 100.0, waited=1.0, waiting_since=104.0).ended(110.0, "paused")
    assert (record.ended_at, record.outcome, record.waited, record.waiting_since) == (110.0, "paused", 7.0, None)
    assert record.ran(999.0) == 3.0


def test_runs_are_numbered_on_from_the_last_even_in_an_old_save_that_numbered_two_runs_alike():
    old = TaskState.from_dict({"id": "t", "name": "n", "kind": "k", "status": "running", "attempts": [
        {"number": 1, "started_at": 1.0, "ended_at": 2.0, "outcome": "interrupted"}, {"number": 1, "started_at": 3.0}]})
    assert [(a.number, a.waited, a.waiting_since) for a in old.attempts] == [(1, 0.0, None), (1, 0.0, None)]
    assert old.next_attempt_number == 2
    assert TaskState(id="t", name="n", kind="k").next_attempt_number == 1
