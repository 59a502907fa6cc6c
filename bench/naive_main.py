"""Benchmark page script: the same direct extraction on the main thread (the "before" of the original)."""

import js
from direct import run
from pyodide.ffi import create_proxy

js.window.runNaive = create_proxy(run)
js.document.body.dataset.state = "ready"
