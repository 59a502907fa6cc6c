"""WorkerFacade: calls go to the worker with their limit and name, a watchdog timeout becomes the
kind's own error with a hint, forgetting skips a worker that never started, and a worker's boot is
one, shared, that goes on when a waiter stops waiting."""

import asyncio

import pytest

from dataflow.core.errors import NonRetryableError, WorkerError, WorkerTimeoutError
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


class SlowBoot(RecordingWorker):
    """A worker that has not started; each `start` boots it when the test sets `booted` (or fails)."""

    def __init__(self, fail=None):
        super().__init__(reply="answer", started=False)
        self.boots, self.booted, self.fail = 0, asyncio.Event(), fail

    async def start(self):
        self.boots += 1
        await self.booted.wait()
        if self.fail is not None:
            raise self.fail
        self.started = True


async def test_a_boot_goes_on_when_its_waiter_stops_and_the_next_caller_waits_for_the_same_one():
    worker = SlowBoot()
    facade = Facade(worker, 1.0)
    paused = asyncio.ensure_future(facade.start())
    await asyncio.sleep(0)
    paused.cancel()  # a task paused during the boot (ExecutionContext.waiting cancels its wait)
    await asyncio.sleep(0)
    assert not facade.ready
    await facade._forget("kind_forget", "t1", 7.0)  # no call reached the worker: nothing to drop
    call = asyncio.ensure_future(facade._call("kind_open", ("t2",), 5.0, "Opening"))
    again = asyncio.ensure_future(facade.start())
    await asyncio.sleep(0)
    assert worker.calls == []  # a call waits for the boot in flight, never goes beside it
    worker.booted.set()
    assert await call == "answer" and await again is None
    assert worker.boots == 1 and facade.ready and worker.calls == [("kind_open", ("t2",), 5.0, "Opening")]


async def test_a_failed_boot_is_raised_to_its_waiter_and_a_later_start_boots_again():
    worker = SlowBoot(fail=WorkerError("The PDF worker did not start within 120 s."))
    facade = Facade(worker, 1.0)
    worker.booted.set()
    with pytest.raises(WorkerError, match="did not start"):
        await facade.start()
    worker.fail = None
    await facade.start()
    assert worker.boots == 2 and facade.ready


async def test_asking_starts_a_worker_that_never_started_then_calls_it_with_a_limit_above_its_own():
    worker = RecordingWorker(reply="", started=False)
    assert await Facade(worker, 1.0)._ask("kind_check", ("x",), 30.0, "Checking") == ""
    assert worker.started and worker.calls == [("kind_check", ("x",), 60.0, "Checking")]


class BusyWorker(RecordingWorker):
    """A worker busy with a task's long call: a call is answered once `answer` is set, and its
    watchdog (as WorkerClient's) restarts the worker when `seconds` pass first."""

    def __init__(self):
        super().__init__(reply="")
        self.answer, self.restarts = asyncio.Event(), 0

    async def call(self, function, args, *, seconds, what):
        self.calls.append((function, args, seconds, what))
        try:
            await asyncio.wait_for(self.answer.wait(), seconds)
        except TimeoutError:
            self.restarts += 1
            raise WorkerTimeoutError(f"{what} took longer than {seconds} s") from None
        return self.reply


async def test_an_ask_that_goes_unanswered_gives_up_without_restarting_a_worker_a_task_may_be_using():
    worker = BusyWorker()
    facade = Facade(worker, 1.0)
    with pytest.raises(TimeoutError):
        await facade._ask("kind_check", (), 0.05, "Checking")
    await asyncio.sleep(0.15)  # past the worker's own limit too
    assert worker.restarts == 0
    worker.answer.set()
    assert await facade._ask("kind_check", (), 0.05, "Checking") == ""
