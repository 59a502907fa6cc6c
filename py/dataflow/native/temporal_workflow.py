"""The batch workflow: one `process_file` activity per file, at most `concurrency` at a time, our
retry policy as Temporal's. A file that fails records its error type and message; the batch goes
on and completes with every outcome. Once a file's outcome is in the history, `release_file`
deletes its parts and results from the shared store (its output is in the output directory).
The `progress` query tells a client how far it got.

Runs in Temporal's workflow sandbox, which re-imports this module: it imports only the standard
library, temporalio and pure data modules, and starts nothing at import. Native ring (temporalio).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from dataflow.native.temporal_retry import to_temporal
    from dataflow.native.temporal_types import BatchInput, BatchProgress, FileJob, FileOutcome

ACTIVITY = "process_file"
RELEASE = "release_file"
RELEASE_SECONDS = 60.0


@workflow.defn(name="DataflowBatch")
class BatchWorkflow:
    def __init__(self) -> None:
        self.total = 0
        self.running: list[str] = []
        self.outcomes: dict[str, FileOutcome] = {}

    @workflow.run
    async def run(self, batch: BatchInput) -> list[FileOutcome]:
        self.total = len(batch.jobs)
        slots = asyncio.Semaphore(max(1, batch.concurrency))
        await asyncio.gather(*(self._one(job, batch, slots) for job in batch.jobs))
        return [self.outcomes[job.task_id] for job in batch.jobs]

    @workflow.query
    def progress(self) -> BatchProgress:
        return BatchProgress(total=self.total, running=list(self.running), outcomes=list(self.outcomes.values()))

    async def _one(self, job: FileJob, batch: BatchInput, slots: asyncio.Semaphore) -> None:
        async with slots:
            self.running.append(job.task_id)
            started = workflow.now().timestamp()
            try:
                value = await workflow.execute_activity(
                    ACTIVITY, job, activity_id=job.task_id, result_type=dict,
                    start_to_close_timeout=timedelta(seconds=batch.start_to_close_timeout),
                    heartbeat_timeout=timedelta(seconds=batch.heartbeat_timeout),
                    retry_policy=to_temporal(batch.retry_policy))
                outcome = FileOutcome(task_id=job.task_id, name=job.name, status="completed",
                                      output=value.get("output"), details=value)
                times = value
            except ActivityError as error:
                cause = error.cause
                error_type = cause.type if isinstance(cause, ApplicationError) else type(cause).__name__
                message = cause.message if isinstance(cause, ApplicationError) else str(cause or error)
                outcome = FileOutcome(task_id=job.task_id, name=job.name, status="failed",
                                      error_type=error_type, message=message)
                details = cause.details if isinstance(cause, ApplicationError) else ()
                times = details[0] if details and isinstance(details[0], dict) else {}
            await workflow.execute_activity(RELEASE, job, activity_id=f"{job.task_id}-release",
                                            start_to_close_timeout=timedelta(seconds=RELEASE_SECONDS))
            # the last attempt's own times (see temporal_activity.attempt_times), else the slot's
            outcome.started_at = times.get("attempt_started_at", started)
            outcome.ended_at = times.get("attempt_ended_at", workflow.now().timestamp())
            self.running.remove(job.task_id)
            self.outcomes[job.task_id] = outcome
