"""The PDF Web Worker's exported functions: JSON strings in, JSON strings out.

Browser ring, but it runs inside the worker: no DOM, no localStorage (no SharedArrayBuffer on
GitHub Pages), only IndexedDB through static/idb.js. Every failure is returned as data
({"ok": false, "error": {...}}) so its class and message survive the trip to the main thread.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from dataflow.browser.blob_store import IdbBlobStore
from dataflow.executors.pdf.errors import error_to_dict
from dataflow.executors.pdf.service import PdfService

_service: PdfService | None = None


def service() -> PdfService:
    global _service
    if _service is None:
        from polyscript import js_modules  # not `pyscript`: importing it in a worker without SAB warns

        _service = PdfService(IdbBlobStore(js_modules.idb))
    return _service


async def _reply(work: Callable[[], Awaitable[Any]]) -> str:
    try:
        return json.dumps({"ok": True, "value": await work()})
    except Exception as error:  # reported as data; the main thread raises it again as its own class
        reply = error_to_dict(error)
        reply["traceback"] = traceback.format_exc()
        return json.dumps({"ok": False, "error": reply})


async def pdf_open(task_id: str, file_id: str, options_json: str, source: str, password: str) -> str:
    return await _reply(lambda: service().open(task_id, file_id, json.loads(options_json), source=source,
                                               password=password or None))


async def pdf_process(task_id: str, start: int, end: int) -> str:
    return await _reply(lambda: service().process(task_id, int(start), int(end)))


async def pdf_finish(task_id: str, run: str) -> str:
    return await _reply(lambda: service().finish(task_id, str(run)))


async def pdf_forget(task_id: str) -> str:
    async def forget() -> None:
        service().forget(task_id)

    return await _reply(forget)


def runtime_info() -> str:
    import pypdf

    info = sys.version_info
    return json.dumps({"python": f"{info.major}.{info.minor}.{info.micro}", "pypdf": pypdf.__version__})
