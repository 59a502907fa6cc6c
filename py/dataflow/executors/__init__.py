"""Executors: the code that does a task's work. Each package is one kind, a plug-in
(`plugin(host)`). They may import their libraries, never the
browser (`js`, `pyodide`, `pyscript`); browser adapters are handed to them."""
