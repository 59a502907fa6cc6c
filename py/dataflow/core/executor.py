"""What an executor sees: the TaskExecutor protocol and the ExecutionContext it is handed.

An executor is `async execute(input, ctx)`. It reports progress and checkpoints through `ctx`
and calls `ctx.raise_if_cancelled()` at safe points, where a pause or cancel takes effect.
Executors in the original shape, `execute(input, on_progress)`, are adapted. Standard library only.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

from dataflow.core.errors import TaskCancelledError, TaskPausedError
from dataflow.core.status import StopRequest

JSON = Any
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
                 secrets: Mapping[str, str] | None = None):
        self.task_id = task_id
        self.attempt = attempt
        self.checkpoint_data = checkpoint_data
        self.secrets: Mapping[str, str] = MappingProxyType(dict(secrets or {}))
        self._on_progress = on_progress
        self._on_checkpoint = on_checkpoint
        self._stop_requested = stop_requested

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
