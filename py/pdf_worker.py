"""Entry point of a PDF worker (the PDF plug-in's worker script): PyScript runs this in a Web
Worker and exposes `__export__` to the main thread. JSON strings in, JSON strings out.

pypdf is loaded here, from the vendored lock, and nowhere else: the main thread never installs it."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

import pyodide_js

await pyodide_js.loadPackage("pypdf")  # noqa: F704, PLE1142 - PyScript runs this module with top-level await

from dataflow.browser.blob_store import IdbBlobStore  # noqa: E402 - pypdf is loaded first
from dataflow.browser.webcrypto import webcrypto_decrypter, webcrypto_hasher  # noqa: E402
from dataflow.browser.worker_side import idb_blob_store, reply  # noqa: E402
from dataflow.browser.worker_side import runtime_info as versions  # noqa: E402
from dataflow.core.blobs import parts_prefix  # noqa: E402
from dataflow.executors.pdf.service import PdfService  # noqa: E402
from dataflow.executors.pdf.warmup import warm_up  # noqa: E402

_service: PdfService | None = None
_store: IdbBlobStore | None = None
KEEP_WRITTEN = 64 << 20  # of the image packs this worker stores, kept for the result: finishing reads none of them back


def service() -> PdfService:
    global _service, _store
    if _service is None:
        _store = idb_blob_store(keep_written=KEEP_WRITTEN)
        _service = PdfService(_store, hasher=webcrypto_hasher(), decrypter=webcrypto_decrypter())
    return _service


WARM_UP_ROUNDS = 5  # 90 ms in all in this worker, off any call; one round was too few to show in a task


async def _quiet_warm_up() -> None:
    """The extraction paths run once before the first task (executors/pdf/warmup.py: V8 optimizes them
    then, not during it). Only speed depends on it, so no failure of it stops the worker (its unit test
    runs it)."""
    with suppress(Exception):
        await warm_up(rounds=WARM_UP_ROUNDS)


_warming = asyncio.ensure_future(_quiet_warm_up())  # once this module has run: the engine is ready before


async def _warmed(call: Callable[[PdfService], Awaitable[Any]]) -> Any:
    """`call` on the service once the warm-up is over: a task's calls never run beside it."""
    await _warming
    return await call(service())


async def pdf_open(task_id: str, file_id: str, options_json: str, source: str, password: str) -> str:
    return await reply(lambda: _warmed(lambda pdf: pdf.open(task_id, file_id, json.loads(options_json),
                                                             source=source, password=password or None)))


async def pdf_process(task_id: str, start: int, end: int, budget: float = 0.0) -> str:
    return await reply(lambda: _warmed(lambda pdf: pdf.process(task_id, int(start), int(end), float(budget) or None)))


async def pdf_finish(task_id: str, run: str) -> str:
    return await reply(lambda: _warmed(lambda pdf: pdf.finish(task_id, str(run))))


async def pdf_forget(task_id: str) -> str:
    async def forget() -> None:
        service().forget(task_id)
        if _store is not None:  # an attempt ended: what it kept of its parts is not composed here again
            _store.drop_kept(parts_prefix(task_id))

    return await reply(forget)


def runtime_info() -> str:
    return versions("pypdf")


__export__ = ["pdf_open", "pdf_process", "pdf_finish", "pdf_forget", "runtime_info"]
