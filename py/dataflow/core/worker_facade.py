"""The base of an executor's typed facade over one worker: calling an exported function with a time
limit, turning the watchdog's timeout into the kind's own error, asking beside a task without the
watchdog, and dropping a task's open file.

The worker itself (envelope, watchdog, restart, errors as data) is the generic WorkerCaller of
`dataflow.core.wire`; a kind's facade names its calls and their limits. Standard library only."""

from __future__ import annotations

import asyncio
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
        self._boot: asyncio.Future[None] | None = None  # the worker's boot while it is in flight

    @property
    def ready(self) -> bool:
        """True once the worker answered: a call no longer waits for it to start."""
        return self.worker.started and self._boot is None

    async def start(self) -> None:
        """Wait until the worker answers, starting it if needed: one boot shared by every caller,
        which goes on when a caller stops waiting (a task paused during it), so the worker is ready
        for the next task. Raises the boot's error (WorkerError) to whoever waits for it."""
        if self._boot is None:
            self._boot = asyncio.ensure_future(self.worker.start())
            self._boot.add_done_callback(self._booted)
        await asyncio.shield(self._boot)

    def _booted(self, boot: asyncio.Future[None]) -> None:
        self._boot = None
        if not boot.cancelled():
            boot.exception()  # read, so that a boot nobody waits for any more logs nothing; a call starts it again

    async def _call(self, function: str, args: tuple[Any, ...], seconds: float, what: str) -> Any:
        if self._boot is not None:  # a call goes after a boot in flight, never beside it
            await asyncio.shield(self._boot)
        try:
            return await self.worker.call(function, args, seconds=seconds, what=what)
        except WorkerTimeoutError as error:
            raise self.hang_error(f"{error}{HANG_HINT}") from None

    async def _ask(self, function: str, args: tuple[Any, ...], seconds: float, what: str) -> Any:
        """A call beside a task's (the worker may be busy with one, whose calls it answers first):
        starts the worker if needed, then waits `seconds` at most for the reply and gives up with
        TimeoutError, never restarting the worker: a task's call it waited behind has its own watchdog.
        Raises what `start` and the call raise."""
        await self.start()
        # the worker's own limit is twice ours, so its watchdog (which restarts it) never fires first
        call = self.worker.call(function, args, seconds=2 * seconds, what=what)
        return await asyncio.wait_for(call, seconds)

    async def _forget(self, function: str, task_id: str, seconds: float) -> None:
        """Drop the worker's open file of `task_id` (nothing to do when the worker never started or
        is still starting: no call reached it)."""
        if self.worker.started and self._boot is None:
            await self._call(function, (task_id,), seconds, "Closing the file")
