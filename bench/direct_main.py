"""Benchmark page script: hands the page a function that runs the direct extraction in the worker."""

import js
from pyodide.ffi import create_proxy
from pyscript import workers

worker = await workers["direct"]  # noqa: F704 - PyScript runs main-thread scripts with top-level await


async def run_direct(b64, mode):
    return await worker.run(b64, mode)


js.window.runDirectRaw = create_proxy(run_direct)
js.document.body.dataset.state = "ready"
