"""Benchmark worker: pypdf directly inside Pyodide, and our PdfService over an in-memory store,
exported to the bench page."""

from direct import run, run_service  # noqa: F401 - exported by name

__export__ = ["run", "run_service"]
