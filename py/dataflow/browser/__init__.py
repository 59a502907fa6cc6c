"""The browser ring: the only code that imports `js`, `pyodide` or `pyscript`."""
