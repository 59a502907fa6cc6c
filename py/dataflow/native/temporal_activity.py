"""The `process_file` activity: one file (PDF or JSON) through its executor on a Temporal worker.

Durability is Temporal's: the activity heartbeats {"checkpoint", "progress", "message"} after each
chunk, and a retried attempt (the worker was killed, the heartbeat timed out) starts from
`activity.info().heartbeat_details`, while the pages before it are already in the shared blob
store. Our errors become ApplicationErrors of the same type name and message; the non-retryable
ones are marked so. The result files (the page's downloads: a JSON file's data and its report) are
copied to the output directory under the job's names.

As in the page, finishing stores the result under a key of its run (kept in the checkpoint) and
leaves the parts, so an attempt lost after finishing, or after exporting, is retried from its last
heartbeat and finds its own result again. The parts and results are deleted by `release_file`,
which the workflow runs once the file's outcome is in its history (durable). Native ring (temporalio).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from dataflow.core.blobs import parts_prefix
from dataflow.core.errors import NonRetryableError
from dataflow.core.executor import ExecutionContext
from dataflow.core.model import TaskState
from dataflow.core.runs import results_prefix
from dataflow.core.status import StopRequest, TaskStatus
from dataflow.executors.json.executor import JsonExecutor
from dataflow.executors.pdf.client import PdfTimeouts
from dataflow.executors.pdf.executor import PdfExecutor
from dataflow.native.batch import output_files
from dataflow.native.file_blob_store import FileBlobStore, export_value
from dataflow.native.process_client import ProcessPool
from dataflow.native.sources import WithSourceFiles
from dataflow.native.temporal_types import FileJob


def checkpoint_of(details: Any) -> Any:
    """The checkpoint in the last heartbeat's details (None for a first attempt)."""
    if not details:
        return None
    last = details[0]
    return last.get("checkpoint") if isinstance(last, dict) else None


class FileActivities:
    """Holds the worker processes (one pool per kind and shared blob directory) that the activities use."""

    def __init__(self, *, workers: int, timeouts: PdfTimeouts | None = None,
                 report: Callable[[str], None] | None = None):
        """`report` (the worker command: its console) gets one line per file that failed on bad
        input; such a failure is BENIGN to the SDK, which then logs it at DEBUG, not as a WARNING
        with a traceback (other failures, a worker process lost, keep the SDK's warning)."""
        self.workers = workers
        self.timeouts = timeouts or PdfTimeouts()
        self.report = report
        self.pools: dict[tuple[str, str], ProcessPool] = {}
        self.running: dict[tuple[str, str], int] = {}  # files running on each pool

    def pool_for(self, blob_root: str, kind: str = "pdf") -> ProcessPool:
        """The pool of `kind` over the shared blob directory `blob_root` (each batch's output folder has
        its own). Starting one closes the idle pools of the same kind over other directories, so a
        worker that serves batch after batch keeps `workers` processes per kind, not per batch."""
        if (kind, blob_root) not in self.pools:
            for key in [key for key in self.pools if key[0] == kind and not self.running.get(key)]:
                self.pools.pop(key).close()
                self.running.pop(key, None)
            self.pools[kind, blob_root] = (
                ProcessPool.of_json_processes(self.workers, blob_root) if kind == "json"
                else ProcessPool.of_processes(self.workers, blob_root, timeouts=self.timeouts))
        return self.pools[kind, blob_root]

    def executor_for(self, job: FileJob) -> PdfExecutor | JsonExecutor:
        """The job's executor, over this worker's processes; non-retryable UnknownExecutor for another kind."""
        if job.kind == "pdf":
            return PdfExecutor(self.pool_for(job.blob_root))
        if job.kind == "json":
            return JsonExecutor(self.pool_for(job.blob_root, "json"))
        raise ApplicationError(f"No executor is registered for tasks of kind {job.kind!r}.",
                               type="UnknownExecutor", non_retryable=True)

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()

    @activity.defn(name="process_file")
    async def process_file(self, job: FileJob) -> dict[str, Any]:
        """Run one file; returns {"output": path, "attempt": n, ...the executor's result}."""
        executor = self.executor_for(job)
        key = (job.kind, job.blob_root)
        self.running[key] = self.running.get(key, 0) + 1
        try:
            return await self._process(job, executor)
        finally:
            self.running[key] -= 1

    async def _process(self, job: FileJob, executor: PdfExecutor | JsonExecutor) -> dict[str, Any]:
        info = activity.info()
        state: dict[str, Any] = {"checkpoint": checkpoint_of(info.heartbeat_details), "progress": 0.0,
                                 "message": None}

        def beat(**changes: Any) -> None:
            state.update(changes)
            activity.heartbeat(dict(state))

        ctx = ExecutionContext(task_id=job.task_id, attempt=info.attempt, checkpoint_data=state["checkpoint"],
                               on_progress=lambda percent, message: beat(progress=percent, message=message),
                               on_checkpoint=lambda data: beat(checkpoint=data),
                               stop_requested=lambda: StopRequest.CANCEL if activity.is_cancelled() else None)
        began = time.time()
        beat()  # the attempt has started (a worker process may take a moment to boot)
        try:
            result = await executor.execute(job.input, ctx)
            outputs = await export(job, result)
        except ApplicationError:
            raise
        except Exception as error:  # our errors keep their type name and message on Temporal
            bad_input = isinstance(error, NonRetryableError)
            if bad_input and self.report is not None:
                self.report(f"{job.input.get('path') or job.name} failed: {type(error).__name__}: {error}")
            raise ApplicationError(str(error) or type(error).__name__, attempt_times(began), type=type(error).__name__,
                                   non_retryable=bad_input,
                                   category=ApplicationErrorCategory.BENIGN if bad_input else
                                   ApplicationErrorCategory.UNSPECIFIED) from error
        return {**result, "output": str(outputs[0]), "outputs": [str(path) for path in outputs],
                "attempt": info.attempt, **attempt_times(began)}


def attempt_times(began: float) -> dict[str, float]:
    """When this attempt began and ended (seconds since the epoch, the worker's clock): a file's time
    in the summary, without the wait for a free worker that the workflow's own clock would count."""
    return {"attempt_started_at": began, "attempt_ended_at": time.time()}


async def export(job: FileJob, result: Mapping[str, Any]) -> list[Path]:
    """Copy the result files from the shared blob store to the output directory (idempotent); their
    paths, the main one first."""
    blobs = WithSourceFiles(FileBlobStore(job.blob_root))
    done = TaskState(id=job.task_id, name=job.name, kind=job.kind, status=TaskStatus.COMPLETED, result=dict(result),
                     metadata=job.metadata or {"output": job.output_name})
    targets = []
    for download, name in output_files(done):
        target = Path(job.output_dir) / name
        if not await export_value(blobs, download.key, target) and not target.exists():
            # present: an attempt exported it, then was lost
            raise ApplicationError(f"The result of {job.name} is missing from {job.blob_root}.", type="ResultMissing")
        targets.append(target)
    return targets


@activity.defn(name="release_file")
async def release_file(job: FileJob) -> None:
    """Delete a file's parts and results from the shared blob store: the workflow calls it once the
    file's outcome is recorded, as the page's janitor runs once a completion is saved."""
    blobs = FileBlobStore(job.blob_root)
    await blobs.delete_prefix(parts_prefix(job.task_id))
    await blobs.delete_prefix(results_prefix(job.task_id))
