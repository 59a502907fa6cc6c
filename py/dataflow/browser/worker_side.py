"""The worker's side of the call envelope, for every kind's worker script: replies as JSON text
(core.wire), the blob store over IndexedDB, and the runtime versions. Browser ring, but it runs
inside a worker: no DOM, no localStorage (no SharedArrayBuffer on GitHub Pages)."""

from __future__ import annotations

import importlib
import json
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

from dataflow.browser.blob_store import IdbBlobStore
from dataflow.core.wire import error_reply, ok_reply


async def reply(work: Callable[[], Awaitable[Any]]) -> str:
    """The JSON reply of `work()`: its value, or its error as data (the main thread raises it again
    as its own class), with the traceback for developers."""
    try:
        return ok_reply(await work())
    except Exception as error:  # reported as data, whatever its type
        return error_reply(error, traceback.format_exc())


def idb_blob_store(*, keep_written: int = 0) -> IdbBlobStore:
    """The blob store over static/idb.js, as loaded into this worker. `keep_written` (bytes): how much
    of what this worker stores static/idb.js keeps, to compose a value written in pieces (a result)
    from it without reading it back (its `keepWritten`; 0: nothing kept)."""
    from polyscript import js_modules  # not `pyscript`: importing it in a worker without SAB warns

    if keep_written:
        js_modules.idb.keepWritten(keep_written)
    return IdbBlobStore(js_modules.idb)


def runtime_info(*libraries: str) -> str:
    """JSON of this worker's Python version and each library's `__version__`."""
    info = sys.version_info
    versions = {"python": f"{info.major}.{info.minor}.{info.micro}"}
    for name in libraries:
        versions[name] = str(getattr(importlib.import_module(name), "__version__", "?"))
    return json.dumps(versions)
