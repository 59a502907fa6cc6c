"""The child side of a PDF worker process: a PdfService over the shared blob directory, answering
calls that arrive on a pipe, one at a time, with {"ok", "value"} or {"ok": False, "error"}.

Errors cross as data (`error_to_dict`), as from the page's Web Worker, so the parent raises the
same class with the same message. Ctrl-C is the parent's business: the child ignores SIGINT and
ends when its pipe closes. Native ring.

Test hook: the environment variable DATAFLOW_TEST_HOOKS (JSON) may hold "page_delay" (seconds
per page), "hang_page" (a 1-based page whose chunk never returns), "exit_page" (a page whose chunk
ends the process, as a crash would) and "page_log" (a file to which each page handed to the service
is appended as "<task id> <page>"). Tests use it to slow, hang, crash or count pages in a real
process; nothing else sets it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from dataflow.executors.pdf.errors import error_to_dict
from dataflow.executors.pdf.service import PdfService
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.sources import WithSourceFiles

HOOKS_VARIABLE = "DATAFLOW_TEST_HOOKS"


def serve(conn: Connection, blob_root: str) -> None:
    """The process's main loop (the target of multiprocessing.Process)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    service = PdfService(WithSourceFiles(FileBlobStore(blob_root)))
    hooks = json.loads(os.environ.get(HOOKS_VARIABLE) or "{}")
    loop = asyncio.new_event_loop()
    calls = {
        "open": lambda task_id, file_id, options, source, password: service.open(
            task_id, file_id, options, source=source, password=password),
        "process": lambda task_id, start, end: _process(service, hooks, task_id, start, end),
        "finish": service.finish,
        "forget": lambda task_id: _forget(service, task_id),
    }
    try:
        conn.send({"ok": True, "value": {"pid": os.getpid()}})
        while True:
            try:
                name, args = conn.recv()
            except EOFError:
                return  # the parent is gone
            conn.send(_answer(loop, calls, name, args))
    except (BrokenPipeError, ConnectionResetError):
        return
    finally:
        loop.close()


def _answer(loop: asyncio.AbstractEventLoop, calls: dict, name: str, args: tuple) -> dict[str, Any]:
    call = calls.get(name)
    if call is None:
        return {"ok": False, "error": {"type": "PdfWorkerError", "message": f"unknown call {name!r}",
                                       "retryable": False}}
    try:
        return {"ok": True, "value": loop.run_until_complete(call(*args))}
    except Exception as error:  # reported as data; the parent raises it again as its own class
        reply = error_to_dict(error)
        reply["traceback"] = traceback.format_exc()
        return {"ok": False, "error": reply}


async def _process(service: PdfService, hooks: dict, task_id: str, start: int, end: int) -> dict[str, Any]:
    if hooks:
        _apply_hooks(hooks, task_id, start, end)
    return await service.process(task_id, start, end)


def _apply_hooks(hooks: dict, task_id: str, start: int, end: int) -> None:
    pages = range(start + 1, end + 1)
    if hooks.get("page_log"):
        with open(hooks["page_log"], "a", encoding="utf-8") as log:
            log.writelines(f"{task_id} {page}\n" for page in pages)
    if hooks.get("exit_page") in pages:
        os._exit(70)
    if hooks.get("hang_page") in pages:
        while True:
            time.sleep(3600)
    if hooks.get("page_delay"):
        time.sleep(float(hooks["page_delay"]) * len(pages))


async def _forget(service: PdfService, task_id: str) -> None:
    service.forget(task_id)
