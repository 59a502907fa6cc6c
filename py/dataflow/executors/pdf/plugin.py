"""The PDF workbench as a plug-in: its workers (`py/pdf_worker.py`, one pool), its executor over
them, its kind, and pypdf's version for the footer. The app calls `plugin(host)` at start-up.
Executors ring: the host supplies the workers; nothing here touches the browser."""

from __future__ import annotations

from dataflow.core.plugin import Host, Plugin
from dataflow.core.pool import Pool
from dataflow.core.wire import ErrorRegistry
from dataflow.executors.pdf.client import PdfClient, PdfTimeouts, WorkerPdfClient
from dataflow.executors.pdf.executor import PdfExecutor
from dataflow.executors.pdf.kind import PdfKind

WORKER_SCRIPT = "./py/pdf_worker.py"
WORKER_PREFIX = "pdf"  # "pdf-1" is spawned once the panel is ready (App.start), the others on demand


def plugin(host: Host) -> Plugin:
    """PDF tasks run in `?workers=N` workers, one task per worker, up to N at once (default: one
    per core, 1 to 4: on 2 cores a batch of 25 real documents ran 1.61x faster with 2 than with 1).
    Only the first boots with the page; the pool starts another when a PDF task finds every started
    one busy, and hands out the last released first, so start-up and one PDF at a time stay on one.
    `?page_timeout=S` sets the watchdog's seconds per page (default 20); `?finish_delay=S` (tests
    only) waits between storing a result and returning it."""
    kind = PdfKind()
    timeouts = PdfTimeouts(per_page=host.query_number("page_timeout", PdfTimeouts.per_page))
    workers = host.workers(script=WORKER_SCRIPT, prefix=WORKER_PREFIX, count=host.worker_count(),
                           label="PDF worker", errors=ErrorRegistry(*kind.errors), eager=1)
    clients: list[PdfClient] = [WorkerPdfClient(worker, timeouts) for worker in workers]

    async def start(client: PdfClient) -> None:  # a cold worker boots; its first answer gives its versions
        await workers[clients.index(client)].runtime_info()

    pool = Pool(clients, start=start, warm=1)  # the others start when a task finds the started ones busy

    async def runtime_info() -> dict[str, str]:  # the first worker only: asking a lazy one would start it
        return {"pypdf": (await workers[0].runtime_info())["pypdf"]}

    executor = PdfExecutor(pool, finish_delay=host.query_number("finish_delay", 0.0))  # tests: reload mid-finish
    return Plugin(kind=kind, executor=executor, concurrency=pool.size, runtime_info=runtime_info)
