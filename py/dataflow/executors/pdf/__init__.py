"""The PDF workbench executor: text, images and metadata out of PDFs with pypdf, no Pillow needed.

`service` runs where pypdf runs (a Web Worker in the app, in-process in tests); `executor` is the
orchestrator-facing control loop (main thread) that drives it chunk by chunk.
"""
