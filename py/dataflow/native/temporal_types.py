"""The data that crosses Temporal: a batch, one file's job, one file's outcome, the batch's progress.
Plain dataclasses (Temporal's JSON converter round-trips them). Standard library only, so the
workflow sandbox can import them. Native ring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FileJob:
    """One file for the `process_file` activity. `blob_root` and `output_dir` must be reachable by
    every worker (a shared directory today; an object store would replace both behind BlobStore)."""

    task_id: str
    kind: str
    name: str
    input: dict[str, Any]
    output_dir: str
    output_name: str
    blob_root: str
    metadata: dict[str, Any] = field(default_factory=dict)  # the output names, as a task's (batch.output_metadata)


@dataclass
class BatchInput:
    jobs: list[FileJob]
    concurrency: int = 4
    retry_policy: dict[str, Any] = field(default_factory=dict)  # our RetryPolicy.to_dict()
    heartbeat_timeout: float = 30.0  # seconds without a heartbeat before an attempt counts as lost
    start_to_close_timeout: float = 3600.0  # seconds one attempt may take in all


@dataclass
class FileOutcome:
    task_id: str
    name: str
    status: str  # "completed" or "failed"
    output: str | None = None
    error_type: str | None = None
    message: str | None = None
    started_at: float | None = None
    ended_at: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchProgress:
    total: int
    running: list[str]
    outcomes: list[FileOutcome]
