"""What the page offers executor plug-ins (core.plugin.Host): the page's query and PyScript
workers with the generic worker client. Browser ring; names no kind."""

from __future__ import annotations

from typing import Any

from dataflow.browser.worker_client import WorkerClient, pyscript_connect, pyscript_spawner, pyscript_terminate
from dataflow.core.blobs import BlobStore
from dataflow.core.clock import Clock, SystemClock
from dataflow.core.http import HttpTransport
from dataflow.core.wire import ErrorRegistry, WorkerCaller


class BrowserHost:
    def __init__(self, query: dict[str, list[str]], *, cores: int, blobs: BlobStore | None = None,
                 clock: Clock | None = None):
        self.query = query
        self.cores = cores
        self._blobs, self._clock = blobs, clock or SystemClock()
        self.spawned: list[Any] = []  # spawn() of workers the page does not declare, run at start-up

    def query_number(self, name: str, default: float) -> float:
        try:
            return float(self.query[name][0])
        except (KeyError, IndexError, ValueError):
            return default

    def worker_count(self) -> int:
        """`?workers=N`, else one worker per core, 1 to 4 (why: README, "Real documents")."""
        return max(1, int(self.query_number("workers", max(1, min(4, self.cores)))))

    def workers(self, *, script: str, prefix: str, count: int, label: str,
                errors: ErrorRegistry, eager: int | None = None) -> list[WorkerCaller]:
        """See core.plugin.Host.workers: the first `eager` (default all) boot with the page."""
        spawn = pyscript_spawner(script)
        eager = count if eager is None else eager
        clients = [WorkerClient(f"{prefix}-{number}", connect=pyscript_connect, spawn=spawn,
                                terminate=pyscript_terminate, errors=errors, label=label, lazy=number > eager)
                   for number in range(1, count + 1)]
        # a lazy worker's first call spawns it (one interpreter less booting with the page)
        self.spawned += [(spawn, client.name) for client in clients[:eager]]
        return list(clients)

    def http_transport(self) -> HttpTransport:
        """fetch, with an AbortController per request (kinds that call a web API)."""
        from dataflow.browser.llm_fetch import FetchTransport

        return FetchTransport()

    def blob_store(self) -> BlobStore:
        """The page's blob store (IndexedDB), for kinds that run on the main thread."""
        if self._blobs is None:
            raise RuntimeError("this host was made without a blob store")
        return self._blobs

    def clock(self) -> Clock:
        return self._clock

    async def start_workers(self) -> None:
        """Add the eager workers' scripts (PyScript then boots them). App.start calls it once the panel
        is shown: a worker's interpreter booting beside the page's own slowed the ready panel by about a
        half on 2 cores under load (interleaved A/B in the README, "Start-up")."""
        for spawn, name in self.spawned:
            await spawn(name)
