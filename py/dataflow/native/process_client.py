"""Workers for native use: each is a process running an executor's service, reached through the
core's worker contract (`dataflow.core.wire.WorkerCaller`: the call envelope, errors raised again
as their own classes from the kind's `ErrorRegistry`), under the same watchdog as the page's Web
Workers (a call that outlives its limit kills the process, which is replaced). Each kind's typed
facade (`WorkerPdfClient`, `WorkerJsonClient`) and its limits (`PdfTimeouts`, `JsonTimeouts`) are
the page's own. Native ring.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from dataflow.core.errors import WorkerError, WorkerTimeoutError
from dataflow.core.pool import Pool
from dataflow.core.wire import ErrorRegistry
from dataflow.executors.json.client import JsonTimeouts, WorkerJsonClient
from dataflow.executors.json.errors import JSON_ERRORS
from dataflow.executors.json.executor import JsonClient
from dataflow.executors.pdf.client import PdfClient, PdfTimeouts, WorkerPdfClient
from dataflow.executors.pdf.errors import PDF_ERRORS
from dataflow.native.worker_process import serve

BOOT_SECONDS = 120.0  # a process that has not answered by then is not going to
# calls that only drop a process's state: none without a process
STATE_ONLY_CALLS = frozenset({"pdf_forget", "json_forget"})


class ProcessWorker:
    """One worker process (a WorkerCaller), started on first use and replaced after a timeout or a crash."""

    def __init__(self, blob_root: str | os.PathLike, *, errors: ErrorRegistry, label: str = "PDF worker process",
                 boot_seconds: float = BOOT_SECONDS, start_method: str = "spawn", service: str = "pdf"):
        """`service`: the service the process runs ("pdf" or "json", see worker_process.serve)."""
        self.blob_root = str(blob_root)
        self.errors, self.label, self.boot_seconds = errors, label, boot_seconds
        self.service = service
        self.name = f"dataflow-{service}-worker"
        self.restarts = 0
        self.pid: int | None = None
        self._context: Any = multiprocessing.get_context(start_method)
        self._process: Any = None
        self._conn: Connection | None = None
        self._closed = False

    @property
    def started(self) -> bool:
        return self._process is not None

    async def call(self, function: str, args: tuple[Any, ...], *, seconds: float, what: str) -> Any:
        """The value of the service's `function(*args)`; see core.wire.WorkerCaller.call. After
        `close()` no process starts again (WorkerError), and a call that only drops a process's
        state (STATE_ONLY_CALLS) starts none: with no process there is no state."""
        if function in STATE_ONLY_CALLS and (self._process is None or not self._process.is_alive()):
            return None  # first: it runs in executors' `finally` blocks, also while the command stops
        if self._closed:
            raise WorkerError(f"The {self.label} was stopped (the command is ending).")
        if self._process is not None and not self._process.is_alive():  # died between calls: its state is gone
            code = _exit_code(self._process)
            self._replace()
            raise WorkerError(f"The {self.label} stopped unexpectedly (exit code {code}) before "
                              f"{what.lower()}; it was replaced.")
        await self.start()
        assert self._conn is not None
        try:
            self._conn.send((function, args))
            raw = await asyncio.wait_for(self._receive(), seconds)
        except TimeoutError:
            self._replace()
            raise WorkerTimeoutError(f"{what} took longer than {seconds:.3g} s, so the {self.label} was "
                                     "stopped and replaced.") from None
        except asyncio.CancelledError:
            self._replace()  # a reply may still come: a fresh process keeps calls and replies in step
            raise
        except (EOFError, OSError):  # the process died: the pipe ends or is reset
            code = _exit_code(self._process)
            self._replace()
            raise WorkerError(f"The {self.label} stopped unexpectedly (exit code {code}) during "
                              f"{what.lower()}; it was replaced.") from None
        return self.errors.read_reply(raw)

    async def runtime_info(self) -> dict[str, str]:
        """Versions of what the process runs."""
        return dict(await self.call("runtime_info", (), seconds=self.boot_seconds, what="Reading versions"))

    async def start(self) -> None:
        """Start the process if none runs, and wait until it answers."""
        if self._process is not None and self._process.is_alive():
            return
        self._discard()
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, args=(child, self.blob_root, self.service), daemon=True,
                                        name=self.name)
        with _signals_held():  # Ctrl-C (sent to the whole job) is the parent's: the child starts deaf to it
            process.start()
        child.close()
        self._process, self._conn = process, parent
        try:
            hello = await asyncio.wait_for(self._receive(), self.boot_seconds)
        except TimeoutError:
            self._discard()
            raise WorkerError(f"The {self.label} did not start within {self.boot_seconds:.0f} s.") from None
        except (EOFError, OSError):
            code = process.exitcode
            self._discard()
            raise WorkerError(f"The {self.label} stopped while starting (exit code {code}).") from None
        self.pid = int(self.errors.read_reply(hello)["pid"])

    def close(self) -> None:
        """Stop the process (whatever it is doing); no other starts after this."""
        self._closed = True
        self._discard()

    async def _receive(self) -> Any:
        """The next message from the process, without blocking the event loop (EOFError if it died)."""
        assert self._conn is not None
        conn = self._conn
        if not conn.poll():
            loop = asyncio.get_running_loop()
            readable = loop.create_future()
            fd = conn.fileno()  # kept: the connection may be closed (the process replaced) while we wait
            loop.add_reader(fd, _settle, readable)
            try:
                await readable
            finally:
                loop.remove_reader(fd)
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


PARENT_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """While a child is spawned, SIGINT and SIGTERM are blocked in this thread: the child inherits
    the mask across exec (worker_process.serve sets its own dispositions, then unblocks), so a
    Ctrl-C to the whole job cannot break its start-up with a traceback. The dispositions of this
    process are left alone: a signal that comes now reaches the handler through another thread
    (rich's refresh thread), or stays pending here until the mask is back. (Ignoring them meanwhile,
    as before, dropped a Ctrl-C delivered to another thread: the run went on to exit 0.)"""
    try:
        previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, PARENT_SIGNALS)
    except (AttributeError, OSError):  # not POSIX
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)


def _settle(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def _exit_code(process: Any) -> int | None:
    if process is None:
        return None
    process.join(1)
    return process.exitcode


ClientT = TypeVar("ClientT")


class ProcessPool(Pool[ClientT], Generic[ClientT]):
    """Clients over worker processes, handed out one task at a time; `close()` stops the processes.
    A process starts on its first call, so a pool that is never used costs nothing."""

    def __init__(self, clients: list[ClientT], workers: list[ProcessWorker] | None = None):
        super().__init__(clients)
        self.workers = workers or []

    @classmethod
    def of_processes(cls, size: int, blob_root: str | os.PathLike, *,
                     timeouts: PdfTimeouts | None = None) -> ProcessPool[PdfClient]:
        """`size` PDF worker processes over the blob directory `blob_root`, with the page's limits."""
        errors = ErrorRegistry(*PDF_ERRORS)
        workers = [ProcessWorker(blob_root, errors=errors) for _ in range(size)]
        clients: list[PdfClient] = [WorkerPdfClient(worker, timeouts or PdfTimeouts()) for worker in workers]
        return ProcessPool(clients, workers)

    @classmethod
    def of_json_processes(cls, size: int, blob_root: str | os.PathLike, *,
                          timeouts: JsonTimeouts | None = None) -> ProcessPool[JsonClient]:
        """`size` JSON worker processes over `blob_root`, with the page's JSON limits."""
        errors = ErrorRegistry(*JSON_ERRORS)
        workers = [ProcessWorker(blob_root, errors=errors, label="JSON worker process", service="json")
                   for _ in range(size)]
        clients: list[JsonClient] = [WorkerJsonClient(worker, timeouts or JsonTimeouts()) for worker in workers]
        return ProcessPool(clients, workers)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()


def default_workers() -> int:
    """One process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
