"""The JSON kind's own keys beside the core's run scheme (`dataflow.core.runs`): a step's parts, the
report.json beside a run's result, and which keys a JSON task still needs (its
`BlobClaims`, for the janitor). Standard library and the core only."""

from __future__ import annotations

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.blobs import parts_prefix
from dataflow.core.model import TaskState
from dataflow.core.runs import results_prefix, run_blob_claims, run_result_key, summary_key

__all__ = ["json_blob_claims", "report_key", "results_prefix", "run_result_key", "step_key", "step_of",
           "summary_key"]


def step_key(task_id: str, kind: str, step: int) -> str:
    """A part of step `step` ("out", "state" or "extra"), zero-padded so keys sort by step."""
    return f"{parts_prefix(task_id)}{kind}:{step:06d}"


def step_of(key: str) -> int:
    """The step number at the end of a step key."""
    return int(key.rsplit(":", 1)[1])


def report_key(result: str) -> str:
    """The report.json stored beside a result."""
    return f"{result}:report.json"


def json_blob_claims(task: TaskState) -> BlobClaims:
    """The blobs a JSON task still needs: its file; while unfinished its parts and any result of its
    runs (a resumed finish may reuse one); once completed only the result its record names, with its
    report and summary (the parts go: completion is durable)."""
    return run_blob_claims(task, lambda result: (report_key(result),))
