"""DataFlow Tasks: a task orchestrator and the workbenches built on it, run in the browser under Pyodide.

Rings: `dataflow.core` (standard library only), `dataflow.executors` (the plug-in executors: they
may import their libraries), and `dataflow.browser` (the only package that touches `js`,
`pyodide` or `pyscript`).
"""

__version__ = "0.1.0"
