"""The PDF executor's typed facade over a worker: the four calls the PDF service answers
(`pdf_open`, `pdf_process`, `pdf_finish`, `pdf_forget`), their time limits, and what they return.

Calling, time limits and closing are the generic WorkerFacade of `dataflow.core.worker_facade`;
this module only names the calls and types the replies. Executors ring.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict, cast

from dataflow.core.wire import WorkerCaller
from dataflow.core.worker_facade import WorkerFacade
from dataflow.executors.pdf.errors import PageTimeoutError


class OpenInfo(TypedDict):
    """What opening a PDF found: its page count, whether it is encrypted, repair warnings."""

    pages: int
    encrypted: bool
    warnings: list[str]


class ChunkOutcome(TypedDict):
    """After a chunk: the next page to extract (0-based) and how many images are stored so far."""

    next_page: int
    images: int


class PdfResult(TypedDict):
    """A finished document: where its result is (`result_key`), under which `filename` and `mime`,
    its `size` in bytes, the document's title, page and image counts, pages skipped (1-based) and
    warnings. This is the task's result, persisted with it."""

    result_key: str
    filename: str
    mime: str
    size: int
    title: str | None
    pages: int
    images: int
    skipped_pages: list[int]
    warnings: list[str]


class PdfClient(Protocol):
    @property
    def ready(self) -> bool: ...

    async def start(self) -> None: ...

    async def open(self, task_id: str, file_id: str, options: dict[str, Any], *, source: str,
                   password: str | None) -> OpenInfo: ...

    async def process(self, task_id: str, start: int, end: int, budget: float | None = None) -> ChunkOutcome: ...

    async def finish(self, task_id: str, run: str) -> PdfResult: ...

    async def forget(self, task_id: str) -> None: ...


class ClientPool(Protocol):
    @property
    def idle(self) -> bool: ...

    async def acquire(self) -> PdfClient: ...

    def release(self, client: PdfClient) -> None: ...


@dataclass(frozen=True)
class PdfTimeouts:
    """Seconds a PDF worker call may take before the watchdog restarts the worker."""

    open: float = 60.0
    per_page: float = 20.0
    finish: float = 120.0


def pages_label(start: int, end: int) -> str:
    """Pages [start, end) for a message: "Page 3" or "Pages 3–5"."""
    return f"Page {end}" if end - start <= 1 else f"Pages {start + 1}–{end}"


class WorkerPdfClient(WorkerFacade[PdfTimeouts]):
    """A PdfClient over one worker running `py/pdf_worker.py`."""

    hang_error = PageTimeoutError

    def __init__(self, worker: WorkerCaller, timeouts: PdfTimeouts = PdfTimeouts()):
        super().__init__(worker, timeouts)

    async def open(self, task_id: str, file_id: str, options: dict[str, Any], *, source: str,
                   password: str | None) -> OpenInfo:
        """Open the stored file `file_id` for `task_id`; raises the PDF errors of the file."""
        value = await self._call("pdf_open", (task_id, file_id, json.dumps(options), source, password or ""),
                                 self.timeouts.open, "Opening the file")
        return cast(OpenInfo, value)

    async def process(self, task_id: str, start: int, end: int, budget: float | None = None) -> ChunkOutcome:
        """Extract pages [start, end) into the blob store, ending after the page that takes the chunk
        past `budget` seconds (None: all of them); PageTimeoutError if they take too long: with a
        budget, longer than it and one page's limit (only the last page may go past the budget)."""
        seconds = self.timeouts.per_page * (max(1, end - start) if budget is None else 1) + (budget or 0.0)
        return cast(ChunkOutcome, await self._call("pdf_process", (task_id, start, end, budget or 0.0), seconds,
                                                   pages_label(start, end)))

    async def finish(self, task_id: str, run: str) -> PdfResult:
        """Assemble and store the result file of run `run` (or return the one already stored)."""
        return cast(PdfResult, await self._call("pdf_finish", (task_id, run), self.timeouts.finish,
                                                "Packaging the result"))

    async def forget(self, task_id: str) -> None:
        """Drop the worker's open document (nothing to do when the worker never started)."""
        await self._forget("pdf_forget", task_id, self.timeouts.open)
