"""Benchmark page script: hands the page functions that run the direct extraction, or our PdfService
over an in-memory store, in the worker."""

import js
from pyodide.ffi import create_proxy
from pyscript import workers

worker = await workers["direct"]  # noqa: F704 - PyScript runs main-thread scripts with top-level await


async def run_direct(b64, mode):
    return await worker.run(b64, mode)


async def run_service(b64, mode):
    return await worker.run_service(b64, mode)


js.window.runDirectRaw = create_proxy(run_direct)
js.window.runServiceRaw = create_proxy(run_service)
js.document.body.dataset.state = "ready"
