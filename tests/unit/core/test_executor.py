"""ExecutionContext and the executor adapters (functions, objects, the original's on_progress shape)."""

import asyncio
import math

import pytest

from dataflow.core.errors import TaskCancelledError, TaskPausedError
from dataflow.core.executor import (
    ExecutionContext,
    FunctionExecutor,
    LegacyExecutor,
    TaskExecutor,
    as_executor,
)
from dataflow.core.status import StopRequest


def make_ctx(stop=None, checkpoint=None):
    seen = {"progress": [], "checkpoints": []}
    ctx = ExecutionContext(task_id="t", attempt=2, checkpoint_data=checkpoint,
                           on_progress=lambda p, m: seen["progress"].append((p, m)),
                           on_checkpoint=seen["checkpoints"].append,
                           stop_requested=lambda: stop)
    return ctx, seen


def test_progress_is_reported_and_clamped():
    ctx, seen = make_ctx()
    ctx.report_progress(50, "half")
    ctx.report_progress(150)
    ctx.report_progress(-1)
    assert seen["progress"] == [(50.0, "half"), (100.0, None), (0.0, None)]


def test_nan_progress_is_refused():
    ctx, _ = make_ctx()
    with pytest.raises(ValueError, match="NaN"):
        ctx.report_progress(math.nan)


def test_checkpoint_is_recorded_and_visible_to_the_executor():
    ctx, seen = make_ctx(checkpoint={"page": 1})
    assert ctx.is_resume and ctx.checkpoint_data == {"page": 1}
    ctx.checkpoint({"page": 4})
    assert ctx.checkpoint_data == {"page": 4} and seen["checkpoints"] == [{"page": 4}]


def test_checkpoint_must_be_json():
    ctx, seen = make_ctx()
    with pytest.raises(TypeError, match="JSON-serialisable"):
        ctx.checkpoint({"bytes": b"x"})
    assert seen["checkpoints"] == []


@pytest.mark.parametrize(("stop", "error"), [("pause", TaskPausedError), ("cancel", TaskCancelledError)])
def test_raise_if_cancelled_stops_on_request(stop, error):
    ctx, _ = make_ctx(stop=stop)
    assert ctx.stop_requested == stop
    with pytest.raises(error):
        ctx.raise_if_cancelled()


def test_raise_if_cancelled_passes_when_nothing_was_asked():
    ctx, _ = make_ctx()
    ctx.raise_if_cancelled()


async def test_async_and_sync_functions_become_executors():
    async def double(value, ctx):
        return value * 2

    def triple(value, ctx):
        return value * 3

    ctx, _ = make_ctx()
    assert await as_executor(double).execute(2, ctx) == 4
    assert await as_executor(triple).execute(2, ctx) == 6
    assert isinstance(as_executor(double), TaskExecutor)


async def test_objects_with_execute_are_accepted():
    class Doubler:
        async def execute(self, value, ctx):
            ctx.report_progress(100)
            return value * 2

    ctx, seen = make_ctx()
    executor = as_executor(Doubler())
    assert isinstance(executor, FunctionExecutor)
    assert await executor.execute(5, ctx) == 10 and seen["progress"] == [(100.0, None)]


async def test_original_on_progress_shape_is_adapted_and_each_call_is_a_stop_point():
    class Original:
        async def execute(self, input, on_progress):  # noqa: A002
            for step in range(1, 5):
                on_progress(step * 25)
            return "done"

    executor = as_executor(Original())
    assert isinstance(executor, LegacyExecutor)
    ctx, seen = make_ctx()
    assert await executor.execute(None, ctx) == "done"
    assert [p for p, _ in seen["progress"]] == [25, 50, 75, 100]
    paused_ctx, paused_seen = make_ctx(stop="pause")
    with pytest.raises(TaskPausedError):
        await executor.execute(None, paused_ctx)
    assert [p for p, _ in paused_seen["progress"]] == [25]


def test_non_callables_are_refused():
    with pytest.raises(TypeError, match="not an executor"):
        as_executor(42)


def waiting_ctx():
    """A context whose stop request the test sets (`stop[0]`), recording the `on_wait` calls."""
    stop, waits = [None], []
    ctx = ExecutionContext(task_id="t", attempt=1, checkpoint_data=None, on_progress=lambda p, m: None,
                           on_checkpoint=lambda data: None, stop_requested=lambda: stop[0], on_wait=waits.append)
    return ctx, stop, waits


async def test_a_wait_returns_what_it_waited_for_between_two_on_wait_calls():
    ctx, _, waits = waiting_ctx()
    given = asyncio.get_running_loop().create_future()
    waiting = asyncio.ensure_future(ctx.waiting(given))
    await asyncio.sleep(0)
    assert waits == [True]
    given.set_result("worker")
    assert await waiting == "worker" and waits == [True, False]


@pytest.mark.parametrize(("request_", "error"), [(StopRequest.PAUSE, TaskPausedError),
                                                 (StopRequest.CANCEL, TaskCancelledError)])
async def test_a_stop_asked_during_a_wait_takes_effect_at_once_and_gives_up_the_wait(request_, error):
    ctx, stop, waits = waiting_ctx()
    given = asyncio.get_running_loop().create_future()
    waiting = asyncio.ensure_future(ctx.waiting(given))
    await asyncio.sleep(0)
    stop[0] = request_
    ctx.stop_changed()
    with pytest.raises(error):
        await waiting
    assert given.cancelled() and waits == [True, False]


async def test_a_stop_withdrawn_before_the_wait_looks_again_keeps_waiting():
    ctx, stop, _ = waiting_ctx()
    given = asyncio.get_running_loop().create_future()
    waiting = asyncio.ensure_future(ctx.waiting(given))
    await asyncio.sleep(0)
    ctx.stop_changed()  # asked and withdrawn (stop[0] is None again)
    await asyncio.sleep(0)
    assert not waiting.done() and not given.done()
    given.set_result(1)
    assert await waiting == 1
