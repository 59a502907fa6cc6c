"""Orchestrator: the public API, retries with backoff, pause/resume/cancel, restore after a reload."""

import pytest

from dataflow.core import events
from dataflow.core.errors import DataflowError, InvalidTransitionError, NonRetryableError, UnknownTaskError
from dataflow.core.persistence import DEFAULT_PREFIX, decode
from dataflow.core.retry import RetryPolicy
from dataflow.core.status import TaskStatus
from dataflow.core.storage import MemoryStorage
from dataflow.core.wire import ErrorRegistry
from tests.unit.core.conftest import StepExecutor, expected_total

S = TaskStatus


def statuses(orchestrator, task_id):
    return [e.task.status for e in orchestrator.events if e.task_id == task_id and e.type != events.PROGRESS]


async def run_to_end(orchestrator, clock, seconds=100):
    for _ in range(seconds):
        await clock.advance(1)
    await orchestrator.wait_idle()


# Creating and reading ------------------------------------------------------------------------

async def test_task_runs_to_completion_with_real_progress_and_result(make_orchestrator, clock):
    o = make_orchestrator()
    task_id = o.execute_task("four steps", "steps", {"steps": 4}, metadata={"owner": "me"})
    await run_to_end(o, clock)
    state = o.get_task_state(task_id)
    assert state.status is S.COMPLETED and state.progress == 100.0
    assert state.result == {"total": expected_total(4), "steps": 4}
    assert state.metadata == {"owner": "me"} and state.error is None
    assert state.finished_at == state.start_time + 4
    progress = [e.task.progress for e in o.events if e.type == events.PROGRESS]
    assert progress == [25.0, 50.0, 75.0, 100.0]
    assert statuses(o, task_id) == [S.PENDING, S.RUNNING, S.COMPLETED]


async def test_unknown_kind_is_refused(make_orchestrator):
    o = make_orchestrator()
    with pytest.raises(DataflowError, match="no executor is registered for kind 'nope'"):
        o.execute_task("x", "nope")


async def test_executor_object_is_registered_by_its_kind(make_orchestrator, clock):
    o = make_orchestrator(register=False)
    executor = StepExecutor(clock)
    task_id = o.execute_task("x", executor, {"steps": 1})
    await run_to_end(o, clock)
    assert o.get_task_state(task_id).kind == "steps" and executor.runs


async def test_input_and_metadata_must_be_json(make_orchestrator):
    o = make_orchestrator()
    with pytest.raises(TypeError, match="input must be JSON-serialisable"):
        o.execute_task("x", "steps", {"data": b"bytes"})
    with pytest.raises(TypeError, match="metadata must be JSON-serialisable"):
        o.execute_task("x", "steps", {"steps": 1}, metadata={"when": object()})
    assert o.list_tasks() == []


async def test_get_task_state_returns_a_copy_and_unknown_ids_raise(make_orchestrator):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 1})
    o.get_task_state(task_id).metadata["x"] = 1
    assert o.get_task_state(task_id).metadata == {}
    with pytest.raises(UnknownTaskError, match="no task with id 'missing'"):
        o.get_task_state("missing")


async def test_list_tasks_is_oldest_first(make_orchestrator):
    o = make_orchestrator()
    ids = [o.execute_task(f"n{i}", "steps", {"steps": 1}) for i in range(3)]
    assert [t.id for t in o.list_tasks()] == ids


async def test_iter_tasks_snapshots_each_task_when_reached_and_leaves_out_one_removed_before(make_orchestrator):
    o = make_orchestrator()
    first, removed, paused = (o.execute_task(f"n{i}", "steps", {"steps": 1}) for i in range(3))
    tasks = o.iter_tasks()
    assert next(tasks).id == first
    o.remove(removed)
    o.pause(paused)
    o.execute_task("later", "steps", {"steps": 1})  # the ids were listed when the iteration started
    rest = list(tasks)
    assert [(task.id, task.status) for task in rest] == [(paused, S.PAUSED)]
    rest[0].metadata["x"] = 1
    assert o.get_task_state(paused).metadata == {}


# Queue and concurrency ------------------------------------------------------------------------

async def test_concurrency_one_runs_tasks_one_at_a_time_in_order(make_orchestrator, clock):
    o = make_orchestrator()
    ids = [o.execute_task(f"n{i}", "steps", {"steps": 2}) for i in range(3)]
    await clock.advance(0)
    assert [o.get_task_state(i).status for i in ids] == [S.RUNNING, S.PENDING, S.PENDING]
    await run_to_end(o, clock)
    starts = [o.get_task_state(i).start_time for i in ids]
    assert starts == sorted(starts) and starts[1] - starts[0] == 2


async def test_concurrency_limit_is_respected(make_orchestrator, clock):
    o = make_orchestrator(concurrency=2)
    ids = [o.execute_task(f"n{i}", "steps", {"steps": 2}) for i in range(5)]
    seen_running = []
    o.subscribe(lambda e: seen_running.append(sum(t.status is S.RUNNING for t in o.list_tasks())))
    await run_to_end(o, clock)
    assert max(seen_running) == 2
    assert all(o.get_task_state(i).status is S.COMPLETED for i in ids)


async def test_set_concurrency_starts_more_queued_tasks(make_orchestrator, clock):
    o = make_orchestrator()
    ids = [o.execute_task(f"n{i}", "steps", {"steps": 3}) for i in range(3)]
    await clock.advance(0)
    o.set_concurrency(3)
    await clock.advance(0)
    assert all(o.get_task_state(i).status is S.RUNNING for i in ids)
    with pytest.raises(ValueError):
        o.set_concurrency(0)


# Retries ---------------------------------------------------------------------------------------

async def test_failure_is_retried_after_the_backoff_delay(make_orchestrator, clock):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 3, "fail_at": 1, "fail_on_attempts": [1, 2]})
    await clock.advance(1)  # step 0 done, step 1 fails on attempt 1
    state = o.get_task_state(task_id)
    assert state.status is S.PENDING and state.retry_count == 1
    assert state.next_attempt_at == clock.now() + 1.0  # initial_interval
    assert state.error.type == "RuntimeError" and state.error.attempt == 1
    assert "step 1 failed on attempt 1" in state.error.message and "Traceback" in state.error.traceback
    await clock.advance(0.99)
    assert o.get_task_state(task_id).status is S.PENDING
    await clock.advance(0.01)  # attempt 2 starts at once, fails at step 1 (resumed from checkpoint)
    state = o.get_task_state(task_id)
    assert state.retry_count == 2 and state.next_attempt_at == clock.now() + 2.0
    await run_to_end(o, clock)
    state = o.get_task_state(task_id)
    assert state.status is S.COMPLETED and state.result["total"] == expected_total(3)
    assert [(a.number, a.outcome) for a in state.attempts] == [(1, "failed"), (2, "failed"), (3, "completed")]
    assert [run["start"] for run in o.executor.runs] == [0, 1, 1]  # retries resume from the checkpoint


async def test_retries_stop_at_maximum_attempts(make_orchestrator, clock):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 2, "fail_at": 0, "fail_on_attempts": [1, 2, 3, 4, 5]})
    await run_to_end(o, clock)
    state = o.get_task_state(task_id)
    assert state.status is S.FAILED and state.retry_count == state.max_retries == 3
    assert len(state.attempts) == 4 and state.error.attempt == 4 and state.finished_at is not None
    gaps = [b.started_at - a.ended_at for a, b in zip(state.attempts, state.attempts[1:], strict=False)]
    assert gaps == [1.0, 2.0, 4.0]


async def test_jittered_delays_stay_within_bounds(make_orchestrator, clock):
    o = make_orchestrator(retry_policy=RetryPolicy(), rng=lambda: 0.5)
    task_id = o.execute_task("x", "steps", {"steps": 1, "fail_at": 0, "fail_on_attempts": [1, 2, 3, 4]})
    await run_to_end(o, clock)
    attempts = o.get_task_state(task_id).attempts
    gaps = [b.started_at - a.ended_at for a, b in zip(attempts, attempts[1:], strict=False)]
    assert gaps == [0.5, 1.0, 2.0]


async def test_non_retryable_errors_fail_at_once(make_orchestrator, clock):
    class BadInput:
        async def execute(self, input, ctx):  # noqa: A002
            raise NonRetryableError("this is not a PDF")

    o = make_orchestrator()
    o.register("bad", BadInput())
    task_id = o.execute_task("x", "bad")
    await run_to_end(o, clock, 2)
    state = o.get_task_state(task_id)
    assert state.status is S.FAILED and state.retry_count == 0 and not state.error.retryable
    assert state.error.message == "this is not a PDF"
    assert state.error.traceback == ""  # raised on purpose: its message says it all, no Python traceback


async def test_an_unexpected_error_keeps_its_traceback_for_developers(make_orchestrator, clock):
    class Broken:
        async def execute(self, input, ctx):  # noqa: A002
            return {}["missing"]

    o = make_orchestrator()
    o.register("broken", Broken())
    task_id = o.execute_task("x", "broken", retry_policy=RetryPolicy(maximum_attempts=1))
    await run_to_end(o, clock, 2)
    error = o.get_task_state(task_id).error
    assert error.type == "KeyError" and error.traceback.startswith("Traceback") and "missing" in error.traceback


async def test_an_unexpected_error_in_a_worker_keeps_the_workers_traceback(make_orchestrator, clock):
    class FromWorker:
        async def execute(self, input, ctx):  # noqa: A002
            raise ErrorRegistry().from_data({"type": "KeyError", "message": "'x'", "retryable": False,
                                             "traceback": "Traceback (worker)\nKeyError: 'x'"})

    o = make_orchestrator()
    o.register("worker", FromWorker())
    task_id = o.execute_task("x", "worker")
    await run_to_end(o, clock, 2)
    assert o.get_task_state(task_id).error.traceback == "Traceback (worker)\nKeyError: 'x'"


async def test_non_retryable_error_types_by_name(make_orchestrator, clock):
    o = make_orchestrator()
    policy = RetryPolicy(jitter=False, non_retryable_error_types=("ValueError",))
    task_id = o.execute_task("x", "steps", {"steps": 1, "fail_at": 0, "fail_on_attempts": [1],
                                            "error": "ValueError"}, retry_policy=policy)
    await run_to_end(o, clock, 2)
    assert o.get_task_state(task_id).status is S.FAILED
    assert len(o.executor.runs) == 1


async def test_result_that_is_not_json_fails_without_retry(make_orchestrator, clock):
    o = make_orchestrator()
    o.register("bytes", lambda value, ctx: b"raw")
    task_id = o.execute_task("x", "bytes")
    await run_to_end(o, clock, 1)
    state = o.get_task_state(task_id)
    assert state.status is S.FAILED and "result must be JSON-serialisable" in state.error.message


async def test_max_retries_follows_the_policy(make_orchestrator):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 1}, retry_policy=RetryPolicy(maximum_attempts=6))
    assert o.get_task_state(task_id).max_retries == 5


# Pause, resume, cancel, retry, remove ----------------------------------------------------------

async def test_pause_and_resume_a_queued_task(make_orchestrator, clock):
    o = make_orchestrator()
    first = o.execute_task("a", "steps", {"steps": 2})
    second = o.execute_task("b", "steps", {"steps": 1})
    o.pause(second)
    await run_to_end(o, clock, 5)
    assert o.get_task_state(second).status is S.PAUSED and o.get_task_state(first).status is S.COMPLETED
    o.resume(second)
    await run_to_end(o, clock, 5)
    assert o.get_task_state(second).status is S.COMPLETED


async def test_pause_of_a_running_task_stops_at_the_next_point_and_resume_continues(make_orchestrator, clock):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 5})
    await clock.advance(2.5)
    o.pause(task_id)
    assert o.get_task_state(task_id).stop_requested == "pause"
    await clock.advance(1)
    state = o.get_task_state(task_id)
    assert state.status is S.PAUSED and state.checkpoint["next"] == 3 and state.stop_requested is None
    await clock.advance(10)
    assert o.get_task_state(task_id).status is S.PAUSED
    o.resume(task_id)
    await run_to_end(o, clock)
    state = o.get_task_state(task_id)
    assert state.status is S.COMPLETED and state.result["total"] == expected_total(5)
    assert o.executor.steps_done == [0, 1, 2, 3, 4]  # nothing done twice
    assert [(a.number, a.outcome) for a in state.attempts] == [(1, "paused"), (2, "completed")]


async def test_resume_withdraws_a_pause_not_yet_taken(make_orchestrator, clock):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 3})
    await clock.advance(0.5)
    o.pause(task_id)
    o.resume(task_id)
    await run_to_end(o, clock)
    assert o.get_task_state(task_id).status is S.COMPLETED and len(o.executor.runs) == 1


@pytest.mark.parametrize("where", ["pending", "paused", "running", "waiting for retry"])
async def test_cancel_from_every_cancellable_status(make_orchestrator, clock, where):
    o = make_orchestrator()
    blocker = o.execute_task("first", "steps", {"steps": 2})
    spec = {"steps": 3, "fail_at": 0, "fail_on_attempts": [1]} if where == "waiting for retry" else {"steps": 3}
    task_id = o.execute_task("x", "steps", spec) if where != "running" else blocker
    if where == "paused":
        o.pause(task_id)
    if where == "waiting for retry":
        await clock.advance(2.0)  # blocker done, x fails at step 0 and waits 1 s
        assert o.get_task_state(task_id).next_attempt_at is not None
    if where == "running":
        await clock.advance(0.5)
    o.cancel(task_id)
    await run_to_end(o, clock, 10)
    state = o.get_task_state(task_id)
    assert state.status is S.CANCELLED and state.finished_at is not None


async def test_retry_by_hand_runs_a_failed_task_again_with_fresh_attempts(make_orchestrator, clock):
    o = make_orchestrator(retry_policy=RetryPolicy(maximum_attempts=1))
    blocker = o.execute_task("x", "steps", {"steps": 2, "fail_at": 1, "fail_on_runs": [1]})
    task_id = blocker
    await run_to_end(o, clock, 5)
    assert o.get_task_state(task_id).status is S.FAILED
    o.execute_task("queued first", "steps", {"steps": 1})
    o.retry(task_id)
    state = o.get_task_state(task_id)
    assert state.status is S.PENDING and state.retry_count == 0 and state.finished_at is None
    await run_to_end(o, clock, 5)
    state = o.get_task_state(task_id)
    assert state.status is S.COMPLETED and state.result["total"] == expected_total(2)


@pytest.mark.parametrize("action", ["pause", "resume", "cancel", "retry"])
async def test_illegal_actions_on_a_completed_task_raise_and_change_nothing(make_orchestrator, clock, action):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 1})
    await run_to_end(o, clock, 2)
    before = o.get_task_state(task_id)
    with pytest.raises(InvalidTransitionError):
        getattr(o, action)(task_id)
    assert o.get_task_state(task_id) == before


async def test_resume_of_a_pending_task_and_retry_of_a_running_one_are_refused(make_orchestrator, clock):
    o = make_orchestrator()
    running = o.execute_task("a", "steps", {"steps": 3})
    pending = o.execute_task("b", "steps", {"steps": 1})
    await clock.advance(0)
    with pytest.raises(InvalidTransitionError, match="cannot resume a task that is pending"):
        o.resume(pending)
    with pytest.raises(InvalidTransitionError, match="cannot retry a task that is running"):
        o.retry(running)
    with pytest.raises(InvalidTransitionError, match="cannot resume a task that is running"):
        o.resume(running)  # found by the stateful test: this once queued a second run of the same task


async def test_cancel_of_a_running_task_is_not_undone_by_pause_or_resume(make_orchestrator, clock):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 3})
    await clock.advance(0.5)
    o.cancel(task_id)
    for action in (o.pause, o.resume, o.cancel):
        with pytest.raises(InvalidTransitionError, match="a cancel is already requested"):
            action(task_id)
    await run_to_end(o, clock, 3)
    assert o.get_task_state(task_id).status is S.CANCELLED


async def test_remove_forgets_a_task_and_its_saved_record(make_orchestrator, clock, storage):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 1})
    assert storage.get(DEFAULT_PREFIX + task_id) is not None
    o.remove(task_id)
    assert storage.get(DEFAULT_PREFIX + task_id) is None and o.list_tasks() == []
    assert o.events[-1].type == events.REMOVED and o.events[-1].task.name == "x"
    with pytest.raises(UnknownTaskError):
        o.remove(task_id)


async def test_remove_of_a_running_task_stops_it_and_discards_its_result(make_orchestrator, clock, storage):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 5})
    other = o.execute_task("y", "steps", {"steps": 1})
    await clock.advance(1.5)
    o.remove(task_id)
    await run_to_end(o, clock, 5)
    assert [t.id for t in o.list_tasks()] == [other]
    assert o.executor.steps_done == [0, 1, 0]  # x stopped at its next stop point, y ran
    assert storage.get(DEFAULT_PREFIX + task_id) is None


# Subscribers and callbacks ---------------------------------------------------------------------

async def test_unsubscribe_stops_events(make_orchestrator):
    o = make_orchestrator()
    seen = []
    unsubscribe = o.subscribe(seen.append)
    o.execute_task("a", "steps", {"steps": 1})
    unsubscribe()
    o.execute_task("b", "steps", {"steps": 1})
    assert [e.task.name for e in seen if e.type == events.ADDED] == ["a"]


async def test_broken_subscriber_becomes_a_warning_not_a_crash(make_orchestrator, clock):
    o = make_orchestrator()

    def broken(event):
        if event.type != events.WARNING:
            raise RuntimeError("panel bug")

    o.subscribe(broken)
    task_id = o.execute_task("x", "steps", {"steps": 1})
    await run_to_end(o, clock, 2)
    assert o.get_task_state(task_id).status is S.COMPLETED
    assert any("A subscriber failed" in w and "panel bug" in w for w in o.warnings)


async def test_on_task_complete_is_called_once_with_the_final_state(make_orchestrator, clock):
    o = make_orchestrator()
    done = []
    remove_callback = o.on_task_complete(done.append)
    task_id = o.execute_task("x", "steps", {"steps": 2})
    failing = o.execute_task("y", "steps", {"steps": 1, "fail_at": 0, "fail_on_attempts": [1, 2, 3, 4]})
    await run_to_end(o, clock, 30)
    assert [(s.id, s.status) for s in done] == [(task_id, S.COMPLETED)]
    assert o.get_task_state(failing).status is S.FAILED
    remove_callback()
    o.execute_task("z", "steps", {"steps": 1})
    await run_to_end(o, clock, 3)
    assert len(done) == 1


async def test_history_keeps_only_the_newest_finished_tasks(make_orchestrator, clock, storage):
    o = make_orchestrator(history_limit=2)
    ids = [o.execute_task(f"n{i}", "steps", {"steps": 1}) for i in range(4)]
    await run_to_end(o, clock, 6)
    assert [t.id for t in o.list_tasks()] == ids[2:]
    assert sorted(storage.keys()) == sorted(DEFAULT_PREFIX + i for i in ids[2:])
    assert o.warnings == [f"The history keeps the latest 2 finished tasks: the oldest, \u201cn{i}\u201d, was "
                          "removed with its result." for i in (0, 1)]


# Persistence and restore -----------------------------------------------------------------------

async def test_saved_state_equals_memory_after_flush(make_orchestrator, clock, storage):
    o = make_orchestrator()
    ids = [o.execute_task(f"n{i}", "steps", {"steps": 3}) for i in range(2)]
    await clock.advance(1.1)
    o.flush()
    for task_id in ids:
        assert decode(storage.get(DEFAULT_PREFIX + task_id)) == o.get_task_state(task_id)


async def test_status_changes_are_written_at_once(make_orchestrator, clock, storage):
    o = make_orchestrator()
    running = o.execute_task("runs", "steps", {"steps": 3})
    task_id = o.execute_task("x", "steps", {"steps": 3})
    assert decode(storage.get(DEFAULT_PREFIX + running)).status is S.RUNNING
    o.pause(task_id)
    assert decode(storage.get(DEFAULT_PREFIX + task_id)).status is S.PAUSED
    o.pause(running)
    assert decode(storage.get(DEFAULT_PREFIX + running)).stop_requested == "pause"


async def test_reload_mid_task_resumes_from_checkpoint_with_the_same_result(make_orchestrator, clock, storage):
    first = make_orchestrator()
    task_id = first.execute_task("x", "steps", {"steps": 6})
    await clock.advance(3.5)  # steps 0-2 done and checkpointed; step 3 in flight
    await first.close()  # the tab goes away while the task runs
    assert decode(storage.get(DEFAULT_PREFIX + task_id)).status is S.RUNNING
    second = make_orchestrator()
    await run_to_end(second, clock)
    state = second.get_task_state(task_id)
    assert state.status is S.COMPLETED and state.result["total"] == expected_total(6)
    assert second.executor.runs == [{"attempt": 1, "start": 3}]
    assert [(a.number, a.outcome) for a in state.attempts] == [(1, "interrupted"), (2, "completed")]
    assert state.retry_count == 0  # an interrupted tab does not use up a try


async def test_reload_keeps_queue_paused_and_waiting_retry(make_orchestrator, clock, storage):
    first = make_orchestrator()
    running = first.execute_task("runs", "steps", {"steps": 1, "fail_at": 0, "fail_on_attempts": [1]})
    paused = first.execute_task("paused", "steps", {"steps": 1})
    first.pause(paused)
    queued = first.execute_task("queued", "steps", {"steps": 1})
    await clock.advance(0)  # "runs" fails and waits 1 s for its retry
    due = first.get_task_state(running).next_attempt_at
    await first.close()
    second = make_orchestrator()
    await clock.advance(0)
    assert second.get_task_state(running).next_attempt_at == due
    assert second.get_task_state(paused).status is S.PAUSED
    assert second.get_task_state(queued).status is S.RUNNING
    await run_to_end(second, clock, 5)
    assert second.get_task_state(running).status is S.COMPLETED
    assert [r["attempt"] for r in second.executor.runs if r["attempt"] == 2] == [2]


async def test_reload_while_a_pause_was_pending_leaves_the_task_paused(make_orchestrator, clock):
    first = make_orchestrator()
    task_id = first.execute_task("x", "steps", {"steps": 4})
    await clock.advance(1.5)
    first.pause(task_id)
    await first.close()
    second = make_orchestrator()
    assert second.get_task_state(task_id).status is S.PAUSED


async def test_task_of_an_unregistered_kind_fails_with_a_message_on_restore(make_orchestrator, clock):
    first = make_orchestrator()
    task_id = first.execute_task("x", "steps", {"steps": 4})
    paused = first.execute_task("y", "steps", {"steps": 4})
    first.pause(paused)
    await first.close()
    second = make_orchestrator(register=False)
    for restored in (task_id, paused):
        state = second.get_task_state(restored)
        assert state.status is S.FAILED and "No executor is registered for tasks of kind 'steps'" in state.error.message


async def test_corrupt_storage_never_stops_start_up(make_orchestrator, clock, storage):
    first = make_orchestrator()
    good = first.execute_task("good", "steps", {"steps": 1})
    await first.close()
    storage.set(DEFAULT_PREFIX + "bad", "{{{")
    second = make_orchestrator()
    assert [t.id for t in second.list_tasks()] == [good]
    assert any("could not be read" in e.message for e in second.events if e.type == events.WARNING)


async def test_full_storage_is_a_warning_and_work_goes_on(make_orchestrator, clock):
    o = make_orchestrator(storage=MemoryStorage(quota=1500))
    ids = [o.execute_task(f"n{i}", "steps", {"steps": 1}) for i in range(4)]
    await run_to_end(o, clock, 6)
    assert all(o.get_task_state(i).status is S.COMPLETED for i in ids)
    assert any("could not be saved" in w for w in o.warnings)


async def test_start_is_idempotent(make_orchestrator):
    o = make_orchestrator()
    assert o.start() == []


def test_invalid_configuration_is_refused():
    from dataflow.core.orchestrator import Orchestrator

    with pytest.raises(ValueError, match="concurrency"):
        Orchestrator(concurrency=0)
    with pytest.raises(ValueError, match="history_limit"):
        Orchestrator(history_limit=-1)


async def test_a_start_in_slices_resumes_like_start_with_the_history_read_between_pauses(make_orchestrator, clock,
                                                                                          storage):
    first = make_orchestrator()
    done = [first.execute_task(f"done {n}", "steps", {"steps": 1}) for n in range(8)]
    await run_to_end(first, clock)
    running = first.execute_task("x", "steps", {"steps": 6})
    await clock.advance(3.5)
    await first.close()  # the tab goes away while the task runs, with eight finished tasks kept
    pauses = []

    async def pause():
        pauses.append(1)

    second = make_orchestrator(start=False)
    ticks = iter(range(1000))
    assert await second.start_in_slices(budget=3, now=lambda: next(ticks), pause=pause) == []
    assert len(pauses) == 3
    assert await second.start_in_slices() == []  # once only
    await run_to_end(second, clock)
    assert second.get_task_state(running).status is S.COMPLETED
    assert second.executor.runs == [{"attempt": 1, "start": 3}]
    assert {t.id for t in second.list_tasks(finished=True)} == set(done) | {running}


async def test_unfinished_tasks_and_ids_are_listed_without_the_finished_ones(make_orchestrator, clock):
    o = make_orchestrator()
    finished = o.execute_task("a", "steps", {"steps": 1})
    await run_to_end(o, clock)
    waiting = o.execute_task("b", "steps", {"steps": 3})
    o.pause(waiting)
    assert [t.id for t in o.list_tasks(finished=False)] == [waiting]
    assert [t.id for t in o.list_tasks(finished=True)] == [finished]
    assert [t.id for t in o.list_tasks()] == [finished, waiting] and o.task_ids() == {finished, waiting}
