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
