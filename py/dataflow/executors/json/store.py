"""The JSON kind's own keys beside the core's scheme (`dataflow.core.blobs`): a step's parts, a result
per run with its report.json and its summary, and which keys a JSON task still needs (its
`BlobClaims`, for the janitor). Standard library and the core only."""

from __future__ import annotations

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.blobs import file_key, parts_prefix, result_key
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus


def step_key(task_id: str, kind: str, step: int) -> str:
    """A part of step `step` ("out", "state" or "extra"), zero-padded so keys sort by step."""
    return f"{parts_prefix(task_id)}{kind}:{step:06d}"


def step_of(key: str) -> int:
    """The step number at the end of a step key."""
    return int(key.rsplit(":", 1)[1])


def results_prefix(task_id: str) -> str:
    """Every result of a task: the per-run ones, their reports and summaries."""
    return result_key(task_id)


def run_result_key(task_id: str, run: str) -> str:
    """The result of one run of a task: a new run never overwrites a result another run wrote."""
    return f"{results_prefix(task_id)}:{run}"


def report_key(result: str) -> str:
    """The report.json stored beside a result."""
    return f"{result}:report.json"


def summary_key(result: str) -> str:
    """Where the summary of a stored result (its finish's return value) is kept, beside it."""
    return f"{result}:summary"


def json_blob_claims(task: TaskState) -> BlobClaims:
    """The blobs a JSON task still needs: its file; while unfinished its parts and any result of its
    runs (a resumed finish may reuse one); once completed only the result its record names, with its
    report and summary (the parts go: completion is durable)."""
    task_input = task.input if isinstance(task.input, dict) else {}
    keys = {file_key(str(task_input["file_id"]))} if task_input.get("file_id") else set()
    if task.status is not TaskStatus.COMPLETED:
        return BlobClaims(frozenset(keys), (parts_prefix(task.id), results_prefix(task.id)))
    result = task.result if isinstance(task.result, dict) else {}
    named = str(result.get("result_key") or result_key(task.id))
    return BlobClaims(frozenset(keys | {named, report_key(named)}), (summary_key(named),))
