"""The base of an executor's typed facade over one worker: calling an exported function with a time
limit, turning the watchdog's timeout into the kind's own error, and dropping a task's open file.

The worker itself (envelope, watchdog, restart, errors as data) is the generic WorkerCaller of
`dataflow.core.wire`; a kind's facade names its calls and their limits. Standard library only."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from dataflow.core.errors import WorkerTimeoutError
from dataflow.core.wire import WorkerCaller

HANG_HINT = " The file may be damaged or built to hang readers."

Timeouts = TypeVar("Timeouts")


class WorkerFacade(Generic[Timeouts]):
    """Calls to one worker; `hang_error` is raised (with the watchdog's message and HANG_HINT) when a
    call takes longer than its limit and the worker was restarted."""

    hang_error: ClassVar[type[Exception]] = WorkerTimeoutError

    def __init__(self, worker: WorkerCaller, timeouts: Timeouts):
        self.worker = worker
        self.timeouts = timeouts

    @property
    def ready(self) -> bool:
        """True once the worker answered: a call no longer waits for it to start."""
        return self.worker.started

    async def _call(self, function: str, args: tuple[Any, ...], seconds: float, what: str) -> Any:
        try:
            return await self.worker.call(function, args, seconds=seconds, what=what)
        except WorkerTimeoutError as error:
            raise self.hang_error(f"{error}{HANG_HINT}") from None

    async def _forget(self, function: str, task_id: str, seconds: float) -> None:
        """Drop the worker's open file of `task_id` (nothing to do when the worker never started)."""
        if self.worker.started:
            await self._call(function, (task_id,), seconds, "Closing the file")
