"""LLM enrichment as a plug-in: its executor over the host's HTTP transport and blob store (no
worker: the work is waiting on the network, so it runs on the page's event loop, and reading a
large record file yields between slices), its kind, and a provider limiter shared by every task.
The app calls `plugin(host)` at start-up. Executors ring: the host supplies the transport."""

from __future__ import annotations

import asyncio
from typing import Protocol

from dataflow.core.blobs import BlobStore
from dataflow.core.clock import Clock
from dataflow.core.http import HttpTransport
from dataflow.core.plugin import Host, Plugin
from dataflow.executors.llm.executor import LlmExecutor
from dataflow.executors.llm.file_records import BlobRecordSource
from dataflow.executors.llm.kind import LlmKind
from dataflow.executors.llm.limiter import Limiters

TASKS_AT_ONCE = 4  # enrichment tasks running at once (each has its own requests in flight)


class LlmHost(Host, Protocol):
    """What the LLM kind needs of the page beyond any Host: HTTP, the blob store and the clock."""

    def http_transport(self) -> HttpTransport: ...

    def blob_store(self) -> BlobStore: ...

    def clock(self) -> Clock: ...


async def _yield() -> None:
    await asyncio.sleep(0)


def plugin(host: LlmHost) -> Plugin:
    """`?llm_tasks=N` enrichment tasks may run at once (default 4); `?llm_stop_poll=S` how often a
    running task looks for a pause or cancel (default 0.2 s)."""
    kind = LlmKind()
    clock = host.clock()
    executor = LlmExecutor(transport=host.http_transport(), source=BlobRecordSource(host.blob_store(), pause=_yield),
                           blobs=host.blob_store(), clock=clock, limiters=Limiters(clock),
                           stop_poll=host.query_number("llm_stop_poll", 0.2))
    return Plugin(kind=kind, executor=executor, concurrency=max(1, int(host.query_number("llm_tasks", TASKS_AT_ONCE))))
