"""The PDF executor the orchestrator runs: it drives a PDF service chunk by chunk, reporting real
progress per page, checkpointing after each chunk and stopping at chunk boundaries when paused or
cancelled. The service is reached through a PdfClient: a Web Worker in the app, in-process in
tests. The password of an encrypted file comes from `ctx.secrets["password"]`, in memory only.

A chunk is up to `max_chunk_pages` pages and ends after the page that takes it past
`target_chunk_seconds` (the worker keeps the time, so a slow page ends its chunk at once; an
attempt's first chunk aims at `first_chunk_seconds`, so the row moves soon): pause and cancel take
effect within about that time, while the calls, checkpoints and IndexedDB writes per document stay
few. Executors ring: never imports the browser.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from dataflow.core.executor import ExecutionContext
from dataflow.core.runs import ensure_run, leased
from dataflow.executors.pdf.client import ClientPool, PdfClient, PdfResult
from dataflow.executors.pdf.errors import FileTooLargeError, MissingPartsError
from dataflow.executors.pdf.options import MB, PdfOptions

PAGES_SHARE = 95.0  # the last 5 % of the bar is packaging the result


def pdf_task_input(file_id: str, file_name: str, size: int, options: PdfOptions) -> dict[str, Any]:
    """The JSON input of a PDF task: a reference to the stored file, never its bytes."""
    return {"file_id": file_id, "file_name": file_name, "size": size, "options": options.to_dict()}


PASSWORD = "password"  # the name of the PDF kind's secret in ctx.secrets


class PdfExecutor:
    kind = "pdf"

    def __init__(self, pool: ClientPool, *, target_chunk_seconds: float = 0.5, first_chunk_seconds: float = 0.1,
                 max_chunk_pages: int = 256, finish_delay: float = 0.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 new_run: Callable[[], str] = lambda: uuid.uuid4().hex[:12]):
        """`finish_delay` (seconds, tests only: ?finish_delay=) waits between storing the result and
        returning it, so an end-to-end test can reload the page inside finishing."""
        self.pool = pool
        self.finish_delay, self.sleep, self.new_run = finish_delay, sleep, new_run
        self.target_chunk_seconds, self.first_chunk_seconds = target_chunk_seconds, first_chunk_seconds
        self.max_chunk_pages = max_chunk_pages

    async def execute(self, input: dict[str, Any], ctx: ExecutionContext) -> PdfResult:  # noqa: A002
        """Run one PDF task: open, extract page chunks with checkpoints, finish; returns the result.

        Raises FileTooLargeError before reading an oversized file, the PDF errors of the file, and
        TaskPausedError/TaskCancelledError at chunk boundaries when asked to stop."""
        options = PdfOptions.from_dict(input.get("options"))
        if int(input.get("size", 0)) > options.max_file_bytes:  # refused before a byte is read
            raise FileTooLargeError(f"The file is {int(input['size']) / MB:.1f} MB; the limit is "
                                    f"{options.max_file_bytes / MB:.0f} MB.")
        if not self.pool.idle and not ctx.is_resume:  # every worker busy, or the next one booting
            ctx.report_progress(0.0, "Waiting for a free PDF worker…")
        async with leased(self.pool, ctx, engine="PDF engine", resumed=ctx.is_resume) as client:
            info = await client.open(ctx.task_id, input["file_id"], input.get("options") or {},
                                     source=input.get("file_name", "document.pdf"),
                                     password=ctx.secrets.get(PASSWORD))
            total = int(info["pages"])
            run = str(ensure_run(ctx, self.new_run, pages=total)["run"])
            await self._pages(client, ctx, total, run)
            ctx.raise_if_cancelled()
            ctx.report_progress(PAGES_SHARE, "Packaging the result")
            return await self._finish(client, ctx, total, run)

    async def _finish(self, client: PdfClient, ctx: ExecutionContext, total: int, run: str) -> PdfResult:
        try:
            result = await client.finish(ctx.task_id, run)
        except MissingPartsError:
            # parts lost (storage cleared under us): the next attempt extracts every page again, as a new run
            ctx.checkpoint({"run": self.new_run(), "next_page": 0, "pages": total})
            raise
        if self.finish_delay > 0:
            await self.sleep(self.finish_delay)
        return result

    async def _pages(self, client: PdfClient, ctx: ExecutionContext, total: int, run: str) -> None:
        checkpoint = ctx.checkpoint_data or {}
        done = min(max(int(checkpoint.get("next_page", 0)), 0), total)
        ctx.report_progress(PAGES_SHARE * done / total, f"Page {done} of {total}")
        budget = self.first_chunk_seconds
        while done < total:
            ctx.raise_if_cancelled()
            outcome = await client.process(ctx.task_id, done, min(total, done + self.max_chunk_pages), budget)
            budget = self.target_chunk_seconds
            done = int(outcome["next_page"])
            ctx.checkpoint({"run": run, "next_page": done, "pages": total, "images": outcome.get("images", 0)})
            ctx.report_progress(PAGES_SHARE * done / total, f"Page {done} of {total}")
