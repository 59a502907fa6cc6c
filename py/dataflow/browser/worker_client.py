"""The main thread's side of every kind's workers: one WorkerClient per named PyScript worker, with
the call envelope of `dataflow.core.wire`, a watchdog that terminates and restarts a worker whose
call takes too long, and errors raised again as their own classes from the kind's registry.

Browser ring, generic: an executor's facade names the functions it calls (see core.wire.WorkerCaller).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from dataflow.browser.ffi import is_null
from dataflow.core.errors import WorkerError, WorkerTimeoutError
from dataflow.core.wire import ErrorRegistry

WORKER_CONFIG = "./pyscript.toml"
BOOT_SECONDS = 120.0


class WorkerClient:
    """One worker. `connect(name)` returns the worker's exports once it is ready; `spawn(name)`
    starts a fresh one and `terminate(name)` stops one, whatever it is doing. A `lazy` worker is
    spawned by its first call (or `runtime_info`), not at the page's start-up."""

    def __init__(self, name: str, *, connect: Callable[[str], Awaitable[Any]],
                 spawn: Callable[[str], Awaitable[Any]], terminate: Callable[[str], None],
                 errors: ErrorRegistry | None = None, label: str = "worker", boot_seconds: float = BOOT_SECONDS,
                 lazy: bool = False):
        self.base_name = name
        self.name = name
        self.generation = 0
        self.restarts = 0
        self.label = label
        self.errors = errors or ErrorRegistry()
        self.boot_seconds = boot_seconds
        self._connect, self._spawn, self._terminate = connect, spawn, terminate
        self._exports: Any = None
        self._unspawned = lazy

    @property
    def started(self) -> bool:
        return self._exports is not None

    async def ready(self) -> Any:
        """The worker's exports; WorkerError if it does not start within `boot_seconds`."""
        if self._unspawned:
            self._unspawned = False
            await self._spawn(self.name)
        if self._exports is None:
            try:
                self._exports = await asyncio.wait_for(self._connect(self.name), self.boot_seconds)
            except TimeoutError:
                raise WorkerError(f"The {self.label} did not start within {self.boot_seconds:.0f} s.") from None
        return self._exports

    async def start(self) -> None:
        """Start the worker if needed and wait until it is ready (see `ready`)."""
        await self.ready()

    async def runtime_info(self) -> dict[str, str]:
        """The worker's `runtime_info()`: versions of what it runs."""
        exports = await self.ready()
        return dict(json.loads(str(await _awaitable(exports.runtime_info()))))

    async def call(self, function: str, args: tuple[Any, ...], *, seconds: float, what: str) -> Any:
        """The value of the worker's `function(*args)` reply; see core.wire.WorkerCaller.call."""
        exports = await self.ready()
        try:
            raw = await asyncio.wait_for(_awaitable(getattr(exports, function)(*args)), seconds)
        except TimeoutError:
            await self.restart()
            raise WorkerTimeoutError(f"{what} took longer than {seconds:.3g} s, so the {self.label} was stopped "
                                     "and restarted.") from None
        return self.errors.read_reply(str(raw))

    async def restart(self) -> None:
        """Terminate this worker (whatever it is doing) and start a fresh one under a new name."""
        self._terminate(self.name)
        self._exports = None
        self.generation += 1
        self.restarts += 1
        self.name = f"{self.base_name}-r{self.generation}"
        await self._spawn(self.name)


async def _awaitable(value: Any) -> Any:
    return await value


def pyscript_connect(name: str) -> Awaitable[Any]:
    from pyscript import workers

    return _awaitable(workers[name])


def pyscript_spawner(script: str) -> Callable[[str], Awaitable[None]]:
    """A `spawn(name)` that adds a worker running `script` to the page, unless the page already
    declares one of that name; PyScript boots it (connect() waits for it)."""

    async def spawn(name: str) -> None:
        import js

        if not is_null(js.document.querySelector(f'script[type="py"][worker][name="{name}"]')):
            return
        node = js.document.createElement("script")
        node.type = "py"
        node.src = script
        node.setAttribute("worker", "")
        node.setAttribute("name", name)
        node.setAttribute("config", WORKER_CONFIG)
        js.document.body.append(node)

    return spawn


def pyscript_terminate(name: str) -> None:
    import js

    script = js.document.querySelector(f'script[type="py"][worker][name="{name}"]')
    if is_null(script):
        return
    worker = getattr(script, "xworker", None)
    if not is_null(worker):
        worker.terminate()
    script.remove()
