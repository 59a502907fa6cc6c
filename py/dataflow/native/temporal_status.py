"""What a client sees of a batch on Temporal: each file as a TaskState (finished ones from the
workflow's outcomes, running ones from their activities' last heartbeats, the rest pending), so the
tables are those of `dataflow run`; and `dataflow temporal status BATCH`, which reads a batch by its
id (the workflow id `submit` prints) from the server: its files from the workflow's input in the
history, their outcomes from the workflow's result (finished batch) or its `progress` query (a
worker answers it). Native ring (temporalio).
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from dataflow.core import AttemptRecord, TaskError, TaskState, TaskStatus
from dataflow.native.batch import UsageError
from dataflow.native.display import counts_line, summary_table
from dataflow.native.temporal_types import BatchInput, BatchProgress, FileJob, FileOutcome
from dataflow.native.temporal_workflow import BatchWorkflow

QUERY_SECONDS = 5.0  # a worker answers the progress query at once; this bounds a worker just gone
STATUS_ROWS = 200  # `temporal status` lists up to this many completed files (every failure always)


STARTED = "started, no progress reported yet"  # the first heartbeat, before the first page
NOT_STARTED = "waiting for a worker"  # scheduled: no attempt has heartbeated yet


async def heartbeats(handle: WorkflowHandle, description: Any) -> dict[str, dict]:
    """The last heartbeat details of each running activity, by activity id (= task id)."""
    found = {}
    converter = handle._client.data_converter
    for pending in description.raw_description.pending_activities:
        if pending.heartbeat_details.payloads:
            values = await converter.decode(pending.heartbeat_details.payloads)
            if values and isinstance(values[0], dict):
                found[pending.activity_id] = values[0]
    return found


def job_task(job: FileJob, *, status: TaskStatus = TaskStatus.PENDING, progress: float = 0.0,
             message: str | None = None) -> TaskState:
    return TaskState(id=job.task_id, name=job.name, kind=job.kind, status=status, progress=progress,
                     progress_message=message, metadata=job.metadata or {"output": job.output_name},
                     input={"path": job.input.get("path")} if isinstance(job.input, dict) else None)


def outcome_task(outcome: FileOutcome, batch: BatchInput) -> TaskState:
    """A finished file as a TaskState, so the summary table is the one `dataflow run` prints."""
    job = next(job for job in batch.jobs if job.task_id == outcome.task_id)
    status = TaskStatus.COMPLETED if outcome.status == "completed" else TaskStatus.FAILED
    task = job_task(job, status=status, progress=100.0)
    task.result = outcome.details if status is TaskStatus.COMPLETED else None  # names its files (output_files)
    if outcome.started_at is not None and outcome.ended_at is not None:
        task.attempts = [AttemptRecord(number=1, started_at=outcome.started_at, ended_at=outcome.ended_at,
                                       outcome=outcome.status)]
    if status is TaskStatus.FAILED:
        task.error = TaskError(type=outcome.error_type or "Error", message=outcome.message or "")
    return task


def batch_tasks(batch: BatchInput, outcomes: list[FileOutcome], running: list[str],
                beats: dict[str, dict]) -> list[TaskState]:
    """Every file of `batch` in its order: finished (its outcome), running (its last heartbeat's
    progress and message), else pending."""
    finished = {outcome.task_id: outcome for outcome in outcomes}
    tasks = []
    for job in batch.jobs:
        if job.task_id in finished:
            tasks.append(outcome_task(finished[job.task_id], batch))
        elif job.task_id in running:
            beat = beats.get(job.task_id)
            message = (beat or {}).get("message") or (STARTED if beat is not None else NOT_STARTED)
            tasks.append(job_task(job, status=TaskStatus.RUNNING, progress=float((beat or {}).get("progress") or 0.0),
                                  message=message))
        else:
            tasks.append(job_task(job))
    return tasks


async def has_pollers(client: Client, namespace: str, task_queue: str) -> bool | None:
    """Whether a worker polls `task_queue` for workflow tasks (None: the server would not say)."""
    try:
        described = await client.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
            namespace=namespace, task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW))
    except Exception:  # an older server or a lost connection: no answer rather than a wrong one
        return None
    return bool(described.pollers)


async def read_batch(handle: WorkflowHandle) -> BatchInput:
    """The batch a workflow was started with: the input of the first event of its history."""
    async for event in handle.fetch_history_events():
        payloads = event.workflow_execution_started_event_attributes.input.payloads
        (batch,) = await handle._client.data_converter.decode(payloads, [BatchInput])
        return batch
    raise UsageError(f"the batch {handle.id} has no history on the server.")


async def status_command(args: argparse.Namespace, console: Console, *, client: Client) -> int:
    """Print the batch's table (each file: status, output or message, time) and a count line.
    UsageError when the server does not know the batch."""
    handle = client.get_workflow_handle_for(BatchWorkflow.run, args.batch)
    try:
        description = await handle.describe()
        batch = await read_batch(handle)
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise UsageError(f"Temporal at {args.address} (namespace {args.namespace}) knows no batch "
                             f"{args.batch!r}: give the id `dataflow temporal submit` printed "
                             "(dataflow-batch-…).") from None
        raise UsageError(f"cannot read batch {args.batch} from Temporal at {args.address}: {error.message}") from None
    state = description.status.name.lower().replace("_", " ") if description.status else "unknown"
    outcomes, running, note = await _outcomes(client, handle, description, args.namespace)
    tasks = batch_tasks(batch, outcomes, running, await heartbeats(handle, description))
    out_dir = Path(batch.jobs[0].output_dir) if batch.jobs else Path(".")
    console.print(summary_table(tasks, out_dir=out_dir, limit=STATUS_ROWS))
    count = counts_line(tasks, 0.0).rsplit(" in ", 1)[0]
    console.print(f"Batch {args.batch} is {state} on task queue {description.task_queue!r}: {count}.",
                  markup=False, highlight=False)
    if note:
        console.print(note, style="yellow", markup=False, highlight=False)
    return 0


async def _outcomes(client: Client, handle: WorkflowHandle, description: Any,
                    namespace: str) -> tuple[list[FileOutcome], list[str], str | None]:
    """(outcomes, running task ids, a note when they could not be read): from the result of a
    completed batch, else from the progress query when a worker polls its task queue."""
    if description.status == WorkflowExecutionStatus.COMPLETED:
        return list(await handle.result()), [], None
    running = [pending.activity_id for pending in description.raw_description.pending_activities]
    if not await has_pollers(client, namespace, description.task_queue):
        return [], running, (f"No worker polls task queue {description.task_queue!r}, so the finished files "
                             "are not known (a worker answers the batch's progress query): start one with "
                             "`dataflow temporal worker`. Files shown as pending may be finished.")
    try:
        progress: BatchProgress = await handle.query(BatchWorkflow.progress,
                                                     rpc_timeout=timedelta(seconds=QUERY_SECONDS))
    except Exception as error:  # a query that fails (server or worker gone): say why, show what is known
        return [], running, (f"The batch's progress could not be read ({error}): running files show their "
                             "last heartbeat; files shown as pending may be finished.")
    return progress.outcomes, progress.running, None
