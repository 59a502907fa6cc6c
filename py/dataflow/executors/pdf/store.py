"""The PDF kind's keys: a result per run and its summary (the core's run scheme,
`dataflow.core.runs`), and which keys a PDF task still needs (its `BlobClaims`, for the janitor).
Standard library and the core only."""

from __future__ import annotations

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.model import TaskState
from dataflow.core.runs import results_prefix, run_blob_claims, run_result_key, summary_key

__all__ = ["pdf_blob_claims", "results_prefix", "run_result_key", "summary_key"]


def pdf_blob_claims(task: TaskState) -> BlobClaims:
    """The blobs a PDF task still needs: its file; while unfinished its parts and any result of its
    runs (a resumed finish may reuse one); once completed only the result its record names."""
    return run_blob_claims(task)
