"""The `dataflow` command: `run` files through the executors with progress bars and a summary,
`status` of a state directory, `retry` failed tasks, and `temporal` (worker, submit).

Exit codes: 0 every task completed, 1 some task did not, 2 a command line that cannot be carried
out, 130 interrupted (the same command again resumes from the checkpoints). Native ring.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import signal
import sys
import time
from collections.abc import Callable, Set
from pathlib import Path

from rich.console import Console

from dataflow.core import RetryPolicy, TaskState, TaskStatus
from dataflow.core.clock import SystemClock
from dataflow.core.persistence import TaskStore
from dataflow.executors.pdf.client import PdfTimeouts
from dataflow.executors.pdf.options import FORMATS, MODES, PdfOptions
from dataflow.native.batch import KINDS, UsageError, default_state_dir, discover
from dataflow.native.display import ProgressDisplay, counts_line, status_table, summary_table
from dataflow.native.file_storage import FileStorage
from dataflow.native.host import NativeHost, blob_root
from dataflow.native.process_client import ProcessPool, default_workers
from dataflow.native.state_lock import StateDirectoryBusyError, StateLock

INTERRUPTED = 130


def main(argv: list[str] | None = None, *, console: Console | None = None) -> int:
    """Entry point of the `dataflow` console script; returns the exit code."""
    console = console or Console()
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(with_temporal=bool(argv) and argv[0] == "temporal")
    args = parser.parse_args(argv)
    try:
        return args.handler(args, console)
    except UsageError as error:
        console.print(f"dataflow: {error}", style="red", markup=False, highlight=False)
        return 2


def build_parser(*, with_temporal: bool = True) -> argparse.ArgumentParser:
    """The command line; `with_temporal=False` leaves temporalio unimported (it takes a moment)."""
    parser = argparse.ArgumentParser(prog="dataflow", description="Durable batch processing of files (PDF today): "
                                     "the executors of the DataFlow Tasks page, on the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="process files and folders into DIR (resumes an interrupted run)")
    run.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    run.add_argument("--out", required=True, type=Path, metavar="DIR", help="where results are written")
    run.add_argument("--kind", choices=KINDS, help="the executor for files whose name does not tell")
    add_pdf_options(run)
    add_host_options(run)
    add_retry_options(run)
    run.set_defaults(handler=lambda args, console: interruptible(run_command(args, console), console))
    status = commands.add_parser("status", help="list the tasks of DIR")
    status.add_argument("out", type=Path, metavar="DIR")
    status.add_argument("--state", type=Path, metavar="STATE_DIR", help="default: DIR/.dataflow")
    status.set_defaults(handler=status_command)
    retry = commands.add_parser("retry", help="run failed or cancelled tasks of DIR again (all, or those named)")
    retry.add_argument("out", type=Path, metavar="DIR")
    retry.add_argument("task_ids", nargs="*", metavar="TASK", help="a task id or the start of one (see status)")
    add_host_options(retry)
    retry.set_defaults(handler=lambda args, console: interruptible(retry_command(args, console), console))
    temporal = commands.add_parser("temporal", help="run the executors on Temporal (worker, submit)")
    if with_temporal:
        add_temporal_commands(temporal)
    return parser


def add_pdf_options(parser: argparse.ArgumentParser) -> None:
    defaults = PdfOptions()
    parser.add_argument("--mode", choices=MODES, default=defaults.mode, help="what to extract (default: %(default)s)")
    parser.add_argument("--max-images", type=int, default=defaults.max_images, metavar="N",
                        help="images kept per document (default: %(default)s)")
    parser.add_argument("--format", choices=FORMATS, default=defaults.format, help="output (default: %(default)s)")


def add_host_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", type=Path, metavar="STATE_DIR",
                        help="task records and parts (default: DIR/.dataflow)")
    parser.add_argument("--workers", type=int, default=default_workers(), metavar="N",
                        help="worker processes (default: the cores, %(default)s)")
    parser.add_argument("--page-timeout", type=float, default=PdfTimeouts.per_page, metavar="SECONDS",
                        help="the watchdog's limit per page (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--password", metavar="PASSWORD",
                        help="for encrypted PDFs ('-' asks for it without echo); kept in memory, never stored")


def add_retry_options(parser: argparse.ArgumentParser) -> None:
    """Temporal's RetryPolicy names, as our RetryPolicy has them."""
    policy = RetryPolicy()
    group = parser.add_argument_group("retry policy (Temporal's names)")
    group.add_argument("--initial-interval", type=float, default=policy.initial_interval, metavar="SECONDS")
    group.add_argument("--backoff-coefficient", type=float, default=policy.backoff_coefficient)
    group.add_argument("--maximum-interval", type=float, default=policy.maximum_interval, metavar="SECONDS")
    group.add_argument("--maximum-attempts", type=int, default=policy.maximum_attempts, metavar="N",
                       help="every try, the first included (default: %(default)s)")
    group.add_argument("--non-retryable-error-types", default="", metavar="TYPE,...",
                       help="error type names that fail a task at once")
    group.add_argument("--no-jitter", action="store_true", help="wait the full backoff, not a random part of it")
    group.add_argument("--maximum-retry-after", type=float, default=policy.maximum_retry_after, metavar="SECONDS",
                       help="the latest an executor's retry-after time may push a retry (default: %(default)s)")


def add_temporal_commands(parser: argparse.ArgumentParser) -> None:
    try:
        from dataflow.native.temporal_cli import add_commands
    except ImportError as error:  # temporalio is an optional extra: say how to get it
        message = f"the Temporal commands need the 'temporal' extra (pip install 'dataflow-tasks[temporal]'): {error}"

        def unavailable(args: argparse.Namespace, console: Console) -> int:
            raise UsageError(message)

        parser.set_defaults(handler=unavailable)
        return
    add_commands(parser, add_pdf_options=add_pdf_options, add_retry_options=add_retry_options)


def retry_policy_from(args: argparse.Namespace) -> RetryPolicy:
    names = tuple(name.strip() for name in args.non_retryable_error_types.split(",") if name.strip())
    try:
        return RetryPolicy(initial_interval=args.initial_interval, backoff_coefficient=args.backoff_coefficient,
                           maximum_interval=args.maximum_interval, maximum_attempts=args.maximum_attempts,
                           jitter=not args.no_jitter, non_retryable_error_types=names,
                           maximum_retry_after=args.maximum_retry_after)
    except ValueError as error:
        raise UsageError(f"retry policy: {error}") from None


def pdf_options_from(args: argparse.Namespace) -> PdfOptions:
    try:
        return PdfOptions(mode=args.mode, max_images=args.max_images, format=args.format)
    except ValueError as error:
        raise UsageError(str(error)) from None


def make_host(args: argparse.Namespace, retry_policy: RetryPolicy | None = None) -> NativeHost:
    if args.workers < 1:
        raise UsageError("--workers must be at least 1.")
    if args.page_timeout <= 0:
        raise UsageError("--page-timeout must be positive.")
    state = args.state or default_state_dir(args.out)
    lock = StateLock(state)
    try:
        lock.acquire()
    except StateDirectoryBusyError as error:
        raise UsageError(str(error)) from None
    pool = ProcessPool.of_processes(args.workers, blob_root(state), timeouts=PdfTimeouts(per_page=args.page_timeout))
    return NativeHost(out_dir=args.out, state_dir=state, pool=pool, concurrency=args.workers,
                      retry_policy=retry_policy, on_close=lock.release, password=password_from(args))


def password_from(args: argparse.Namespace, ask: Callable[[str], str] | None = None) -> str | None:
    """The --password value; "-" asks for it on the terminal without echo (never in shell history)."""
    if args.password == "-":
        return (ask or getpass.getpass)("PDF password: ")
    return args.password


# Commands ------------------------------------------------------------------------------------


async def run_command(args: argparse.Namespace, console: Console) -> int:
    options, policy = pdf_options_from(args), retry_policy_from(args)
    sources = discover(args.paths, kind=args.kind)
    if not sources:
        raise UsageError("no files of a known kind were found in " + ", ".join(args.paths) + ".")
    async with make_host(args, policy) as host:
        host.start()
        await host.exported()
        earlier = {task.id for task in host.tasks() if task.status.is_finished}
        submitted = host.submit(sources, options, retry_policy=policy)
        chosen = list(dict.fromkeys(submitted.ids + host.resumed))
        return await follow(host, chosen, console, earlier=earlier, quiet=args.quiet)


async def retry_command(args: argparse.Namespace, console: Console) -> int:
    async with make_host(args) as host:
        host.start()
        tasks = host.tasks()
        wanted = [resolve_task_id(tasks, given) for given in args.task_ids] if args.task_ids else None
        retried = host.retry(wanted)
        if not retried and not host.resumed:
            console.print("Nothing to retry: no failed or cancelled task" + (" among those named." if wanted else "."))
            return 0
        return await follow(host, list(dict.fromkeys(retried + host.resumed)), console, quiet=args.quiet)


def status_command(args: argparse.Namespace, console: Console) -> int:
    state = args.state or default_state_dir(args.out)
    if not state.is_dir():
        raise UsageError(f"{args.out} has no tasks (no state directory {state}).")
    loaded = TaskStore(FileStorage(state), SystemClock()).load()
    for warning in loaded.warnings:
        console.print(warning, style="yellow", markup=False)
    console.print(status_table(loaded.tasks, out_dir=args.out))
    console.print(counts_line(loaded.tasks, 0.0).rsplit(" in ", 1)[0], markup=False)
    return 0


def resolve_task_id(tasks: list[TaskState], given: str) -> str:
    matches = [task.id for task in tasks if task.id.startswith(given)]
    if len(matches) != 1:
        raise UsageError(f"{given!r} names {'no task' if not matches else 'several tasks'}; see `dataflow status`.")
    return matches[0]


async def follow(host: NativeHost, task_ids: list[str], console: Console, *, earlier: Set[str] = frozenset(),
                 quiet: bool = False) -> int:
    """Show progress until every task is settled, then the summary; 0 if all of `task_ids` completed."""
    started = time.monotonic()
    by_id = {task.id: task for task in host.tasks()}
    display = ProgressDisplay(console, [by_id[i] for i in task_ids])
    unsubscribe = host.orchestrator.subscribe(display.handle)
    try:
        if quiet:
            await host.wait()
        else:
            with display:
                await host.wait()
    finally:
        unsubscribe()
    tasks = [task for task in host.tasks() if task.id in set(task_ids)]
    console.print(summary_table(tasks, out_dir=host.out_dir, earlier=set(earlier)))
    console.print(counts_line(tasks, time.monotonic() - started), markup=False)
    for warning in host.warnings:
        console.print(warning, style="yellow", markup=False)
    if any(host.needs_password(task) for task in tasks):
        console.print(f"Encrypted files wait for their password: dataflow retry {host.out_dir} --password -",
                      style="yellow", markup=False, highlight=False)
    return 0 if all(task.status is TaskStatus.COMPLETED for task in tasks) else 1


def interruptible(work, console: Console) -> int:
    """Run `work`; Ctrl-C or SIGTERM stops it cleanly (tasks resume from their checkpoints next time)."""

    async def guarded() -> int:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        with contextlib.suppress(ValueError, RuntimeError):  # not the main thread: the embedding app's call
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            return await work
        finally:
            loop.remove_signal_handler(signal.SIGTERM)

    try:
        return asyncio.run(guarded())
    except (KeyboardInterrupt, asyncio.CancelledError):
        console.print("Interrupted. Run the same command again to resume from the checkpoints.", style="yellow")
        return INTERRUPTED


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
