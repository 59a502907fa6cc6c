"""`dataflow temporal worker` hosts the executors as Temporal activities (and the batch workflow);
`dataflow temporal submit` starts a batch and, with --wait, follows it with the same progress bars
and ends with the same summary table as `dataflow run`; `dataflow temporal status BATCH` shows a
batch's table (see temporal_status). Native ring (temporalio).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.worker import Worker

from dataflow.core import TaskStatus
from dataflow.core.events import CHANGED, TaskEvent
from dataflow.core.kinds import Options
from dataflow.executors.pdf.client import PdfTimeouts
from dataflow.native.batch import (
    KINDS,
    OptionsByKind,
    Source,
    UsageError,
    by_kind,
    default_state_dir,
    find_sources,
    nothing_found,
    output_metadata,
    output_name,
    task_input,
)
from dataflow.native.bounds import folder, number
from dataflow.native.display import ProgressDisplay, counts_line, print_command, summary_table
from dataflow.native.host import blob_root
from dataflow.native.process_client import default_workers
from dataflow.native.temporal_activity import FileActivities, release_file
from dataflow.native.temporal_status import batch_tasks, has_pollers, heartbeats, job_task, outcome_task, status_command
from dataflow.native.temporal_types import BatchInput, BatchProgress, FileJob, FileOutcome
from dataflow.native.temporal_workflow import BatchWorkflow

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_QUEUE = "dataflow"
POLL_SECONDS = 0.5
# How often a running activity's heartbeat reaches the server at the most. The SDK's default is 80 %
# of the heartbeat timeout (24 s of the default 30 s), so `temporal status` and `submit --wait`
# showed no page of a file shorter than that; one call a second per running file is cheap.
HEARTBEAT_THROTTLE = timedelta(seconds=1)


def add_commands(parser: argparse.ArgumentParser, *, add_kind_options, add_retry_options) -> None:
    from dataflow.native.cli import interruptible, kind_options_from, retry_policy_from

    commands = parser.add_subparsers(dest="temporal_command", required=True)
    worker = commands.add_parser("worker", help="run a Temporal worker hosting the executors")
    add_connection_options(worker)
    worker.add_argument("--workers", type=int, default=default_workers(), metavar="N",
                        help="worker processes per kind (PDF, JSON), and activities at once "
                             "(default: %(default)s)")
    worker.add_argument("--page-timeout", type=number, default=PdfTimeouts.per_page, metavar="SECONDS",
                        help="the watchdog's limit per page; a page over it fails its file with PageTimeoutError "
                             "(default: %(default)s)")
    worker.set_defaults(handler=lambda args, console: interruptible(worker_command(args, console), console))
    submit = commands.add_parser("submit", help="start a batch workflow over files and folders")
    add_connection_options(submit)
    submit.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    submit.add_argument("--out", required=True, type=folder, metavar="DIR",
                        help="results, on a directory every worker can reach")
    submit.add_argument("--kind", choices=KINDS, help="the executor for files whose name does not tell "
                        "(default: by the file's extension)")
    submit.add_argument("--concurrency", type=int, default=4, metavar="N", help="files at once (default: 4)")
    submit.add_argument("--heartbeat-timeout", type=number, default=30.0, metavar="SECONDS",
                        help="an activity silent this long is taken as dead and retried from its last heartbeat "
                             "(default: %(default)s)")
    submit.add_argument("--wait", action="store_true", help="follow the batch and print the summary")
    submit.add_argument("--quiet", action="store_true", help="no progress bars")
    add_kind_options(submit)
    add_retry_options(submit)

    def submit_handler(args: argparse.Namespace, console: Console) -> int:
        return interruptible(submit_command(args, console, kind_options_from(args), retry_policy_from(args)), console)

    submit.set_defaults(handler=submit_handler)
    status = commands.add_parser("status", help="show a batch's files: status, output or message, time")
    add_connection_options(status, queue=False)  # the batch knows its task queue
    status.add_argument("batch", metavar="BATCH", help="the batch id that submit printed (dataflow-batch-…)")

    async def read_status(args: argparse.Namespace, console: Console) -> int:
        return await status_command(args, console, client=await connect(args))

    status.set_defaults(handler=lambda args, console: interruptible(read_status(args, console), console))


def add_connection_options(parser: argparse.ArgumentParser, *, queue: bool = True) -> None:
    parser.add_argument("--address", default=DEFAULT_ADDRESS, metavar="HOST:PORT",
                        help="the Temporal frontend (default: %(default)s)")
    parser.add_argument("--namespace", default="default", help="the Temporal namespace (default: %(default)s)")
    if queue:
        parser.add_argument("--task-queue", default=DEFAULT_QUEUE, metavar="Q",
                            help="the task queue of the workers (default: %(default)s)")


# The worker --------------------------------------------------------------------------------------


def make_worker(client: Client, task_queue: str, activities: FileActivities) -> Worker:
    return Worker(client, task_queue=task_queue, workflows=[BatchWorkflow],
                  activities=[activities.process_file, release_file],
                  max_concurrent_activities=activities.workers,
                  max_heartbeat_throttle_interval=HEARTBEAT_THROTTLE,
                  default_heartbeat_throttle_interval=HEARTBEAT_THROTTLE)


async def worker_command(args: argparse.Namespace, console: Console) -> int:
    client = await connect(args)
    activities = FileActivities(workers=args.workers, timeouts=PdfTimeouts(per_page=args.page_timeout),
                                report=lambda line: console.print(line, style="yellow", markup=False,
                                                                  highlight=False, soft_wrap=True))
    try:
        processes = f"{args.workers} process{'es' if args.workers != 1 else ''}"
        console.print(f"Worker on task queue {args.task_queue!r} at {args.address}, {processes} per kind (PDF, "
                      "JSON). Ctrl-C stops it.", markup=False, highlight=False, soft_wrap=True)
        await make_worker(client, args.task_queue, activities).run()
    finally:
        activities.close()
    return 0


async def connect(args: argparse.Namespace) -> Client:
    try:
        return await Client.connect(args.address, namespace=args.namespace)
    except Exception as error:  # the SDK's RuntimeError carries the reason: say it in one line
        raise UsageError(f"cannot reach Temporal at {args.address}: {error}") from None


# Submitting --------------------------------------------------------------------------------------


def batch_input(sources: list[Source], options: Options | OptionsByKind, *, out_dir: Path, batch_id: str,
                concurrency: int, retry_policy: dict[str, Any], heartbeat_timeout: float) -> BatchInput:
    """One job per file (`options` by kind: see batch.by_kind); parts go to the shared
    DIR/.dataflow/blobs, results to DIR."""
    out_dir, chosen = out_dir.resolve(), by_kind(options)
    taken: set[str] = set()
    jobs = []
    for index, source in enumerate(sources):
        name = output_name(source, chosen[source.kind], taken)
        taken.add(name)
        jobs.append(FileJob(task_id=f"{batch_id}-{index:05d}", kind=source.kind, name=source.path.name,
                            input=task_input(source, chosen[source.kind]), output_dir=str(out_dir), output_name=name,
                            blob_root=str(blob_root(default_state_dir(out_dir))),
                            metadata=output_metadata(source, chosen[source.kind], name)))
    return BatchInput(jobs=jobs, concurrency=concurrency, retry_policy=retry_policy,
                      heartbeat_timeout=heartbeat_timeout)


async def submit_command(args: argparse.Namespace, console: Console, options: OptionsByKind, policy) -> int:
    from dataflow.native.cli import Interrupted, option_notes  # cli imports this module when it builds its parser

    found = find_sources(args.paths, kind=args.kind)
    sources = found.sources
    if not sources:
        raise nothing_found(args.paths, found.notes)
    errors: Console = getattr(args, "errors", None) or console
    for note in found.notes + option_notes(args, sources):  # UsageError for an option that applies to none
        errors.print(note, style="yellow", markup=False, highlight=False, soft_wrap=True)
    client = await connect(args)
    batch_id = batch_id_of(sources, options, out_dir=args.out, concurrency=args.concurrency,
                           retry_policy=policy.to_dict(), heartbeat_timeout=args.heartbeat_timeout)
    batch = batch_input(sources, options, out_dir=args.out, batch_id=batch_id, concurrency=args.concurrency,
                        retry_policy=policy.to_dict(), heartbeat_timeout=args.heartbeat_timeout)
    files = f"{len(batch.jobs)} file{'s' if len(batch.jobs) != 1 else ''}"
    try:
        handle = await client.start_workflow(BatchWorkflow.run, batch, id=batch_id, task_queue=args.task_queue)
        console.print(f"Started batch {batch_id} ({files}) on {args.task_queue!r}.", markup=False, soft_wrap=True)
    except WorkflowAlreadyStartedError:  # the same submit again (after a Ctrl-C): the batch it started runs on
        handle = client.get_workflow_handle_for(BatchWorkflow.run, batch_id)  # typed: its result is FileOutcomes
        console.print(f"Batch {batch_id} ({files}) is already running: following it, not starting another.",
                      markup=False, soft_wrap=True)
    see = f"dataflow temporal status {batch_id} --address {args.address} --namespace {args.namespace}"
    if not args.wait:
        console.print("See how far it got with:", markup=False, highlight=False)
        print_command(console, see)
        return 0
    started = time.monotonic()
    watch = asyncio.ensure_future(warn_without_worker(client, args, console))
    try:
        outcomes = await follow(handle, batch, console, quiet=args.quiet)
    except asyncio.CancelledError:  # Ctrl-C stops the following, not the batch: the server runs it
        raise Interrupted(0, f"Stopped following batch {batch_id}; it goes on running on Temporal. The same "
                             f"command follows it again; see how far it got with:\n{see}") from None
    finally:
        watch.cancel()
    tasks = [outcome_task(outcome, batch) for outcome in outcomes]
    console.print(summary_table(tasks, out_dir=args.out))
    console.print(counts_line(tasks, time.monotonic() - started), markup=False)
    return 0 if all(outcome.status == "completed" for outcome in outcomes) else 1


def batch_id_of(sources: list[Source], options: Options | OptionsByKind, *, out_dir: Path, concurrency: int,
                retry_policy: dict[str, Any], heartbeat_timeout: float) -> str:
    """A workflow id decided by what the batch is: its files (path, size, modification time), the
    options, the retry policy, the limits and the output folder. The same submit again finds its
    batch still running (re-attaches) instead of starting a second one over the same files."""
    identity = {"files": [[str(source.path), source.size, source.mtime_ns] for source in sources],
                "options": _options_of(sources, by_kind(options)), "retry_policy": retry_policy,
                "concurrency": concurrency, "heartbeat_timeout": heartbeat_timeout, "out": str(out_dir.resolve())}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode("utf-8")).hexdigest()
    return f"dataflow-batch-{digest[:16]}"


def _options_of(sources: list[Source], options: dict[str, Options]) -> dict[str, Any] | list[dict[str, Any]]:
    """The options that matter to the batch's files: a PDF-only batch keeps the id it had before JSON."""
    kinds = sorted({source.kind for source in sources})
    if kinds == ["pdf"]:
        return options["pdf"].to_dict()
    return [{"kind": kind, "options": options[kind].to_dict()} for kind in kinds]


NO_WORKER_SECONDS = 5.0


async def warn_without_worker(client: Client, args: argparse.Namespace, console: Console,
                              seconds: float = NO_WORKER_SECONDS) -> None:
    """After `seconds`, say so once if no worker polls the task queue (the batch would wait forever)."""
    await asyncio.sleep(seconds)
    if await has_pollers(client, args.namespace, args.task_queue) is False:
        console.print(f"No worker is polling task queue {args.task_queue!r} yet: start one with "
                      f"`dataflow temporal worker --address {args.address} --task-queue {args.task_queue}`.",
                      style="yellow", markup=False, highlight=False, soft_wrap=True)


async def follow(handle: WorkflowHandle, batch: BatchInput, console: Console, *, quiet: bool = False
                 ) -> list[FileOutcome]:
    """Poll the workflow (its query, and the heartbeats of running activities) until it ends."""
    display = ProgressDisplay(console, [job_task(job) for job in batch.jobs])
    result = asyncio.ensure_future(handle.result())
    if not quiet:
        display.progress.start()
    try:
        while not result.done():
            await asyncio.wait([result], timeout=POLL_SECONDS)
            if not quiet and not result.done():
                await refresh(handle, batch, display)
    finally:
        display.progress.stop()
    return result.result()


async def refresh(handle: WorkflowHandle, batch: BatchInput, display: ProgressDisplay) -> None:
    try:
        progress: BatchProgress = await handle.query(BatchWorkflow.progress)
        description = await handle.describe()
    except Exception:  # a poll that fails (the workflow just ended) only skips one refresh
        return
    for task in batch_tasks(batch, progress.outcomes, progress.running, await heartbeats(handle, description)):
        if task.status is not TaskStatus.PENDING:
            display.handle(TaskEvent(CHANGED, task.id, task))
