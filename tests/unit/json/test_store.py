"""The JSON kind's keys and the blobs a JSON task claims from the janitor."""

from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.json.store import json_blob_claims, report_key, run_result_key, step_key, step_of, summary_key


def task(status: TaskStatus, result=None) -> TaskState:
    return TaskState(id="t1", name="d.json", kind="json", status=status, input={"file_id": "f1"}, result=result)


def test_step_keys_sort_by_step_and_give_their_step_back():
    keys = [step_key("t1", "out", n) for n in (10, 2, 100)]
    assert sorted(keys) == [step_key("t1", "out", n) for n in (2, 10, 100)]
    assert [step_of(key) for key in keys] == [10, 2, 100]


def test_a_result_its_report_and_summary_live_under_the_run():
    key = run_result_key("t1", "r1")
    assert (key, report_key(key), summary_key(key)) == ("result:t1:r1", "result:t1:r1:report.json",
                                                        "result:t1:r1:summary")


def test_an_unfinished_task_claims_its_file_parts_and_every_result_of_its_runs():
    claims = json_blob_claims(task(TaskStatus.RUNNING))
    assert claims.covers("file:f1") and claims.covers("part:t1:out:000001") and claims.covers("result:t1:r9")
    assert not claims.covers("part:t2:out:000001")


def test_a_completed_task_claims_only_its_named_result_with_report_and_summary():
    key = run_result_key("t1", "r1")
    claims = json_blob_claims(task(TaskStatus.COMPLETED, {"result_key": key}))
    assert all(claims.covers(k) for k in ("file:f1", key, report_key(key), summary_key(key)))
    assert not claims.covers("part:t1:out:000000") and not claims.covers(run_result_key("t1", "old"))
