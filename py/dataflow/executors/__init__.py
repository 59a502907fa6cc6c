"""Executors: the code that does a task's work. They may import their libraries (pypdf), never the
browser (`js`, `pyodide`, `pyscript`); browser adapters are handed to them."""
