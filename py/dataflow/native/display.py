"""What a person sees in the terminal: a progress bar per running file and one for the batch,
then a summary table (completed, failed with their messages, time). Rendering only: it follows
the orchestrator's events and task snapshots, and never changes a task. Native ring (rich).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.measure import Measurement
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from dataflow.core import TaskState, TaskStatus
from dataflow.core.events import TaskEvent
from dataflow.core.runs import FILE_GONE
from dataflow.native.batch import input_gone, output_names

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


class ProgressDisplay:
    """Bars for the tasks in `task_ids`: one per running task, one for all of them."""

    def __init__(self, console: Console, tasks: Iterable[TaskState], *, title: str = "All files"):
        self.progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(), TaskProgressColumn(),
                                 TextColumn("{task.fields[note]}", markup=False), TimeElapsedColumn(),
                                 console=console)
        self.percent = {task.id: _done_share(task) for task in tasks}
        self.overall = self.progress.add_task(title, total=100.0 * max(1, len(self.percent)), note="")
        self.bars: dict[str, TaskID] = {}
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
            bar = self.bars.get(task.id)
            if bar is None:
                bar = self.bars[task.id] = self.progress.add_task(task.name, total=100.0, note="")
            self.progress.update(bar, completed=task.progress, note=task.progress_message or "")
        elif task.id in self.bars:
            self.progress.remove_task(self.bars.pop(task.id))
        self._refresh_overall()

    def _refresh_overall(self) -> None:
        finished = sum(1 for value in self.percent.values() if value >= 100.0)
        self.progress.update(self.overall, completed=sum(self.percent.values()),
                             note=f"{finished} of {len(self.percent)} finished")


def _done_share(task: TaskState) -> float:
    return 100.0 if task.status.is_finished else task.progress


def duration(task: TaskState) -> float | None:
    """Seconds the task's attempts ran (interrupted runs included), or None if it never ran."""
    spans = [a.ended_at - a.started_at for a in task.attempts if a.ended_at is not None]
    return sum(spans) if spans else None


def summary_table(tasks: list[TaskState], *, out_dir: Path, earlier: Set[str] = frozenset(),
                  limit: int = SUMMARY_ROWS) -> Table:
    """One row per task: file, status, output file or error message, time. Beyond `limit` rows,
    every task that did not complete is still listed; the completed ones are counted in a last row."""
    table = Table(title="Summary", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("File", "left"), ("Status", "left"), ("Output or message", "left"), ("Time (s)", "right"))
    for column, justify in columns:
        table.add_column(column, justify=justify, overflow="fold")
    room = max(0, limit - sum(1 for task in tasks if task.status is not TaskStatus.COMPLETED))
    shown = []
    for task in tasks:
        if task.status is not TaskStatus.COMPLETED:
            shown.append(task)
        elif room > 0:
            shown.append(task)
            room -= 1
    names = display_names(shown)
    for task in sorted(shown, key=_path_of):
        status = shown_status(task) + (" (earlier)" if task.id in earlier else "")
        seconds = duration(task)
        table.add_row(PathCell([names[task.id]]), Text(status, style=_style(task.status)), _outcome_cell(task, out_dir),
                      "" if seconds is None else f"{seconds:.2f}")
    if len(shown) < len(tasks):
        table.add_row("…", f"{len(tasks) - len(shown)} more completed", f"in {out_dir}", "")
    return table


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


def counts_line(tasks: list[TaskState], seconds: float, *, live: bool = True) -> str:
    counts: dict[str, int] = {}
    for task in tasks:
        status = shown_status(task, live=live)
        counts[status] = counts.get(status, 0) + 1
    parts = [f"{count} {status}" for status, count in sorted(counts.items())]
    return f"{', '.join(parts) or 'no tasks'} in {seconds:.1f} s"


def status_table(tasks: list[TaskState], *, out_dir: Path, live: bool = True) -> Table:
    """The state directory's tasks, oldest first: short id, file, status, progress, attempt, outcome.
    `live`: whether a process works on them now (if not, "running" shows as "interrupted")."""
    table = Table(title=f"Tasks in {out_dir}", title_justify="left")
    for column in ("Task", "File", "Status", "Progress", "Attempt", "Output or message"):
        table.add_column(column, overflow="fold")
    for task in tasks:
        status = shown_status(task, live=live)
        outcome: Text | PathCell = _outcome_cell(task, out_dir)
        if status == INTERRUPTED:
            resumes = "(resumes when the same `dataflow run` command runs again)"
            outcome = Text(f"{_outcome(task, out_dir)} {resumes}".lstrip())
        table.add_row(task.id[:SHORT_ID], PathCell([task.name]), Text(status, style=_style(task.status)),
                      f"{task.progress:.0f} %", f"{task.attempt} of {task.max_attempts}", outcome)
    return table


def _path_of(task: TaskState) -> tuple[str, str]:
    path = task.input.get("path") if isinstance(task.input, dict) else None
    return (str(path or task.name), task.id)


def display_names(tasks: list[TaskState]) -> dict[str, str]:
    """Each task's file name, with as many of its folders as tell it from another file of the same
    name (`a/report.pdf`, `b/report.pdf`); by task id."""
    parts = {task.id: Path(_path_of(task)[0]).parts or (task.name,) for task in tasks}
    names = {task.id: task.name for task in tasks}
    for depth in range(2, 1 + max((len(p) for p in parts.values()), default=1)):
        counts: dict[str, int] = {}
        for name in names.values():
            counts[name] = counts.get(name, 0) + 1
        clashing = [task_id for task_id, name in names.items() if counts[name] > 1]
        if not clashing:
            break
        for task_id in clashing:
            names[task_id] = str(Path(*parts[task_id][-depth:]))
    return names


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
