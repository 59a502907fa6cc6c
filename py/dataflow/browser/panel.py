"""The TaskManager panel: one row per task, rendered from the orchestrator's events.

Browser ring. Rows are cloned from a template (static/rows.js) and then updated field by field: a
progress tick touches that row's bar, percentage and message only. The panel never reads task state back out of the DOM;
it renders snapshots from events and `list_tasks()`. Text goes in through textContent only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from dataflow.browser.dom import on, show
from dataflow.browser.ffi import is_null, to_js
from dataflow.browser.row_view import PageAction, row_view
from dataflow.core.events import EventType, TaskEvent
from dataflow.core.kinds import KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus

ActionHandler = Callable[[str, str, dict], Any]  # (action name, task id, extra such as a secret)
S = TaskStatus


@dataclass
class Row:
    parts: Any  # the JS object static/rows.js made: the row's elements
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
        self.js = rows  # static/rows.js: makeRow, fillRow, fillProgress, fillTimes
        self.now = now
        self.on_action = on_action
        self.hide_completed = hide_completed
        self.on_change = on_change
        self.rows: dict[str, Row] = {}
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

    async def render_all(self, tasks: list[TaskState], *, batch: int = 40) -> None:
        """Render many rows in batches, yielding to the browser in between: no long task."""
        for start in range(0, len(tasks), batch):
            for task in tasks[start:start + batch]:
                self.render(task, notify=False)
            await asyncio.sleep(0)
        self.on_change()  # once, not once per row: the summary counts every row

    def render(self, task: TaskState, *, notify: bool = True) -> None:
        existing = self.rows.get(task.id)
        if existing is not None and existing.task == task:
            return  # nothing changed: no DOM work
        row = existing or self._create(task)
        previous = row.task
        row.task = task
        if task.status is not S.RUNNING or previous.status is not S.RUNNING or not row.samples:
            row.samples = [(self.now(), task.progress)] if task.status is S.RUNNING else []
        self._fill(row)
        if notify:
            self.on_change()

    def progress(self, task: TaskState) -> None:
        row = self.rows[task.id]
        row.task = task
        row.samples.append((self.now(), task.progress))
        if len(row.samples) > 2:
            row.samples[1:-1] = []  # keep the first and the latest: the rate over the whole run
        view = row_view(task, self.now(), row.samples, self.kinds.get(task.kind))
        self.js.fillProgress(row.parts, view.progress, view.percent, view.message, view.remaining)

    def tick(self) -> None:
        """Once a second: elapsed time, time left and retry countdowns of active rows."""
        for row in self.rows.values():
            if not row.task.status.is_finished and row.task.status is not S.PAUSED:
                view = row_view(row.task, self.now(), row.samples, self.kinds.get(row.task.kind))
                self.js.fillTimes(row.parts, view.elapsed, view.remaining, view.retry_in)

    def remove_row(self, task_id: str | None) -> None:
        row = self.rows.pop(task_id or "", None)
        if row is not None:
            row.node.remove()
            self.on_change()

    def set_hide_completed(self, hide: bool) -> None:
        self.hide_completed = hide
        for row in self.rows.values():
            show(row.node, not (hide and row.task.status is S.COMPLETED))
        self.on_change()

    def counts(self) -> dict[TaskStatus, int]:
        counts: dict[TaskStatus, int] = {}
        for row in self.rows.values():
            counts[row.task.status] = counts.get(row.task.status, 0) + 1
        return counts

    # Building and filling rows -------------------------------------------------------------

    def _create(self, task: TaskState) -> Row:
        row = Row(parts=self.js.makeRow(task.id, task.name), task=task, samples=[])
        self.rows[task.id] = row
        self.list_node.prepend(row.node)  # newest first
        return row

    def _clicked(self, event: Any) -> None:
        """One listener for every row's buttons (event delegation): no proxy per button."""
        button = event.target.closest("button[data-action]")
        row = None if is_null(button) else button.closest("li.task")
        if not is_null(row):
            self.on_action(str(button.dataset.action), str(row.dataset.taskId), {})

    def _submitted(self, event: Any) -> None:
        row = event.target.closest("li.task")
        if not is_null(row):
            self._submit_secret(event, str(row.dataset.taskId))

    def _submit_secret(self, event: Any, task_id: str) -> None:
        event.preventDefault()
        row = self.rows.get(task_id)
        if row is None:
            return
        secret = str(row.parts.secretInput.value)
        row.parts.secretInput.value = ""  # the secret is not left in the page
        self.on_action(PageAction.UNLOCK, task_id, {"secret": secret})

    def _fill(self, row: Row) -> None:
        """The whole row in one call into JS (one crossing instead of dozens)."""
        offers = self.kinds.derivations(row.task)
        view = row_view(row.task, self.now(), row.samples, self.kinds.get(row.task.kind),
                        derive=offers[0].derivation.label if offers and offers[0].derivation else "")
        data = asdict(view)
        data["actions"] = list(view.actions)
        data["hidden"] = self.hide_completed and row.task.status is S.COMPLETED
        self.js.fillRow(row.parts, to_js(data))
