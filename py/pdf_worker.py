"""Entry point of a PDF worker: PyScript runs this in a Web Worker and exposes `__export__`."""

from dataflow.browser.pdf_worker import (  # noqa: F401 - exported to the main thread by name
    pdf_finish,
    pdf_forget,
    pdf_open,
    pdf_process,
    runtime_info,
)

__export__ = ["pdf_open", "pdf_process", "pdf_finish", "pdf_forget", "runtime_info"]
