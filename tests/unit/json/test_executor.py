"""JsonExecutor under the real orchestrator: progress in bytes, checkpoints after each step,
pause and cancel at step boundaries, and a reload at every checkpoint resuming to output
byte-identical to an uninterrupted run."""

import json

import pytest

from dataflow.core import TaskStatus
from dataflow.executors.json.executor import JsonExecutor, LocalJsonClient, json_task_input
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.json.service import JsonService
from tests.local_pdf import SinglePool
from tests.unit.json.conftest import as_array, as_jsonl, make_records
from tests.unit.orchestrated import add_file_task, run_until_done

S = TaskStatus
DATA = as_array(make_records(80))


class TimedClient(LocalJsonClient):
    """The in-process service where each step takes one second of the manual clock (as a worker
    call takes real time), and which records the positions it was asked to start from."""

    def __init__(self, service, clock):
        super().__init__(service)
        self.clock = clock
        self.starts: list[int] = []

    async def process(self, task_id, position, budget):
        await self.clock.sleep(1)
        self.starts.append(position["index"])
        return await super().process(task_id, position, budget)


@pytest.fixture
def make_app(orchestrators, clock, blobs):
    """An orchestrator with a JSON executor over a fresh service (a new worker, as after a reload)."""

    def make(min_step: int = 1000, max_step: int = 1000):
        client = TimedClient(JsonService(blobs, monotonic=lambda: 0.0), clock)
        executor = JsonExecutor(SinglePool(client), min_step=min_step, max_step=max_step, monotonic=clock.now)
        return orchestrators("json", executor), client

    return make


async def add_json(orchestrator, blobs, data: bytes, name="data.json", **options):
    return await add_file_task(orchestrator, blobs, "json", data, name,
                               lambda file_id, name, size: json_task_input(file_id, name, size, JsonOptions(**options)))


async def test_a_fresh_task_says_the_engine_is_starting_before_a_cold_worker_opens_the_file(make_app, clock, blobs):
    orchestrator, client = make_app()
    client.ready = False  # as a worker client before the worker's first answer
    task_id = await add_json(orchestrator, blobs, DATA)
    seen = []
    orchestrator.subscribe(lambda e: seen.append((e.task.progress, e.task.progress_message))
                           if e.type == "progress" else None)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED and seen[0] == (0.0, "Starting the JSON engine…")


async def test_progress_rises_step_by_step_in_bytes_and_the_result_is_stored(make_app, clock, blobs):
    orchestrator, client = make_app()
    task_id = await add_json(orchestrator, blobs, DATA, operation="convert")
    seen = []
    orchestrator.subscribe(lambda e: seen.append((e.task.progress, e.task.progress_message))
                           if e.type == "progress" else None)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED, state.error
    assert state.result["filename"] == "data.jsonl" and state.result["records"] == 80
    assert len(blobs.data[state.result["result_key"]].splitlines()) == 80
    progress = [p for p, _ in seen]
    assert progress == sorted(progress) and progress[0] == 0 and 95.0 in progress and len(set(progress)) >= 5
    assert any("records" in (message or "") for _, message in seen)
    assert state.checkpoint["done"] and state.checkpoint["index"] == 80
    assert len(client.starts) == len(set(client.starts))  # no record range was read twice


@pytest.mark.parametrize("operation", ["inspect", "clean", "split", "convert"])
async def test_a_reload_at_every_checkpoint_resumes_to_identical_output(make_app, clock, blobs, operation):
    options = {"operation": operation, "split_size": 9, "dedupe": operation == "convert"}
    reference, client = make_app()
    expected_id = await add_json(reference, blobs, DATA, **options)
    expected = await run_until_done(reference, clock, expected_id)
    expected_bytes = blobs.data[expected.result["result_key"]]
    steps = len(client.starts)
    assert steps >= 5
    for checkpoints in range(1, steps):
        first, first_client = make_app()
        task_id = await add_json(first, blobs, DATA, **options)
        await clock.advance(checkpoints + 0.5)
        before = first.get_task_state(task_id).checkpoint
        assert before["step"] == checkpoints
        await first.close()  # the tab is reloaded mid-task

        second, second_client = make_app()
        state = await run_until_done(second, clock, task_id)
        assert state.status is S.COMPLETED, state.error
        assert second_client.starts[0] == before["index"]  # resumed, not restarted
        assert [a.outcome for a in state.attempts] == ["interrupted", "completed"]
        assert blobs.data[state.result["result_key"]] == expected_bytes, f"reload after checkpoint {checkpoints}"


async def test_steps_adapt_towards_the_target_time():
    executor = JsonExecutor(SinglePool(None), target_step_seconds=0.5, min_step=100, max_step=1600)
    assert [executor._next_budget(b, 0.05) for b in (100, 200, 800, 1600)] == [200, 400, 1600, 1600]
    assert executor._next_budget(800, 2.0) == 200 and executor._next_budget(100, 10.0) == 100


async def test_pause_takes_effect_at_the_next_step_and_resume_continues(make_app, clock, blobs):
    orchestrator, client = make_app()
    task_id = await add_json(orchestrator, blobs, DATA, operation="clean")
    await clock.advance(1.5)
    orchestrator.pause(task_id)
    await clock.advance(1)
    state = orchestrator.get_task_state(task_id)
    assert state.status is S.PAUSED and state.checkpoint["step"] == 2
    await clock.advance(10)
    assert len(client.starts) == 2
    orchestrator.resume(task_id)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED and len(client.starts) == len(set(client.starts))


async def test_cancel_stops_at_the_next_step(make_app, clock, blobs):
    orchestrator, client = make_app()
    task_id = await add_json(orchestrator, blobs, DATA, operation="clean")
    await clock.advance(1.5)
    orchestrator.cancel(task_id)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.CANCELLED and len(client.starts) == 2


@pytest.mark.parametrize(("data", "error_type"), [
    (b"", "EmptyFileError"), (b"<html>", "NotJsonError"), (b'[{"a": 1}, {"a": NaN}]', "NonFiniteNumberError"),
    (b'[{"a": 1},', "TruncatedJsonError"), (b"[" * 50_000, "TooDeepError"),
    (b'[{"a": 1}, {"a" 2}]', "InvalidJsonError"), (b'[{"a": 1e999}]', "NumberTooLargeError")])
async def test_bad_files_fail_at_once_with_their_error_while_a_good_one_completes(make_app, clock, blobs, data,
                                                                                  error_type):
    orchestrator, _ = make_app()
    bad = await add_json(orchestrator, blobs, data, name="bad.json", operation="convert")
    good = await add_json(orchestrator, blobs, as_jsonl(make_records(5)), name="good.jsonl", operation="convert")
    bad_state = await run_until_done(orchestrator, clock, bad)
    good_state = await run_until_done(orchestrator, clock, good)
    assert bad_state.status is S.FAILED and bad_state.error.type == error_type and bad_state.retry_count == 0
    assert not bad_state.error.retryable and "Traceback" not in bad_state.error.message
    assert good_state.status is S.COMPLETED
    assert json.loads(blobs.data[good_state.result["result_key"]])[0]["id"] == 0


async def test_a_file_over_the_limit_is_refused_before_it_is_read(make_app, clock, blobs):
    orchestrator, client = make_app()
    task_id = orchestrator.execute_task("big.json", "json", json_task_input(
        "never-stored", "big.json", 300 * 1024 * 1024, JsonOptions()))
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.error.type == "FileTooLargeError" and "300 MB; the limit is 200 MB" in state.error.message


class LosingClient(TimedClient):
    """Storage is cleared under the task once, just before it finishes (the parts are gone)."""

    lost = False

    async def finish(self, task_id, run):
        if not LosingClient.lost:
            LosingClient.lost = True
            for key in [key for key in self.service.store.data if key.startswith(f"part:{task_id}:")]:
                del self.service.store.data[key]
        return await super().finish(task_id, run)


async def test_parts_lost_before_finishing_fail_that_attempt_and_a_new_run_gives_the_same_output(
        make_app, orchestrators, clock, blobs):
    reference, _ = make_app()
    expected = await run_until_done(reference, clock, await add_json(reference, blobs, DATA, operation="convert"))
    LosingClient.lost = False
    executor = JsonExecutor(SinglePool(LosingClient(JsonService(blobs, monotonic=lambda: 0.0), clock)),
                            min_step=1000, max_step=1000, monotonic=clock.now)
    orchestrator = orchestrators("json", executor)
    task_id = await add_json(orchestrator, blobs, DATA, operation="convert")
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED, state.error
    assert [a.outcome for a in state.attempts] == ["failed", "completed"]
    assert state.attempts[0].error.startswith("Only 0 of 12 steps of output were found")
    assert blobs.data[state.result["result_key"]] == blobs.data[expected.result["result_key"]]
    task_results = [key for key in blobs.data if key.startswith(f"result:{state.id}:")]
    assert all(key.startswith(state.result["result_key"]) for key in task_results)  # no short result of the lost run
