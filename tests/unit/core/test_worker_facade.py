"""WorkerFacade: calls go to the worker with their limit and name, a watchdog timeout becomes the
kind's own error with a hint, and forgetting skips a worker that never started."""

import pytest

from dataflow.core.errors import NonRetryableError, WorkerTimeoutError
from dataflow.core.worker_facade import HANG_HINT, WorkerFacade
from tests.unit.fakes import RecordingWorker


class KindHangError(NonRetryableError):
    pass


class Facade(WorkerFacade[float]):
    hang_error = KindHangError


async def test_a_call_goes_to_the_worker_with_its_limit_and_name():
    worker = RecordingWorker(reply={"ok": True})
    assert await Facade(worker, 5.0)._call("kind_open", ("t", 1), 5.0, "Opening") == {"ok": True}
    assert worker.calls == [("kind_open", ("t", 1), 5.0, "Opening")]


async def test_a_timeout_is_raised_as_the_kinds_hang_error_with_the_hint():
    worker = RecordingWorker(error=WorkerTimeoutError("Step 2 took longer than 60 s."))
    with pytest.raises(KindHangError) as raised:
        await Facade(worker, 1.0)._call("kind_process", (), 60.0, "Step 2")
    assert str(raised.value) == f"Step 2 took longer than 60 s.{HANG_HINT}"


async def test_the_base_facade_raises_a_plain_worker_timeout():
    worker = RecordingWorker(error=WorkerTimeoutError("slow"))
    with pytest.raises(WorkerTimeoutError, match="hang readers"):
        await WorkerFacade(worker, 1.0)._call("f", (), 1.0, "f")


async def test_forget_calls_a_started_worker_and_skips_one_never_started():
    started, idle = RecordingWorker(), RecordingWorker(started=False)
    await Facade(started, 1.0)._forget("kind_forget", "t1", 7.0)
    await Facade(idle, 1.0)._forget("kind_forget", "t1", 7.0)
    assert started.calls == [("kind_forget", ("t1",), 7.0, "Closing the file")] and idle.calls == []


@pytest.mark.parametrize("started", [False, True])
def test_a_facade_is_ready_once_its_worker_answered(started):
    assert Facade(RecordingWorker(started=started), 1.0).ready is started
