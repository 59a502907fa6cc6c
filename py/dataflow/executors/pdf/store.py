"""The PDF kind's own keys beside the core's scheme (`dataflow.core.blobs`): a result per run and
its summary, and which keys a PDF task still needs (its `BlobClaims`, for the janitor).
Standard library and the core only."""

from __future__ import annotations

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.blobs import file_key, parts_prefix, result_key
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus


def run_result_key(task_id: str, run: str) -> str:
    """The result of one run of a task: a new run never overwrites a result another run wrote."""
    return f"{results_prefix(task_id)}:{run}"


def results_prefix(task_id: str) -> str:
    """Every result of a task, the per-run ones and the single one of older versions."""
    return result_key(task_id)


def summary_key(result: str) -> str:
    """Where the summary of a stored result (its finish's return value) is kept, beside it."""
    return f"{result}:summary"


def pdf_blob_claims(task: TaskState) -> BlobClaims:
    """The blobs a PDF task still needs: its file; while unfinished its parts and any result of its
    runs (a resumed finish may reuse one); once completed only the result its record names."""
    task_input = task.input if isinstance(task.input, dict) else {}
    keys = {file_key(str(task_input["file_id"]))} if task_input.get("file_id") else set()
    if task.status is not TaskStatus.COMPLETED:
        return BlobClaims(frozenset(keys), (parts_prefix(task.id), results_prefix(task.id)))
    result = task.result if isinstance(task.result, dict) else {}
    named = str(result.get("result_key") or result_key(task.id))
    return BlobClaims(frozenset(keys | {named}), (summary_key(named),))
