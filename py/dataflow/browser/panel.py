"""The TaskManager panel: one row per task, rendered from the orchestrator's events, as a virtual list.

Browser ring. Every task has a Row (its latest snapshot, counted by status as it changes), but only
the rows in view, and a few around them, have DOM nodes: static/rows.js puts a spacer above and
below them, sized for the rows left out, and calls back when the list scrolls. So 2,000 tasks in
history cost 2,000 small records, not 2,000 DOM rows, and no panel operation walks every row in the
DOM. Built rows are cloned from a template and then updated field by field: a progress tick touches
that row's bar, percentage and message only. The panel never reads task state back out of the DOM;
it renders snapshots from events and `list_tasks()`. Text goes in through textContent only.
"""

from __future__ import annotations

import asyncio
import bisect
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dataflow.browser.dom import on
from dataflow.browser.ffi import create_proxy, is_null, to_js
from dataflow.browser.row_view import PageAction, row_view
from dataflow.core.events import EventType, TaskEvent
from dataflow.core.kinds import KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.core.text import display_name

ActionHandler = Callable[[str, str, dict], Any]  # (action name, task id, extra such as a secret)
S = TaskStatus
SPARE_ROWS = 4  # built beyond each edge of the view, so a short scroll or Tab shows built rows
LEAST_ROWS = 12  # at least this many rows are built (before the first layout, the view's height is unknown)
BUILD_AT_ONCE = 8  # more new rows than this: the rows in view now, the spare ones at the next frame


@dataclass
class Row:
    parts: Any  # the JS object static/rows.js made (the row's elements), or None while out of view
    task: TaskState
    samples: list[tuple[float, float]]  # (time, progress) of the current run, for the time left

    @property
    def node(self) -> Any:
        return self.parts.node


class Panel:
    def __init__(self, list_node: Any, *, now: Callable[[], float], on_action: ActionHandler, rows: Any,
                 kinds: KindRegistry, hide_completed: bool = False, on_change: Callable[[], None] = lambda: None):
        self.list_node = list_node
        self.kinds = kinds
        self.js = rows  # static/rows.js: makeRow, fillRow, fillProgress, fillTimes, makeWindow, span, arrange, later
        self.now = now
        self.on_action = on_action
        self.hide_completed = hide_completed
        self.on_change = on_change
        self.rows: dict[str, Row] = {}  # every task, built or not
        self.built: dict[str, Row] = {}  # the rows with DOM nodes
        self._order: list[tuple[float, str]] = []  # (created_at, id) of every row, oldest first
        self._counts: Counter[TaskStatus] = Counter()
        self._shown: list[str] | None = None  # ids of the rows the list shows, newest first (None: recompute)
        self._arrange_due = False
        self._arrange_proxy = create_proxy(self.arrange)
        self.window = rows.makeWindow(list_node, self._arrange_proxy)
        on(list_node, "click", self._clicked)
        on(list_node, "submit", self._submitted)

    # Events --------------------------------------------------------------------------------

    def handle(self, event: TaskEvent) -> None:
        """Subscriber for the orchestrator (and for the mirror of another tab)."""
        if event.type is EventType.REMOVED:
            self.remove_row(event.task_id)
        elif event.type is EventType.PROGRESS and event.task_id in self.rows:
            self.progress(event.task)
        elif event.task is not None:
            self.render(event.task)

    async def render_all(self, tasks: list[TaskState]) -> None:
        """Take many tasks at once (oldest first): records only, then the rows in view are built."""
        fresh = [task for task in tasks if task.id not in self.rows]
        for task in tasks:
            if task.id in self.rows:
                self.render(task, notify=False, arrange=False)
        now = self.now()  # thousands of new records: made, counted and ordered in bulk
        self.rows.update((task.id, Row(parts=None, task=task, samples=[(now, task.progress)]
                                       if task.status is S.RUNNING else [])) for task in fresh)
        self._counts.update(task.status for task in fresh)
        self._order = sorted(self._order + [(task.created_at, task.id) for task in fresh])
        self._shown = None
        await asyncio.sleep(0)  # the rows in view are built, and laid out, in a task of their own
        self.arrange()
        await asyncio.sleep(0)
        self.on_change()  # once, not once per row

    def render(self, task: TaskState, *, notify: bool = True, arrange: bool = True) -> None:
        existing = self.rows.get(task.id)
        if existing is not None and existing.task == task:
            return  # nothing changed: no DOM work
        row = existing or self._add(task)
        previous = row.task
        row.task = task
        if existing is not None:
            self._counts[previous.status] -= 1
            self._counts[task.status] += 1
            if self._hidden(previous) != self._hidden(task):
                self._reshape()
        if task.status is not S.RUNNING or previous.status is not S.RUNNING or not row.samples:
            row.samples = [(self.now(), task.progress)] if task.status is S.RUNNING else []
        if row.parts is not None:
            self._fill(row)
        if arrange and existing is None:
            self.arrange()  # a new task's row is in the list at once, from its first status on
        elif arrange and self._shown is None:
            self._arrange_soon()
        if notify:
            self.on_change()

    def progress(self, task: TaskState) -> None:
        row = self.rows[task.id]
        row.task = task
        row.samples.append((self.now(), task.progress))
        if len(row.samples) > 2:
            row.samples[1:-1] = []  # keep the first and the latest: the rate over the whole run
        if row.parts is not None:
            view = row_view(task, self.now(), row.samples, self.kinds.get(task.kind))
            self.js.fillProgress(row.parts, view.progress, view.percent, view.message, view.remaining)

    def tick(self) -> None:
        """Once a second: elapsed time, time left and retry countdowns of the active rows in view (and
        of a failed row whose retry waits for a time: see row_view's `retry_in`)."""
        for row in self.built.values():
            active = not row.task.status.is_finished and row.task.status is not S.PAUSED
            if active or (row.task.status is S.FAILED and row.task.next_attempt_at is not None):
                view = row_view(row.task, self.now(), row.samples, self.kinds.get(row.task.kind))
                self.js.fillTimes(row.parts, view.elapsed, view.remaining, view.retry_in)

    def remove_row(self, task_id: str | None) -> None:
        row = self.rows.pop(task_id or "", None)
        if row is None:
            return
        self._counts[row.task.status] -= 1
        index = bisect.bisect_left(self._order, (row.task.created_at, row.task.id))
        if index < len(self._order) and self._order[index][1] == row.task.id:
            del self._order[index]
        if self.built.pop(row.task.id, None) is not None:
            row.node.remove()
            row.parts = None
        self._reshape()
        self.on_change()

    def set_hide_completed(self, hide: bool) -> None:
        self.hide_completed = hide
        self._reshape()
        self.arrange()
        self.on_change()

    def counts(self) -> dict[TaskStatus, int]:
        """Tasks by status, kept as rows change (no walk over the rows)."""
        return {status: count for status, count in self._counts.items() if count}

    # The virtual list ----------------------------------------------------------------------

    def shown(self) -> list[str]:
        """Ids of the rows the list shows (all but hidden completed ones), newest first."""
        if self._shown is None:
            self._shown = [task_id for _, task_id in reversed(self._order) if not self._hidden(self.rows[task_id].task)]
        return self._shown

    def arrange(self, *args: Any) -> None:
        """Build the rows in view (and SPARE_ROWS around them), drop the others' nodes, size the spacers."""
        self._arrange_due = False
        shown = self.shown()
        first, count, view_first, view_count = (int(n) for n in self.js.span(self.window, len(shown), SPARE_ROWS,
                                                                                LEAST_ROWS))
        wanted, in_view = shown[first:first + count], shown[view_first:view_first + view_count]
        if self._unbuilt(wanted) > BUILD_AT_ONCE and self._unbuilt(in_view):  # a jump: no long task
            first, wanted = view_first, in_view
            self.js.later(self._arrange_proxy)
        keep = set(wanted)
        dropped = [self.built.pop(task_id) for task_id in [t for t in self.built if t not in keep]]
        gone = [row.parts.node for row in dropped]
        for row in dropped:
            row.parts = None
        for task_id in wanted:
            row = self.rows[task_id]
            if row.parts is None:
                row.parts = self.js.makeRow(task_id, display_name(row.task.name))
                self.built[task_id] = row
                self._fill(row)
        self.js.arrange(self.window, to_js([self.rows[t].parts for t in wanted]), to_js(gone), first,
                        len(shown) - first - len(wanted))

    def _unbuilt(self, ids: list[str]) -> int:
        return sum(1 for task_id in ids if self.rows[task_id].parts is None)

    def _arrange_soon(self) -> None:
        """One arrange after a burst of changes (Clear finished removes hundreds of rows at once)."""
        if not self._arrange_due:
            self._arrange_due = True
            asyncio.get_event_loop().call_soon(self.arrange)

    def _reshape(self) -> None:
        self._shown = None
        self._arrange_soon()

    def _hidden(self, task: TaskState) -> bool:
        return self.hide_completed and task.status is S.COMPLETED

    def _add(self, task: TaskState) -> Row:
        row = Row(parts=None, task=task, samples=[])
        self.rows[task.id] = row
        self._counts[task.status] += 1
        bisect.insort(self._order, (task.created_at, task.id))
        self._shown = None
        return row

    # Building and filling rows -------------------------------------------------------------

    def _clicked(self, event: Any) -> None:
        """One listener for every row's buttons (event delegation): no proxy per button."""
        button = event.target.closest("button[data-action]")
        row = None if is_null(button) else button.closest("li.task")
        if not is_null(row):
            index = button.getAttribute("data-index")  # which result file a download is (absent: the main one)
            self.on_action(str(button.dataset.action), str(row.dataset.taskId),
                           {} if is_null(index) else {"index": str(index)})

    def _submitted(self, event: Any) -> None:
        row = event.target.closest("li.task")
        if not is_null(row):
            self._submit_secret(event, str(row.dataset.taskId))

    def _submit_secret(self, event: Any, task_id: str) -> None:
        event.preventDefault()
        row = self.rows.get(task_id)
        if row is None or row.parts is None:
            return
        secret = str(row.parts.secretInput.value)
        row.parts.secretInput.value = ""  # the secret is not left in the page
        self.on_action(PageAction.UNLOCK, task_id, {"secret": secret})

    def _fill(self, row: Row) -> None:
        """The whole row in one call into JS (one crossing instead of dozens)."""
        offers = self.kinds.derivations(row.task)
        view = row_view(row.task, self.now(), row.samples, self.kinds.get(row.task.kind),
                        derive=offers[0].offer(row.task) if offers else "")
        data = dict(vars(view))  # shallow: dataclasses.asdict deep-copies, a cost per row built
        data["actions"] = list(view.actions)
        data["downloads"] = list(view.downloads)
        data["hidden"] = False  # hidden rows are not built (see shown())
        self.js.fillRow(row.parts, to_js(data))
