"""What a person sees in the terminal: a progress bar per running file and one for the batch,
then a summary table (completed, failed with their messages, time). Rendering only: it follows
the orchestrator's events and task snapshots, and never changes a task. Native ring (rich).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Set
from pathlib import Path, PurePath

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from dataflow.core import TaskState, TaskStatus
from dataflow.core.events import TaskEvent
from dataflow.core.runs import FILE_GONE
from dataflow.core.text import display_name
from dataflow.native.batch import input_gone, input_path, output_names

SHORT_ID = 8
SUMMARY_ROWS = 50  # a batch of thousands ends with its failures and a count, not a page per file
PATH_MIN_WIDTH = 16  # a path cell may be narrowed to this; a longer part is cut in its middle
ELLIPSIS = "…"
AFTER_SEPARATOR = re.compile(r"(?<=[/\\])")


class PathCell:
    """Paths for a table cell (rich renderable), one per line: whole when it fits, else broken after
    its folder separators, and a part still too long for the column cut in the middle with an
    ellipsis (its start and its end stay: the folder and the extension). Never broken mid-word, as
    rich's `fold` would."""

    def __init__(self, paths: Iterable[str], style: str = ""):
        self.paths = [str(path) for path in paths]
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((cell_len(path) for path in self.paths), default=0)
        part = max((cell_len(piece) for path in self.paths for piece in path_parts(path)), default=0)
        return Measurement(min(part, PATH_MIN_WIDTH, widest), widest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        lines = [line for path in self.paths for line in wrap_path(path, width)]
        yield Text("\n".join(lines), style=self.style, no_wrap=True, overflow="ignore")


def path_parts(path: str) -> list[str]:
    """`/data/in/report.pdf` -> ["/", "data/", "in/", "report.pdf"]: each part keeps its separator."""
    return [part for part in AFTER_SEPARATOR.split(path) if part]


def wrap_path(path: str, width: int) -> list[str]:
    """Lines of at most `width` cells: parts packed while they fit; a part wider than a line is cut
    in the middle (see middle_ellipsis)."""
    lines: list[str] = []
    current = ""
    for part in path_parts(path):
        if cell_len(current + part) <= width:
            current += part
            continue
        if current:
            lines.append(current)
        current = part if cell_len(part) <= width else middle_ellipsis(part, width)
    return lines + [current] if current or not lines else lines


def middle_ellipsis(text: str, width: int) -> str:
    """`text` in `width` cells: its start, "…", its end (the end gets the odd cell)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head, tail = text[: (width - 1) // 2], text[len(text) - (width - 1 - (width - 1) // 2):]
    while cell_len(head + ELLIPSIS + tail) > width and (head or tail):  # wide characters take two cells
        head, tail = (head[:-1], tail) if cell_len(head) >= cell_len(tail) else (head, tail[1:])
    return head + ELLIPSIS + tail


def print_command(console: Console, command: str, *, style: str = "") -> None:
    """A command line for a person to copy, on its own line and never broken by the console: a
    narrow terminal wraps it on screen, but a copy gives the one line (rich's soft wrap)."""
    console.print(command, style=style, markup=False, highlight=False, soft_wrap=True)


BAR_NAME_WIDTH = 28  # a longer name is cut in its middle, so that 80 columns keep the bar and the time
STARTING = "starting"  # a running task's note before its first progress message (a large file opening)


class ProgressDisplay:
    """Bars for the tasks in `task_ids`: one per running task, one for all of them."""

    def __init__(self, console: Console, tasks: Iterable[TaskState], *, title: str = "All files"):
        self.progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TaskProgressColumn(),
                                 TextColumn("{task.fields[note]}", markup=False), TimeElapsedColumn(),
                                 console=console)
        tasks = list(tasks)
        self.percent = {task.id: _done_share(task) for task in tasks}
        self.overall = self.progress.add_task(title, total=100.0 * max(1, len(self.percent)), note="")
        self.bars: dict[str, TaskID] = {}
        for task in tasks:  # a task that began before the display (its "running" event is past) gets its bar now
            if task.status is TaskStatus.RUNNING:
                self._show(task)
        self._refresh_overall()

    def __enter__(self) -> ProgressDisplay:
        self.progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.progress.stop()

    def track(self, task: TaskState) -> None:
        self.percent.setdefault(task.id, _done_share(task))
        self.progress.update(self.overall, total=100.0 * len(self.percent))

    def handle(self, event: TaskEvent) -> None:
        task = event.task
        if task is None or task.id not in self.percent:
            return
        self.percent[task.id] = _done_share(task)
        if task.status is TaskStatus.RUNNING:
            self._show(task)
        elif task.id in self.bars:
            self.progress.remove_task(self.bars.pop(task.id))
        self._refresh_overall()

    def _show(self, task: TaskState) -> None:
        """The running task's bar (added the first time), at its progress, with its message."""
        bar = self.bars.get(task.id)
        if bar is None:
            bar = self.bars[task.id] = self.progress.add_task(middle_ellipsis(task.name, BAR_NAME_WIDTH),
                                                              total=100.0, note="")
        self.progress.update(bar, completed=task.progress, note=task.progress_message or STARTING)

    def _refresh_overall(self) -> None:
        finished = sum(1 for value in self.percent.values() if value >= 100.0)
        self.progress.update(self.overall, completed=sum(self.percent.values()),
                             note=f"{finished} of {len(self.percent)} finished")


def _done_share(task: TaskState) -> float:
    return 100.0 if task.status.is_finished else task.progress


def duration(task: TaskState, *, since: float | None = None) -> float | None:
    """Seconds the task's attempts ran (interrupted runs included, waits for a worker left out), or
    None if none ran. `since` (the clock's time a run began) counts only the attempts that run
    started: a resumed file's time in that run, not the sum of every run's."""
    spans = [a.ran(a.ended_at) for a in task.attempts
             if a.ended_at is not None and (since is None or a.started_at >= since)]
    return sum(spans) if spans else None


# Column rules of both tables, so that 80 columns break no word: ids and times stay whole; a status
# wraps at its spaces in a column of STATUS_WIDTH at most; a path breaks at its separators
# (PathCell); the message column wraps at spaces and takes the rest (a word wider than it, which
# only a very narrow terminal gives, is folded).
MESSAGE, STATUS, TIME = "Output or message", "Status", "Time (s)"
WHOLE = ("Task", TIME)
STATUS_WIDTH = 13  # "input missing"; "interrupted at 8 %" takes two lines


def table_of(title: str, columns: tuple[str, ...]) -> Table:
    """A table with the column rules above (columns by name: Task, File, Status, Output or message,
    Time (s))."""
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column == TIME else "left", no_wrap=column in WHOLE,
                         overflow="fold", max_width=STATUS_WIDTH if column == STATUS else None)
    return table


def summary_table(tasks: list[TaskState], *, out_dir: Path, earlier: Set[str] = frozenset(),
                  limit: int = SUMMARY_ROWS, since: float | None = None) -> Table:
    """One row per task: file (its path from the common folder of the inputs), status (a running
    task's percent beside it), output file or error message (a running task's last progress
    message), time. `since`: the clock's time this run began, so a resumed file's time is this
    run's (a file in `earlier`, finished before it, keeps its own). Beyond `limit` rows, every task
    that did not complete is still listed; the completed ones are counted in a last row."""
    table = table_of("Summary", ("File", STATUS, MESSAGE, TIME))
    room = max(0, limit - sum(1 for task in tasks if task.status is not TaskStatus.COMPLETED))
    shown = []
    for task in tasks:
        if task.status is not TaskStatus.COMPLETED:
            shown.append(task)
        elif room > 0:
            shown.append(task)
            room -= 1
    names = display_names(tasks)
    for task in sorted(shown, key=_path_of):
        status = fitted(status_text(task)) + (" (earlier)" if task.id in earlier else "")
        seconds = duration(task, since=None if task.id in earlier else since)
        table.add_row(PathCell([names[task.id]]), Text(status, style=_style(task.status)), _outcome_cell(task, out_dir),
                      "" if seconds is None else f"{seconds:.2f}")
    if len(shown) < len(tasks):
        table.add_row("…", "", f"{len(tasks) - len(shown)} more completed, in {out_dir}", "")
    return table


WARNINGS_SHOWN = 3  # of one task's warnings; the rest are in its report (metadata.json, report.json)


def task_warnings(tasks: Iterable[TaskState]) -> list[str]:
    """A line for each warning of the completed `tasks`' results (a damaged PDF recovered, records
    skipped), "<input path>: <warning>", at most WARNINGS_SHOWN a task and then how many more: what
    the page's row says beside its result."""
    lines = []
    for task in tasks:
        result = task.result if task.status is TaskStatus.COMPLETED and isinstance(task.result, dict) else {}
        warnings = [str(warning) for warning in result.get("warnings") or []]
        path = input_path(task.input) or task.name
        lines += [f"{path}: {warning}" for warning in warnings[:WARNINGS_SHOWN]]
        if len(warnings) > WARNINGS_SHOWN:
            lines.append(f"{path}: and {len(warnings) - WARNINGS_SHOWN} more warnings in its report.")
    return lines


INTERRUPTED = "interrupted"
INPUT_MISSING = "input missing"
GONE_ADVICE = ("is gone. Its saved parts are kept: put it back there and run the same command again (or `dataflow "
               "retry`) to go on; a `dataflow run` without it drops its task and parts.")


def shown_status(task: TaskState, *, live: bool = True) -> str:
    """The status as a person should read it: an unfinished task whose file is gone has its "input
    missing"; a "running" record that no process runs (`live` False: nobody holds the state lock)
    was interrupted, and resumes on the next run."""
    if input_gone(task):
        return INPUT_MISSING
    return INTERRUPTED if not live and task.status is TaskStatus.RUNNING else task.status.value


def fitted(status: str) -> str:
    """A status for its column: "running at 1 %" wider than STATUS_WIDTH breaks before "at", never
    between the number and "%"."""
    return status.replace(" at ", "\nat ", 1) if cell_len(status) > STATUS_WIDTH else status


def status_text(task: TaskState, *, live: bool = True) -> str:
    """shown_status, with how far an unfinished task got: "running at 30 %", "interrupted at 8 %"."""
    status = shown_status(task, live=live)
    if task.status.is_finished or task.progress <= 0:
        return status
    return f"{status} at {task.progress:.0f} %"


def counts_line(tasks: list[TaskState], seconds: float, *, live: bool = True) -> str:
    counts: dict[str, int] = {}
    for task in tasks:
        status = shown_status(task, live=live)
        counts[status] = counts.get(status, 0) + 1
    parts = [f"{count} {status}" for status, count in sorted(counts.items())]
    return f"{', '.join(parts) or 'no tasks'} in {seconds:.1f} s"


def status_table(tasks: list[TaskState], *, out_dir: Path, live: bool = True) -> Table:
    """The state directory's tasks, oldest first: short id, file (as in summary_table), status (an
    unfinished task's percent beside it, then its try: "try 2 of 4"), outcome. `live`: whether a
    process works on them now (if not, "running" shows as "interrupted at N %")."""
    table = table_of(f"Tasks in {out_dir}", ("Task", "File", STATUS, MESSAGE))
    names = display_names(tasks)
    for task in tasks:
        outcome: Text | PathCell = _outcome_cell(task, out_dir)
        if shown_status(task, live=live) == INTERRUPTED:
            resumes = "(resumes when the same `dataflow run` command runs again)"
            outcome = Text(f"{_outcome(task, out_dir)} {resumes}".lstrip())
        status = f"{fitted(status_text(task, live=live))}\ntry {task.attempt} of {task.max_attempts}"
        table.add_row(task.id[:SHORT_ID], PathCell([names[task.id]]), Text(status, style=_style(task.status)), outcome)
    return table


def _path_of(task: TaskState) -> tuple[str, str]:
    path = task.input.get("path") if isinstance(task.input, dict) else None
    return (str(path or task.name), task.id)


def display_names(tasks: list[TaskState]) -> dict[str, str]:
    """Each task's file as its path from the folder that holds all the tasks' files (`a/data.json`,
    `b/data.json`; one folder's files: their names), by task id. A task whose input names no path
    (an old record), or paths with no common folder (other drives), keep the file's name. Bidi
    controls are written out (core.text.display_name): a terminal may reorder text too."""
    names = {task.id: task.name for task in tasks}
    paths = {task.id: PurePath(path) for task in tasks if (path := input_path(task.input))}
    try:
        parent = PurePath(os.path.commonpath([str(path.parent) for path in paths.values()])) if paths else None
        names.update({task_id: str(path.relative_to(parent)) for task_id, path in paths.items() if parent})
    except ValueError:  # relative and absolute paths mixed, or no common drive
        pass
    return {task_id: display_name(name) for task_id, name in names.items()}


def _outcome_cell(task: TaskState, out_dir: Path) -> Text | PathCell:
    """A completed task's output files as paths (see PathCell); else its message as wrapped text."""
    if task.status is TaskStatus.COMPLETED:
        return PathCell(_outputs(task, out_dir))
    return Text(_outcome(task, out_dir))


def _outputs(task: TaskState, out_dir: Path) -> list[str]:
    names = output_names(task) or [str((task.result or {}).get("filename", ""))]
    return [str(out_dir / name) for name in names]


def _outcome(task: TaskState, out_dir: Path) -> str:
    if task.status is TaskStatus.COMPLETED:
        return ", ".join(_outputs(task, out_dir))
    if input_gone(task) or (task.error is not None and task.error.message == FILE_GONE
                            and _path_of(task)[0] != task.name):
        return f"{_path_of(task)[0]} {GONE_ADVICE}"
    if task.error is not None:
        return f"{task.error.type}: {task.error.message}"
    return task.progress_message or ""


def _style(status: TaskStatus) -> str:
    return {TaskStatus.COMPLETED: "green", TaskStatus.FAILED: "red", TaskStatus.CANCELLED: "yellow"}.get(status, "")
