"""DataFlow Tasks: a task orchestrator and PDF workbench that runs in the browser under Pyodide.

Rings: `dataflow.core` (standard library only), `dataflow.executors` (may import pypdf), and
`dataflow.browser` (the only package that touches `js`, `pyodide` or `pyscript`).
"""

__version__ = "0.1.0"
