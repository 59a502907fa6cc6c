"""Helpers for native tests: PDFs on disk, the reference output of PdfService run in-process, and
in-process clients that hang mid-file as a killed worker process would."""

from __future__ import annotations

import asyncio

import pytest

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.pdf.service import PdfService


async def reference_output(data: bytes, source: str, options: dict | None = None) -> bytes:
    """The result bytes of an uninterrupted in-process run (the page's service, a dict store)."""
    store = MemoryBlobStore()
    await store.put(file_key("f"), data)
    service = PdfService(store)
    info = await service.open("t", "f", options or {}, source=source)
    await service.process("t", 0, info["pages"])
    result = await service.finish("t")
    return store.data[result["result_key"]]


class HangingClient:
    """Mixin for an in-process client (LocalPdfClient, LocalJsonClient): `done` records what each
    `process(task_id, *where)` call covered (`covered`), and a call for which `hangs(*where)` is
    true sets `hung` and never returns, as a killed worker process would."""

    def __init__(self, service, *, hang_at: int | None = None):
        super().__init__(service)
        self.done: list[int] = []
        self.hang_at = hang_at
        self.hung = asyncio.Event()

    def hangs(self, *where) -> bool:
        raise NotImplementedError

    def covered(self, *where) -> list[int]:
        raise NotImplementedError

    async def process(self, task_id, *where):
        if self.hang_at is not None and self.hangs(*where):
            self.hung.set()
            await asyncio.Future()  # as a killed process: never returns
        self.done += self.covered(*where)
        return await super().process(task_id, *where)


@pytest.fixture
def write_pdf(tmp_path):
    def write(name: str, data: bytes, folder: str = "in"):
        path = tmp_path / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def hooks(monkeypatch):
    """Set the worker processes' test hooks (they read them when they start)."""
    import json

    from dataflow.native.worker_process import HOOKS_VARIABLE

    def set_hooks(**values):
        monkeypatch.setenv(HOOKS_VARIABLE, json.dumps(values))

    return set_hooks


def table_rows(text: str) -> list[list[str]]:
    """The rows of a table rendered as text (rich's box lines), each cell's lines joined by spaces
    (a status or a message may wrap); a row starts where its first cell has text."""
    found: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.split("│")[1:-1]]
            if cells[0] or not found:
                found.append(cells)
            else:
                found[-1] = [f"{old} {new}".strip() for old, new in zip(found[-1], cells, strict=True)]
    return found


def run(coroutine):
    return asyncio.run(coroutine)


async def json_reference(data: bytes, source: str, options: dict | None = None) -> tuple[bytes, dict]:
    """The data file and the report (without its timings, which differ from run to run) of an
    uninterrupted in-process run of the page's JSON service over a dict store."""
    from dataflow.executors.json.service import JsonService

    store = MemoryBlobStore()
    await store.put(file_key("f"), data)
    service = JsonService(store)
    await service.open("t", "f", options or {}, source=source)
    position = {"step": 0, "offset": None, "index": 0}
    while True:
        outcome = await service.process("t", position, 1 << 30)
        position = {key: outcome[key] for key in position}
        if outcome["done"]:
            break
    result = await service.finish("t")
    return store.data[result["result_key"]], without_timings(store.data[result["report_key"]])


def without_timings(report: bytes) -> dict:
    """A report.json as a dict, without "timings" (seconds measured in the run)."""
    import json

    value = json.loads(report)
    value.pop("timings", None)
    return value
