"""The child side of a worker process: a PdfService or a JsonService over the shared blob
directory, answering calls that arrive on a pipe, one at a time, with the core's reply envelope
(`dataflow.core.wire`): the calls and arguments of the page's worker scripts (`py/pdf_worker.py`,
`py/json_worker.py`).

Errors cross as data (`error_reply`), as from the page's Web Worker, so the parent raises the
same class with the same message. Ctrl-C is the parent's business: the child ignores SIGINT (and
SIGTERM while it starts, see process_client) and ends when its pipe closes or it is terminated. Native ring.

Test hook: the environment variable DATAFLOW_TEST_HOOKS (JSON) may hold "page_delay" (seconds
per page), "hang_page" (a 1-based page whose chunk never returns), "exit_page" (a page whose chunk
ends the process, as a crash would) and "page_log" (a file to which each page handed to the service
is appended as "<task id> <page>"). Tests use it to slow, hang, crash or count pages in a real
process; nothing else sets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from dataflow.core.errors import WorkerRejectedError
from dataflow.core.wire import error_reply, ok_reply
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.sources import WithSourceFiles

if TYPE_CHECKING:  # each process imports only its own service (a JSON process never loads pypdf)
    from dataflow.executors.json.service import JsonService
    from dataflow.executors.pdf.service import PdfService

HOOKS_VARIABLE = "DATAFLOW_TEST_HOOKS"


def serve(conn: Connection, blob_root: str, service_name: str = "pdf") -> None:
    """The process's main loop (the target of multiprocessing.Process): the calls of `service_name`
    ("pdf" or "json")."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C to the whole job is the parent's: it stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # terminate() must work
    with contextlib.suppress(AttributeError, OSError):  # blocked while we started (process_client._signals_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    store = WithSourceFiles(FileBlobStore(blob_root))
    hooks = json.loads(os.environ.get(HOOKS_VARIABLE) or "{}")
    loop = asyncio.new_event_loop()
    if service_name == "json":
        from dataflow.executors.json.service import JsonService

        calls = json_calls(JsonService(store))
    else:
        from dataflow.executors.pdf.service import PdfService

        calls = pdf_calls(PdfService(store), hooks)
    calls["runtime_info"] = _runtime_info
    try:
        conn.send(ok_reply({"pid": os.getpid()}))
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


def pdf_calls(service: PdfService, hooks: dict) -> dict[str, Callable[..., Awaitable[Any]]]:
    """The calls of `py/pdf_worker.py`, with their arguments."""
    return {
        "pdf_open": lambda task_id, file_id, options_json, source, password: service.open(
            task_id, file_id, json.loads(options_json), source=source, password=password or None),
        "pdf_process": lambda task_id, start, end, budget=0.0: _process(service, hooks, task_id, int(start), int(end),
                                                                       float(budget) or None),
        "pdf_finish": lambda task_id, run: service.finish(task_id, str(run)),
        "pdf_forget": lambda task_id: _forget(service, task_id),
    }


def json_calls(service: JsonService) -> dict[str, Callable[..., Awaitable[Any]]]:
    """The calls of `py/json_worker.py`, with their arguments (JSON strings for dicts)."""
    return {
        "json_open": lambda task_id, file_id, options_json, source, checkpoint_json: service.open(
            task_id, file_id, json.loads(options_json), source=source, checkpoint=json.loads(checkpoint_json)),
        "json_process": lambda task_id, position_json, budget: service.process(
            task_id, json.loads(position_json), int(budget)),
        "json_finish": lambda task_id, run: service.finish(task_id, str(run)),
        "json_forget": lambda task_id: _forget(service, task_id),
    }


def _answer(loop: asyncio.AbstractEventLoop, calls: dict, name: str, args: tuple) -> str:
    call = calls.get(name)
    if call is None:
        return error_reply(WorkerRejectedError(f"the worker has no call {name!r}"))
    try:
        return ok_reply(loop.run_until_complete(call(*args)))
    except Exception as error:  # reported as data; the parent raises it again as its own class
        return error_reply(error, traceback.format_exc())


async def _runtime_info() -> dict[str, str]:
    import pypdf

    info = sys.version_info
    return {"python": f"{info.major}.{info.minor}.{info.micro}", "pypdf": pypdf.__version__}


async def _process(service: PdfService, hooks: dict, task_id: str, start: int, end: int,
                   budget: float | None) -> dict[str, Any]:
    if not hooks:
        return await service.process(task_id, start, end, budget)
    started = time.monotonic()  # with test hooks, page by page: each hook sees the pages processed
    outcome: dict[str, Any] = {"next_page": start}
    for page in range(start, end):
        _apply_hooks(hooks, task_id, page, page + 1)
        outcome = await service.process(task_id, page, page + 1)
        if budget is not None and time.monotonic() - started >= budget:
            break
    return outcome


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


async def _forget(service: PdfService | JsonService, task_id: str) -> None:
    service.forget(task_id)
