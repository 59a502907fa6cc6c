"""The native host: the same core and executors outside the browser, on a command line and on
Temporal. File-backed adapters (task records, blobs), the PDF and JSON services in worker processes, the CLI.

Native ring: may import the core, the executors and third-party libraries (rich, temporalio);
never `js`, `pyodide`, `pyscript` or `dataflow.browser`; neither the core nor the executors import it.
"""
