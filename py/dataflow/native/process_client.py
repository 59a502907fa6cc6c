"""PdfClients for native use: each runs a PdfService in its own process, under the same watchdog
as the page's Web Workers (a call that outlives its limit kills the process, which is replaced),
and a pool that hands them out. Native ring.

The limits mirror `dataflow.browser.worker_client.Timeouts` (a unit test keeps them equal): the
browser ring is not importable here.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from dataflow.executors.pdf.errors import PageTimeoutError, PdfWorkerError, error_from_dict
from dataflow.native.worker_process import serve


@dataclass(frozen=True)
class Timeouts:
    """Seconds a worker call may take before the watchdog kills and replaces the process."""

    boot: float = 120.0
    open: float = 60.0
    per_page: float = 20.0
    finish: float = 120.0


class ProcessClient:
    """One PDF worker process, started on first use and replaced after a timeout or a crash."""

    def __init__(self, blob_root: str | os.PathLike, *, timeouts: Timeouts = Timeouts(),
                 start_method: str = "spawn"):
        self.blob_root = str(blob_root)
        self.timeouts = timeouts
        self.restarts = 0
        self.pid: int | None = None
        self._context = multiprocessing.get_context(start_method)
        self._process: Any = None
        self._conn: Connection | None = None

    async def open(self, task_id, file_id, options, *, source, password):
        return await self._call("open", (task_id, file_id, options, source, password), self.timeouts.open,
                                "Opening the file")

    async def process(self, task_id, start, end):
        seconds = self.timeouts.per_page * max(1, end - start)
        return await self._call("process", (task_id, start, end), seconds, f"Pages {start + 1}–{end}")

    async def finish(self, task_id):
        return await self._call("finish", (task_id,), self.timeouts.finish, "Packaging the result")

    async def forget(self, task_id):
        if self._process is not None:
            await self._call("forget", (task_id,), self.timeouts.open, "Closing the file")

    async def start(self) -> None:
        """Start the process if none runs, and wait until it answers."""
        if self._process is not None and self._process.is_alive():
            return
        self._discard()
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child, self.blob_root), daemon=True,
                                        name="dataflow-pdf-worker")
        process.start()
        child.close()
        self._process, self._conn = process, parent
        try:
            hello = await asyncio.wait_for(self._receive(), self.timeouts.boot)
        except TimeoutError:
            self._discard()
            raise PdfWorkerError(f"The PDF worker process did not start within {self.timeouts.boot:.0f} s.") from None
        except (EOFError, OSError):
            code = process.exitcode
            self._discard()
            raise PdfWorkerError(f"The PDF worker process stopped while starting (exit code {code}).") from None
        self.pid = hello["value"]["pid"]

    def close(self) -> None:
        """Stop the process (whatever it is doing)."""
        self._discard()

    async def _call(self, name: str, args: tuple, seconds: float, what: str) -> Any:
        await self.start()
        assert self._conn is not None
        try:
            self._conn.send((name, args))
            reply = await asyncio.wait_for(self._receive(), seconds)
        except TimeoutError:
            self._replace()
            raise PageTimeoutError(f"{what} took longer than {seconds:.3g} s, so the PDF worker process was "
                                   "stopped and replaced. The file may be damaged or built to hang readers.") from None
        except asyncio.CancelledError:
            self._replace()  # a reply may still come: a fresh process keeps calls and replies in step
            raise
        except (EOFError, OSError):  # the process died: the pipe ends or is reset
            code = _exit_code(self._process)
            self._replace()
            raise PdfWorkerError(f"The PDF worker process stopped unexpectedly (exit code {code}) during "
                                 f"{what.lower()}; it was replaced.") from None
        if not reply.get("ok"):
            raise error_from_dict(reply.get("error") or {})
        return reply.get("value")

    async def _receive(self) -> Any:
        """The next message from the process, without blocking the event loop (EOFError if it died)."""
        assert self._conn is not None
        conn = self._conn
        if not conn.poll():
            loop = asyncio.get_running_loop()
            readable = loop.create_future()
            loop.add_reader(conn.fileno(), lambda: readable.done() or readable.set_result(None))
            try:
                await readable
            finally:
                loop.remove_reader(conn.fileno())
        return conn.recv()

    def _replace(self) -> None:
        """Kill the process; the next call starts a fresh one."""
        self._discard()
        self.restarts += 1

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._process = None


def _exit_code(process: Any) -> int | None:
    if process is None:
        return None
    process.join(1)
    return process.exitcode


class ProcessPool:
    """Hands out idle worker processes; the orchestrator's concurrency equals the pool's size."""

    def __init__(self, clients: list[Any]):
        if not clients:
            raise ValueError("a pool needs at least one worker")
        self.clients = clients
        self._idle: asyncio.Queue[Any] = asyncio.Queue()
        for client in clients:
            self._idle.put_nowait(client)

    @classmethod
    def of_processes(cls, size: int, blob_root: str | os.PathLike, *, timeouts: Timeouts = Timeouts()) -> ProcessPool:
        return cls([ProcessClient(blob_root, timeouts=timeouts) for _ in range(size)])

    @property
    def size(self) -> int:
        return len(self.clients)

    async def acquire(self) -> Any:
        return await self._idle.get()

    def release(self, client: Any) -> None:
        self._idle.put_nowait(client)

    def close(self) -> None:
        for client in self.clients:
            close = getattr(client, "close", None)
            if close is not None:
                close()


def default_workers() -> int:
    """One process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
