"""The JSON facade over a worker: the calls it makes, their time limits, and a timeout as a retryable error."""

import json

import pytest

from dataflow.core.errors import WorkerTimeoutError
from dataflow.executors.json.client import JsonTimeouts, WorkerJsonClient
from dataflow.executors.json.errors import JsonWorkerError
from tests.unit.fakes import RecordingWorker


async def test_open_sends_options_and_checkpoint_as_json_text():
    worker = RecordingWorker(reply={"total": 5})
    info = await WorkerJsonClient(worker).open("t1", "f1", {"operation": "clean"}, source="d.json",
                                               checkpoint={"step": 2})
    function, args, seconds, _ = worker.calls[0]
    assert info == {"total": 5} and function == "json_open" and seconds == JsonTimeouts.open
    assert args[:2] == ("t1", "f1") and json.loads(args[2]) == {"operation": "clean"}
    assert json.loads(args[4]) == {"step": 2}


async def test_a_step_gets_more_time_for_a_larger_budget():
    worker = RecordingWorker(reply={"step": 1, "offset": 10, "index": 3, "done": False})
    client = WorkerJsonClient(worker, JsonTimeouts(step=60.0, per_mb=10.0))
    await client.process("t1", {"step": 0, "offset": None, "index": 0}, 1024)
    await client.process("t1", {"step": 1, "offset": 10, "index": 3}, 16 * 1024 * 1024)
    assert [call[2] for call in worker.calls] == [60.0, 160.0]
    assert [call[3] for call in worker.calls] == ["Step 1", "Step 2"]


async def test_a_timeout_becomes_a_retryable_json_worker_error_with_a_hint():
    client = WorkerJsonClient(RecordingWorker(error=WorkerTimeoutError("Step 3 took longer than 60 s")))
    with pytest.raises(JsonWorkerError, match="built to hang readers"):
        await client.finish("t1", "r1")


async def test_forget_skips_a_worker_that_never_started():
    worker = RecordingWorker(started=False)
    await WorkerJsonClient(worker).forget("t1")
    assert worker.calls == []


async def test_a_schema_is_checked_by_the_worker_which_the_check_starts():
    worker = RecordingWorker(reply='JSON Schema to validate records (Inspect): "required" at /required ...',
                             started=False)
    refusal = await WorkerJsonClient(worker, JsonTimeouts(check=20.0)).schema_refusal('{"required": 5}')
    assert refusal.startswith("JSON Schema to validate records (Inspect): ") and worker.started
    assert worker.calls == [("json_schema_refusal", ('{"required": 5}',), 40.0, "Checking the schema")]


def make_plugin(count):
    from dataflow.executors.json.plugin import plugin

    workers = [RecordingWorker(reply="", started=False) for _ in range(count)]

    class Host:
        def query_number(self, name, default):
            return default

        def workers(self, **kwargs):
            return workers

    return plugin(Host()), workers


async def test_the_plugin_offers_the_schema_check_which_asks_the_first_worker_when_none_is_started():
    made, workers = make_plugin(2)
    (check,) = made.option_checks
    assert check.field == "schema" and check.field in {field.name for field in made.kind.form}
    assert await check.problem('{"type": "object"}') == ""
    assert [len(worker.calls) for worker in workers] == [1, 0] and workers[0].started


def test_the_schema_check_counts_for_inspect_only_the_one_operation_that_validates():
    (check,) = make_plugin(1)[0].option_checks
    assert check.counts({"operation": "inspect", "schema": "{}"})
    assert not check.counts({"operation": "convert", "schema": "{}"})


async def test_the_schema_check_asks_a_worker_already_started_rather_than_boot_another():
    made, workers = make_plugin(3)
    workers[1].started = True
    await made.option_checks[0].problem("{}")
    assert [len(worker.calls) for worker in workers] == [0, 1, 0] and not workers[0].started
