"""Benchmark worker: pypdf directly inside Pyodide, exported to the bench page."""

from direct import run  # noqa: F401 - exported by name

__export__ = ["run"]
