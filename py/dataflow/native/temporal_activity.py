"""The `process_file` activity: one file through its executor on a Temporal worker.

Durability is Temporal's: the activity heartbeats {"checkpoint", "progress", "message"} after each
chunk, and a retried attempt (the worker was killed, the heartbeat timed out) starts from
`activity.info().heartbeat_details`, while the pages before it are already in the shared blob
store. Our errors become ApplicationErrors of the same type name and message; the non-retryable
ones are marked so. The result is moved to the output directory under the job's name.
Native ring (temporalio).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from dataflow.core.errors import NonRetryableError
from dataflow.core.executor import ExecutionContext
from dataflow.executors.pdf.executor import PdfExecutor
from dataflow.executors.pdf.store import result_key
from dataflow.native.atomic import write_atomically
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.process_client import ProcessPool, Timeouts
from dataflow.native.sources import WithSourceFiles
from dataflow.native.temporal_types import FileJob


def checkpoint_of(details: Any) -> Any:
    """The checkpoint in the last heartbeat's details (None for a first attempt)."""
    if not details:
        return None
    last = details[0]
    return last.get("checkpoint") if isinstance(last, dict) else None


class FileActivities:
    """Holds the worker processes (one pool per shared blob directory) that the activities use."""

    def __init__(self, *, workers: int, timeouts: Timeouts | None = None):
        self.workers = workers
        self.timeouts = timeouts or Timeouts()
        self.pools: dict[str, ProcessPool] = {}

    def pool_for(self, blob_root: str) -> ProcessPool:
        if blob_root not in self.pools:
            self.pools[blob_root] = ProcessPool.of_processes(self.workers, blob_root, timeouts=self.timeouts)
        return self.pools[blob_root]

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()

    @activity.defn(name="process_file")
    async def process_file(self, job: FileJob) -> dict[str, Any]:
        """Run one file; returns {"output": path, "attempt": n, ...the executor's result}."""
        if job.kind != "pdf":
            raise ApplicationError(f"No executor is registered for tasks of kind {job.kind!r}.",
                                   type="UnknownExecutor", non_retryable=True)
        info = activity.info()
        state: dict[str, Any] = {"checkpoint": checkpoint_of(info.heartbeat_details), "progress": 0.0,
                                 "message": None}

        def beat(**changes: Any) -> None:
            state.update(changes)
            activity.heartbeat(dict(state))

        ctx = ExecutionContext(task_id=job.task_id, attempt=info.attempt, checkpoint_data=state["checkpoint"],
                               on_progress=lambda percent, message: beat(progress=percent, message=message),
                               on_checkpoint=lambda data: beat(checkpoint=data),
                               stop_requested=lambda: "cancel" if activity.is_cancelled() else None)
        beat()  # the attempt has started (a worker process may take a moment to boot)
        try:
            stored = await finished_earlier(job)
            result = stored or await PdfExecutor(self.pool_for(job.blob_root)).execute(job.input, ctx)
            output = await export(job, result)
        except ApplicationError:
            raise
        except Exception as error:  # our errors keep their type name and message on Temporal
            raise ApplicationError(str(error) or type(error).__name__, type=type(error).__name__,
                                   non_retryable=isinstance(error, NonRetryableError)) from error
        return {**result, "output": str(output), "attempt": info.attempt}


async def finished_earlier(job: FileJob) -> dict[str, Any] | None:
    """An earlier attempt stored the result (and deleted the parts) but was lost before it reported:
    export that result rather than assemble one from parts that are gone."""
    key = result_key(job.task_id)
    if await WithSourceFiles(FileBlobStore(job.blob_root)).get(key) is None:
        return None
    return {"result_key": key, "filename": job.output_name, "recovered": True}


async def export(job: FileJob, result: dict[str, Any]) -> Path:
    """Move the result from the shared blob store to the output directory."""
    blobs = WithSourceFiles(FileBlobStore(job.blob_root))
    data = await blobs.get(result["result_key"])
    target = Path(job.output_dir) / job.output_name
    if data is None:
        if target.exists():  # an attempt that exported it was lost before it could report
            return target
        raise ApplicationError(f"The result of {job.name} is missing from {job.blob_root}.", type="ResultMissing")
    write_atomically(target, data if isinstance(data, bytes) else data.encode("utf-8"))
    await blobs.delete_prefix(result["result_key"])
    return target
