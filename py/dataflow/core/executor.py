"""What an executor sees: the TaskExecutor protocol and the ExecutionContext it is handed.

An executor is `async execute(input, ctx)`. It reports progress and checkpoints through `ctx`
and calls `ctx.raise_if_cancelled()` at safe points, where a pause or cancel takes effect.
Executors in the original shape, `execute(input, on_progress)`, are adapted. Standard library only.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, TypeVar, runtime_checkable

from dataflow.core.errors import TaskCancelledError, TaskPausedError
from dataflow.core.status import StopRequest

JSON = Any
T = TypeVar("T")
LEGACY_PARAMETER_NAMES = frozenset({"on_progress", "progress_callback", "callback"})


@runtime_checkable
class TaskExecutor(Protocol):
    async def execute(self, input: JSON, ctx: ExecutionContext) -> JSON:  # noqa: A002 - the API's name
        """Do the work; return a JSON-serialisable result (large results: a reference)."""


class ExecutionContext:
    """The executor's handle on its task: progress, checkpoints, cooperative stopping, and the
    secrets (a password, an API key) the user gave for this task, by name. Secrets are held in
    memory only: never persisted, never in an event, never sent to another tab."""

    def __init__(self, *, task_id: str, attempt: int, checkpoint_data: JSON,
                 on_progress: Callable[[float, str | None], None],
                 on_checkpoint: Callable[[JSON], None],
                 stop_requested: Callable[[], StopRequest | None],
                 secrets: Mapping[str, str] | None = None,
                 on_wait: Callable[[bool], None] = lambda waiting: None):
        self.task_id = task_id
        self.attempt = attempt
        self.checkpoint_data = checkpoint_data
        self.secrets: Mapping[str, str] = MappingProxyType(dict(secrets or {}))
        self._on_progress = on_progress
        self._on_checkpoint = on_checkpoint
        self._stop_requested = stop_requested
        self._on_wait = on_wait
        self._stop_changed: asyncio.Future[None] | None = None  # set while `waiting`

    @property
    def is_resume(self) -> bool:
        """True when an earlier run left a checkpoint to continue from."""
        return self.checkpoint_data is not None

    def report_progress(self, percent: float, message: str | None = None) -> None:
        """Report real progress, 0 to 100 (clamped)."""
        value = float(percent)
        if math.isnan(value):
            raise ValueError("progress must be a number, got NaN")
        self._on_progress(min(100.0, max(0.0, value)), message)

    def checkpoint(self, data: JSON) -> None:
        """Record how far the work got; a resumed run finds it in `checkpoint_data`."""
        try:
            json.dumps(data, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError(f"a checkpoint must be JSON-serialisable: {error}") from error
        self.checkpoint_data = data
        self._on_checkpoint(data)

    @property
    def stop_requested(self) -> StopRequest | None:
        """StopRequest.PAUSE or StopRequest.CANCEL once the user asked for it, else None."""
        return self._stop_requested()

    def raise_if_cancelled(self) -> None:
        """Stop here if the task was paused or cancelled (call it between units of work).

        Raises TaskCancelledError or TaskPausedError; the orchestrator settles the task from them."""
        requested = self._stop_requested()
        if requested == StopRequest.CANCEL:
            raise TaskCancelledError(f"task {self.task_id} was cancelled")
        if requested == StopRequest.PAUSE:
            raise TaskPausedError(f"task {self.task_id} was paused")

    async def waiting(self, awaitable: Awaitable[T]) -> T:
        """The value of `awaitable`, awaited as a wait for a resource (a free worker) rather than as
        work: `on_wait(True)` before and `on_wait(False)` after tell the orchestrator, which does not
        count the wait as running time. A pause or cancel asked meanwhile takes effect at once, not
        when the resource comes: `awaitable` is cancelled (a pool's place in line is given up) and
        TaskPausedError or TaskCancelledError is raised, as `raise_if_cancelled`."""
        wanted = asyncio.ensure_future(awaitable)
        self._on_wait(True)
        try:
            while True:
                self.raise_if_cancelled()
                self._stop_changed = asyncio.get_running_loop().create_future()
                await asyncio.wait((wanted, self._stop_changed), return_when=asyncio.FIRST_COMPLETED)
                if wanted.done():
                    return wanted.result()
        finally:
            self._stop_changed = None
            if not wanted.done():
                wanted.cancel()
            self._on_wait(False)

    def stop_changed(self) -> None:
        """The orchestrator's word that a stop was asked or withdrawn: a `waiting` executor looks again."""
        if self._stop_changed is not None and not self._stop_changed.done():
            self._stop_changed.set_result(None)


class FunctionExecutor:
    """An executor from a plain function `fn(input, ctx)`, sync or async."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn

    async def execute(self, input: JSON, ctx: ExecutionContext) -> JSON:  # noqa: A002
        result = self.fn(input, ctx)
        return await result if inspect.isawaitable(result) else result


class LegacyExecutor:
    """Adapts the original's `execute(input, on_progress)`: each progress call is also a stop point."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn

    async def execute(self, input: JSON, ctx: ExecutionContext) -> JSON:  # noqa: A002
        def on_progress(percent: float, message: str | None = None) -> None:
            ctx.report_progress(percent, message)
            ctx.raise_if_cancelled()

        result = self.fn(input, on_progress)
        return await result if inspect.isawaitable(result) else result


def as_executor(candidate: Any) -> TaskExecutor:
    """Accept an executor object, a function, or either in the original's on_progress shape."""
    function = getattr(candidate, "execute", candidate)
    if not callable(function):
        raise TypeError(f"{candidate!r} is not an executor: it needs an execute(input, ctx) method")
    if _second_parameter(function) in LEGACY_PARAMETER_NAMES:
        return LegacyExecutor(function)
    return FunctionExecutor(function)


def _second_parameter(function: Callable[..., Any]) -> str | None:
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return None
    return parameters[1] if len(parameters) >= 2 else None
