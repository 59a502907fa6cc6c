"""The `dataflow` command: `run` files through the executors with progress bars and a summary,
`status` of a state directory, `retry` failed tasks, and `temporal` (worker, submit).

Exit codes: 0 every task completed, 1 some task did not or some file or folder could not be read
(skipped, each with a line saying why), 2 a command line that cannot be carried out, 130
interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM (in both cases the same command again
resumes from the checkpoints). Messages for a person go to stderr. Native ring.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import signal
import sys
import time
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rich.console import Console

from dataflow.core import RetryPolicy, TaskStatus
from dataflow.core.clock import SystemClock
from dataflow.core.kinds import Options
from dataflow.core.persistence import TaskStore
from dataflow.executors.json.service import RELEVANT_OPTIONS
from dataflow.executors.pdf.client import PdfTimeouts
from dataflow.native.batch import (
    KINDS,
    NATIVE,
    Source,
    UsageError,
    default_state_dir,
    error_type_names,
    find_sources,
    nothing_found,
)
from dataflow.native.bounds import BoundsError, check_bounds, folder, number, option_names
from dataflow.native.display import (
    ProgressDisplay,
    counts_line,
    print_command,
    status_table,
    summary_table,
    task_warnings,
)
from dataflow.native.file_storage import FileStorage, ReadOnlyStorage, read_only_warning
from dataflow.native.form_options import add_form_options, options_from, refuse_unused
from dataflow.native.host import NativeHost, blob_root
from dataflow.native.option_scope import given_options, scope_notices
from dataflow.native.process_client import ProcessPool, default_workers
from dataflow.native.state_lock import StateDirectoryBusyError, StateLock, is_busy

INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a job stopped by Ctrl-C
EXIT_ON_SIGNAL = {signal.SIGINT: INTERRUPTED, signal.SIGTERM: 128 + signal.SIGTERM}
PASSWORD_HELP = ("for encrypted PDFs; '-' reads it from stdin (one line) or asks for it without echo. "
                 "Kept in memory, never stored. A password given here is visible to other users in `ps`: "
                 "prefer '-'")


def main(argv: list[str] | None = None, *, console: Console | None = None) -> int:
    """Entry point of the `dataflow` console script; returns the exit code. `console` (tests) takes
    every message; by default results go to stdout and messages for a person to stderr."""
    out = console or Console()
    errors = console or Console(stderr=True)
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(with_temporal=bool(argv) and argv[0] == "temporal")
    args = parser.parse_args(argv)
    args.errors = errors
    try:
        check_bounds(args)
        return args.handler(args, out)
    except (UsageError, BoundsError) as error:
        errors.print(f"dataflow: {error}", style="red", markup=False, highlight=False, soft_wrap=True)
        return 2


def build_parser(*, with_temporal: bool = True) -> argparse.ArgumentParser:
    """The command line; `with_temporal=False` leaves temporalio unimported (it takes a moment)."""
    parser = argparse.ArgumentParser(prog="dataflow", description="Durable batch processing of files (PDF, JSON): "
                                     "the executors of the DataFlow Tasks page, on the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="process files and folders into DIR (resumes an interrupted run)")
    run.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    run.add_argument("--out", required=True, type=folder, metavar="DIR", help="where results are written")
    run.add_argument("--kind", choices=KINDS, help="the executor for files whose name does not tell")
    run.add_argument("--overwrite", action="store_true",
                     help="let results replace files in DIR that this state directory did not write "
                          "(default: write beside them, as NAME-2.zip)")
    add_kind_options(run)
    add_host_options(run)
    add_retry_options(run)
    run.set_defaults(handler=lambda args, console: interruptible(run_command(args, console, plan_run(args)), console))
    status = commands.add_parser("status", help="list the tasks of DIR")
    status.add_argument("out", type=Path, metavar="DIR")
    status.add_argument("--state", type=Path, metavar="STATE_DIR", help="default: DIR/.dataflow")
    status.set_defaults(handler=status_command)
    retry = commands.add_parser("retry", help="run failed or cancelled tasks of DIR again (all, or those named)")
    retry.add_argument("out", type=Path, metavar="DIR")
    retry.add_argument("task_ids", nargs="*", metavar="TASK", help="a task id or the start of one (see status)")
    add_host_options(retry)
    retry.set_defaults(handler=lambda args, console: interruptible(retry_command(args, console, plan_retry(args)),
                                                                  console))
    temporal = commands.add_parser("temporal", help="run the executors on Temporal (worker, submit)")
    if with_temporal:
        add_temporal_commands(temporal)
    return parser


def add_kind_options(parser: argparse.ArgumentParser) -> None:
    """The options of every kind, each made from its options form (the page's), in the kinds' order."""
    for kind in NATIVE:
        add_form_options(parser, kind, title=f"{kind.accepts.label}: the options of the page's form")


def kind_options_from(args: argparse.Namespace) -> dict[str, Options]:
    """Each kind's options from the command line, by kind; UsageError naming the option at fault."""
    options = {kind.kind: options_from(args, kind) for kind in NATIVE}
    json_kind = NATIVE.get("json")
    if json_kind is not None:
        refuse_unused(args, options["json"], json_kind, selector="operation", used_by=RELEVANT_OPTIONS)
    return options


def option_notes(args: argparse.Namespace, sources: list[Source]) -> list[str]:
    """What to say of kind options that skip some of `sources` (see option_scope); UsageError for an
    option that applies to none of them."""
    return scope_notices(given_options(args, NATIVE), sources, NATIVE)


def add_host_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", type=Path, metavar="STATE_DIR",
                        help="task records and parts (default: DIR/.dataflow)")
    parser.add_argument("--workers", type=int, default=default_workers(), metavar="N",
                        help="worker processes of each kind, and files at once; a JSON process starts only for "
                             "a JSON file (default: the cores, %(default)s)")
    parser.add_argument("--page-timeout", type=number, default=PdfTimeouts.per_page, metavar="SECONDS",
                        help="the watchdog's limit per page (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--password", metavar="PASSWORD", help=PASSWORD_HELP)


def add_retry_options(parser: argparse.ArgumentParser) -> None:
    """Temporal's RetryPolicy names, as our RetryPolicy has them."""
    policy = RetryPolicy()
    group = parser.add_argument_group("retry policy (Temporal's names)")
    group.add_argument("--initial-interval", type=number, default=policy.initial_interval, metavar="SECONDS",
                       help="the wait before the first retry (default: %(default)s)")
    group.add_argument("--backoff-coefficient", type=number, default=policy.backoff_coefficient, metavar="X",
                       help="each wait is X times the one before (default: %(default)s)")
    group.add_argument("--maximum-interval", type=number, default=policy.maximum_interval, metavar="SECONDS",
                       help="the longest wait between tries (default: %(default)s)")
    group.add_argument("--maximum-attempts", type=int, default=policy.maximum_attempts, metavar="N",
                       help="every try, the first included (default: %(default)s)")
    group.add_argument("--non-retryable-error-types", default="", metavar="TYPE,...",
                       help="error types that fail a task at once (names as the summary shows them)")
    group.add_argument("--no-jitter", action="store_true", help="wait the full backoff, not a random part of it")
    group.add_argument("--maximum-retry-after", type=number, default=policy.maximum_retry_after, metavar="SECONDS",
                       help="the latest an executor's retry-after time may push a retry (default: %(default)s)")


def add_temporal_commands(parser: argparse.ArgumentParser) -> None:
    try:
        from dataflow.native.temporal_cli import add_commands
    except ImportError as error:  # temporalio is an optional extra: say how to get it
        message = ("the Temporal commands need the optional 'temporal' extra, which is not installed "
                   f"({error}). Install it from the repository's folder with: pip install '.[temporal]'")

        def unavailable(args: argparse.Namespace, console: Console) -> int:
            raise UsageError(message)

        parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)  # whatever follows
        parser.set_defaults(handler=unavailable)
        return
    add_commands(parser, add_kind_options=add_kind_options, add_retry_options=add_retry_options)


def retry_policy_from(args: argparse.Namespace) -> RetryPolicy:
    """The policy of the retry options, checked by RetryPolicy itself; error type names must be
    those of the chosen kind (`--kind`, else every kind). Raises UsageError with the reason."""
    names = tuple(name.strip() for name in args.non_retryable_error_types.split(",") if name.strip())
    known = error_type_names(args.kind)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError(f"--non-retryable-error-types: {', '.join(unknown)} "
                         f"{'is not an error type' if len(unknown) == 1 else 'are not error types'} "
                         f"of {args.kind or 'any kind of'} tasks; known: {', '.join(sorted(known))}.")
    check_bounds(args)  # finite, in range (RetryPolicy's own checks let nan and inf through)
    try:
        return RetryPolicy(initial_interval=args.initial_interval, backoff_coefficient=args.backoff_coefficient,
                           maximum_interval=args.maximum_interval, maximum_attempts=args.maximum_attempts,
                           jitter=not args.no_jitter, non_retryable_error_types=names,
                           maximum_retry_after=args.maximum_retry_after)
    except ValueError as error:  # the rules across fields (maximum_interval ≥ initial_interval), as options
        raise UsageError(option_names(str(error), RETRY_FIELDS)) from None


RETRY_FIELDS = ("initial_interval", "backoff_coefficient", "maximum_interval", "maximum_attempts",
                "maximum_retry_after", "non_retryable_error_types")


def check_host_options(args: argparse.Namespace) -> None:
    """Raise UsageError for a --workers or --page-timeout that cannot work (before anything is written)."""
    check_bounds(args)


def make_host(args: argparse.Namespace, retry_policy: RetryPolicy | None = None, *,
              password: str | None = None) -> NativeHost:
    """Create the output and state directories, take the state lock and start the worker pool."""
    state = args.state or default_state_dir(args.out)
    for place, what in ((args.out, "output folder (--out)"), (state, "state folder")):
        if place.exists() and not place.is_dir():
            raise UsageError(f"the {what} {place} is a file, not a folder: name a folder (it is created if missing).")
        try:
            place.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot create the {what} {place}: {error.strerror or error}.") from None
    lock = StateLock(state)
    try:
        lock.acquire()
    except StateDirectoryBusyError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot lock {lock.path}: {error.strerror or error}.") from None
    pool = ProcessPool.of_processes(args.workers, blob_root(state), timeouts=PdfTimeouts(per_page=args.page_timeout))
    json_pool = ProcessPool.of_json_processes(args.workers, blob_root(state))  # processes start on first use
    return NativeHost(out_dir=args.out, state_dir=state, pool=pool, concurrency=args.workers,
                      retry_policy=retry_policy, on_close=lock.release, password=password,
                      overwrite=getattr(args, "overwrite", False), json_pool=json_pool)


def password_from(args: argparse.Namespace, ask: Callable[[str], str] | None = None,
                  stdin: TextIO | None = None) -> str | None:
    """The --password value. "-" reads one line from stdin when it is not a terminal (a pipe, a
    file), else asks on the terminal without echo (never in shell history or `ps`). Raises
    UsageError for an empty password or nothing to read."""
    if args.password is None:
        return None
    password = args.password
    if password == "-":
        stdin = stdin or sys.stdin
        try:
            if stdin is not None and stdin.isatty():
                password = (ask or getpass.getpass)("PDF password: ")
            else:
                line = stdin.readline() if stdin is not None else ""
                if not line:
                    raise UsageError("--password -: stdin ended before a password came; pipe one line in "
                                     "(e.g. from a password manager) or run this in a terminal to be asked.")
                password = line.rstrip("\r\n")
        except EOFError:
            raise UsageError("--password -: no password was typed.") from None
    if not password:
        raise UsageError("the password is empty; give the PDF's password (with --password -, type or pipe it).")
    return password


def notify(args: argparse.Namespace, host: NativeHost, notes: Sequence[str] = ()) -> None:
    """Print, before the run, `notes` (the command line's) and what the host found: set-aside records,
    restarted tasks, renamed outputs."""
    errors: Console = getattr(args, "errors", None) or Console(stderr=True)
    for message in [*notes, *host.warnings, *host.notices]:
        errors.print(message, style="yellow", markup=False, highlight=False, soft_wrap=True)
    host.warnings.clear()
    host.notices.clear()


# Commands ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunPlan:
    """What `run` takes from its command line, checked before anything is written."""

    options: dict[str, Options]
    policy: RetryPolicy
    sources: list[Source]
    password: str | None
    notices: list[str]  # link loops skipped, kind options that skip some of the files (see option_scope)
    unreadable: int = 0  # files and folders skipped because they could not be read (among the notices)


def plan_run(args: argparse.Namespace) -> RunPlan:
    """Check `run`'s command line and read the password. Runs before the event loop: there a Ctrl-C
    interrupts a password read that waits for stdin (inside the loop, whose signal handler only
    wakes it, the read would be resumed and the Ctrl-C lost). Raises UsageError."""
    found = find_sources(args.paths, kind=args.kind)
    if not found.sources:
        raise nothing_found(args.paths, found.notes)
    notices = option_notes(args, found.sources)  # before the options' own checks: an option for no file is the error
    options, policy = kind_options_from(args), retry_policy_from(args)
    check_host_options(args)
    return RunPlan(options, policy, found.sources, password_from(args), found.notes + notices, found.unreadable)


async def run_command(args: argparse.Namespace, console: Console, plan: RunPlan) -> int:
    async with make_host(args, plan.policy, password=plan.password) as host:
        since = host.clock.now()  # attempts from here on are this run's (see display.duration)
        host.start(drop_missing=True)  # resumes at the next await: submit first, so a changed file is replaced
        earlier = {task.id for task in host.tasks() if task.status.is_finished}
        submitted = host.submit(plan.sources, plan.options, retry_policy=plan.policy)
        notify(args, host, plan.notices)
        await host.exported()
        chosen = list(dict.fromkeys(submitted.ids + host.resumed))
        # every file skipped: their lines (above) say why; an empty table would only hide them
        code = await follow(host, chosen, console, earlier=earlier, quiet=args.quiet, since=since) if chosen else 0
        unreadable = plan.unreadable + len(submitted.unreadable)
        if unreadable:
            args.errors.print(f"{unreadable} file{'s' if unreadable != 1 else ''} or folder"
                              f"{'s' if unreadable != 1 else ''} could not be read and "
                              f"{'were' if unreadable != 1 else 'was'} skipped (each is named above).",
                              style="yellow", markup=False, highlight=False, soft_wrap=True)
        return code or (1 if unreadable else 0)


def require_state(args: argparse.Namespace) -> Path:
    """The state directory of DIR; UsageError (before anything is created) if it holds no tasks."""
    state = args.state or default_state_dir(args.out)
    if not state.is_dir() or not FileStorage(state).keys():
        raise UsageError(f"there are no tasks in {args.out} (no task records in {state}). "
                         f"Start with: dataflow run FILES_OR_DIRS --out {args.out}")
    return state


def plan_retry(args: argparse.Namespace) -> str | None:
    """Check `retry`'s command line and read the password (before the event loop: see plan_run)."""
    check_host_options(args)
    require_state(args)
    return password_from(args)


async def retry_command(args: argparse.Namespace, console: Console, password: str | None) -> int:
    async with make_host(args, password=password) as host:
        since = host.clock.now()
        host.start()
        notify(args, host)
        tasks = host.tasks()
        known = [task.id for task in tasks] + list(host.replaced)
        wanted = [host.replaced.get(found, found) for found in (resolve_task_id(known, given, args.out)
                                                                 for given in args.task_ids)] if args.task_ids else None
        retried = host.retry(wanted)
        notify(args, host)  # the tasks not retried because their file is gone
        if not retried and not host.resumed:
            console.print("Nothing to retry: no failed or cancelled task" + (" among those named" if wanted else "")
                          + f"; `dataflow status {args.out}` lists them all.", markup=False, highlight=False,
                          soft_wrap=True)
            return 0
        return await follow(host, list(dict.fromkeys(retried + host.resumed)), console, quiet=args.quiet,
                            since=since)


def status_command(args: argparse.Namespace, console: Console) -> int:
    state = require_state(args)
    loaded = TaskStore(ReadOnlyStorage(FileStorage(state)), SystemClock()).load()  # status moves nothing
    errors: Console = getattr(args, "errors", None) or console
    for warning in loaded.warnings:
        errors.print(read_only_warning(warning, state), style="yellow", markup=False, highlight=False, soft_wrap=True)
    live = is_busy(state)
    console.print(status_table(loaded.tasks, out_dir=args.out, live=live))
    console.print(counts_line(loaded.tasks, 0.0, live=live).rsplit(" in ", 1)[0], markup=False)
    return 0


def resolve_task_id(task_ids: list[str], given: str, out: Path) -> str:
    matches = [task_id for task_id in task_ids if task_id.startswith(given)]
    if len(matches) != 1:
        raise UsageError(f"{given!r} names {'no task' if not matches else 'several tasks'}; "
                         f"`dataflow status {out}` lists the task ids (the first 8 characters name one).")
    return matches[0]


async def follow(host: NativeHost, task_ids: list[str], console: Console, *, earlier: Set[str] = frozenset(),
                 quiet: bool = False, since: float | None = None) -> int:
    """Show progress until every task is settled, then the summary (times: the attempts begun at or
    after `since`, the host clock's time the command began); 0 if all of `task_ids` completed."""
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
    except asyncio.CancelledError:  # Ctrl-C or SIGTERM (see interruptible): the host closes on the way out
        left = sum(1 for task in host.tasks() if task.id in set(task_ids) and not task.status.is_finished)
        raise Interrupted(left) from None
    finally:
        unsubscribe()
    tasks = [task for task in host.tasks() if task.id in set(task_ids)]
    console.print(summary_table(tasks, out_dir=host.out_dir, earlier=set(earlier), since=since))
    console.print(counts_line(tasks, time.monotonic() - started), markup=False)
    for warning in [*task_warnings(tasks), *host.warnings]:
        console.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)
    state = "" if host.state_dir == default_state_dir(host.out_dir) else f" --state {host.state_dir}"
    if any(host.needs_password(task) for task in tasks):
        console.print("Encrypted files wait for their password:", style="yellow", markup=False, highlight=False)
        print_command(console, f"dataflow retry {host.out_dir}{state} --password -", style="yellow")
    elif any(task.status in (TaskStatus.FAILED, TaskStatus.CANCELLED) for task in tasks):
        console.print("To run the failed files again (once what their message says is mended):", markup=False,
                      highlight=False, soft_wrap=True)
        print_command(console, f"dataflow retry {host.out_dir}{state}")
    return 0 if all(task.status is TaskStatus.COMPLETED for task in tasks) else 1


class Interrupted(Exception):  # noqa: N818 - an outcome, not an error
    """The run was stopped by a signal while `unfinished` of its tasks were not finished; `message`
    replaces the line that says they resume (what a stopped `temporal submit --wait` says instead)."""

    def __init__(self, unfinished: int, message: str | None = None):
        super().__init__(unfinished)
        self.unfinished = unfinished
        self.message = message


def interruptible(work, console: Console) -> int:
    """Run `work`; the first Ctrl-C (SIGINT) or SIGTERM cancels it, the host closes (workers stopped,
    records saved, the state lock released), one line says what resumes, and the exit code is 130 or
    143. Later signals during that short cleanup are ignored, so it is never cut half-way."""
    received: list[int] = []

    async def guarded() -> int:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()

        def stop(signum: int) -> None:
            if not received:
                received.append(signum)
                task.cancel()

        installed = []
        for signum in EXIT_ON_SIGNAL:
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):  # not the main thread
                loop.add_signal_handler(signum, stop, signum)
                installed.append(signum)
        try:
            return await work
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)

    try:
        return asyncio.run(guarded())
    except Interrupted as stopped:
        tasks = f"{stopped.unfinished} task{'s' if stopped.unfinished != 1 else ''}"
        message = stopped.message or f"Interrupted: {tasks} will resume when you run the same command again."
    except (KeyboardInterrupt, asyncio.CancelledError):
        message = "Interrupted: run the same command again to resume."
    console.print(message, style="yellow", markup=False, highlight=False, soft_wrap=True)
    return EXIT_ON_SIGNAL.get(signal.Signals(received[0]) if received else signal.SIGINT, INTERRUPTED)


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
