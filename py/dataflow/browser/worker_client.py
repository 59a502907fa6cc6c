"""The main thread's side of the PDF workers: a PdfClient per named PyScript worker, a watchdog
that terminates and restarts a worker whose call takes too long, and a pool of such clients.

Browser ring. Calls go to the worker's exported functions with JSON strings (see pdf_worker).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from dataflow.browser.ffi import is_null
from dataflow.executors.pdf.errors import PageTimeoutError, PdfWorkerError, error_from_dict

WORKER_SRC = "./py/pdf_worker.py"
WORKER_CONFIG = "./pyscript.toml"


@dataclass(frozen=True)
class Timeouts:
    """Seconds a worker call may take before the watchdog restarts the worker."""

    boot: float = 120.0
    open: float = 60.0
    per_page: float = 20.0
    finish: float = 120.0


class WorkerClient:
    """One PDF worker. `connect(name)` returns the worker's exports once it is ready."""

    def __init__(self, name: str, *, connect: Callable[[str], Awaitable[Any]],
                 spawn: Callable[[str], Awaitable[Any]], terminate: Callable[[str], None],
                 timeouts: Timeouts = Timeouts()):
        self.base_name = name
        self.name = name
        self.generation = 0
        self.restarts = 0
        self.timeouts = timeouts
        self._connect, self._spawn, self._terminate = connect, spawn, terminate
        self._exports: Any = None

    async def ready(self) -> Any:
        if self._exports is None:
            try:
                self._exports = await asyncio.wait_for(self._connect(self.name), self.timeouts.boot)
            except TimeoutError:
                raise PdfWorkerError(f"The PDF worker did not start within {self.timeouts.boot:.0f} s.") from None
        return self._exports

    async def runtime_info(self) -> dict[str, str]:
        exports = await self.ready()
        return json.loads(str(await _awaitable(exports.runtime_info())))

    async def open(self, task_id, file_id, options, *, source, password):
        return await self._call("pdf_open", (task_id, file_id, json.dumps(options), source, password or ""),
                                self.timeouts.open, "Opening the file")

    async def process(self, task_id, start, end):
        seconds = self.timeouts.per_page * max(1, end - start)
        return await self._call("pdf_process", (task_id, start, end), seconds, f"Pages {start + 1}–{end}")

    async def finish(self, task_id, run):
        return await self._call("pdf_finish", (task_id, run), self.timeouts.finish, "Packaging the result")

    async def forget(self, task_id):
        if self._exports is not None:
            await self._call("pdf_forget", (task_id,), self.timeouts.open, "Closing the file")

    async def _call(self, function: str, args: tuple, seconds: float, what: str) -> Any:
        exports = await self.ready()
        try:
            raw = await asyncio.wait_for(_awaitable(getattr(exports, function)(*args)), seconds)
        except TimeoutError:
            await self.restart()
            raise PageTimeoutError(f"{what} took longer than {seconds:.3g} s, so the PDF worker was stopped and "
                                   "restarted. The file may be damaged or built to hang readers.") from None
        reply = json.loads(str(raw))
        if not reply.get("ok"):
            raise error_from_dict(reply.get("error") or {})
        return reply.get("value")

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


class WorkerPool:
    """Hands out idle workers; the orchestrator's concurrency equals the pool's size."""

    def __init__(self, clients: list[WorkerClient]):
        self.clients = clients
        self._idle: asyncio.Queue[WorkerClient] = asyncio.Queue()
        for client in clients:
            self._idle.put_nowait(client)

    @property
    def size(self) -> int:
        return len(self.clients)

    async def acquire(self) -> WorkerClient:
        return await self._idle.get()

    def release(self, client: WorkerClient) -> None:
        self._idle.put_nowait(client)


def pyscript_connect(name: str) -> Awaitable[Any]:
    from pyscript import workers

    return _awaitable(workers[name])


async def pyscript_spawn(name: str) -> None:
    """Add a worker script to the page; PyScript boots it (connect() waits for it)."""
    import js

    script = js.document.createElement("script")
    script.type = "py"
    script.src = WORKER_SRC
    script.setAttribute("worker", "")
    script.setAttribute("name", name)
    script.setAttribute("config", WORKER_CONFIG)
    js.document.body.append(script)


def pyscript_terminate(name: str) -> None:
    import js

    script = js.document.querySelector(f'script[type="py"][worker][name="{name}"]')
    if is_null(script):
        return
    worker = getattr(script, "xworker", None)
    if not is_null(worker):
        worker.terminate()
    script.remove()
