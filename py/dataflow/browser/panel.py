"""The TaskManager panel: one row per task, rendered from the orchestrator's events.

Browser ring. Rows are built once and then updated field by field: a progress tick touches that
row's bar, percentage and message only. The panel never reads task state back out of the DOM;
it renders snapshots from events and `list_tasks()`. Text goes in through textContent only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dataflow.browser.dom import el, on, set_attr, set_text, show
from dataflow.browser.row_view import ACTION_LABELS, row_view
from dataflow.core import events
from dataflow.core.events import TaskEvent
from dataflow.core.model import TaskState

ActionHandler = Callable[[str, str, dict], Any]  # (action, task id, extra such as a password)


@dataclass
class Row:
    node: Any
    badge: Any
    bar: Any
    fill: Any
    percent: Any
    message: Any
    elapsed: Any
    remaining: Any
    attempt: Any
    retry_in: Any
    error_box: Any
    error_text: Any
    error_details: Any
    password_form: Any
    password_input: Any
    buttons: dict[str, Any]
    task: TaskState
    samples: list[tuple[float, float]]


class Panel:
    def __init__(self, list_node: Any, *, now: Callable[[], float], on_action: ActionHandler,
                 hide_completed: bool = False, on_change: Callable[[], None] = lambda: None):
        self.list_node = list_node
        self.now = now
        self.on_action = on_action
        self.hide_completed = hide_completed
        self.on_change = on_change
        self.rows: dict[str, Row] = {}

    # Events --------------------------------------------------------------------------------

    def handle(self, event: TaskEvent) -> None:
        """Subscriber for the orchestrator (and for the mirror of another tab)."""
        if event.type == events.REMOVED:
            self.remove_row(event.task_id)
        elif event.type == events.PROGRESS and event.task_id in self.rows:
            self.progress(event.task)
        elif event.task is not None:
            self.render(event.task)

    async def render_all(self, tasks: list[TaskState], *, batch: int = 40) -> None:
        """Render many rows in batches, yielding to the browser in between: no long task."""
        for start in range(0, len(tasks), batch):
            for task in tasks[start:start + batch]:
                self.render(task)
            await asyncio.sleep(0)

    def render(self, task: TaskState) -> None:
        existing = self.rows.get(task.id)
        if existing is not None and existing.task == task:
            return  # nothing changed: no DOM work
        row = existing or self._create(task)
        previous = row.task
        row.task = task
        if task.status.value != "running" or previous.status.value != "running" or not row.samples:
            row.samples = [(self.now(), task.progress)] if task.status.value == "running" else []
        self._fill(row)
        self.on_change()

    def progress(self, task: TaskState) -> None:
        row = self.rows[task.id]
        row.task = task
        row.samples.append((self.now(), task.progress))
        if len(row.samples) > 2:
            row.samples[1:-1] = []  # keep the first and the latest: the rate over the whole run
        view = row_view(task, self.now(), row.samples)
        self._bar(row, view.progress, view.percent)
        set_text(row.message, view.message)
        set_text(row.remaining, view.remaining)

    def tick(self) -> None:
        """Once a second: elapsed time, time left and retry countdowns of active rows."""
        for row in self.rows.values():
            if not row.task.status.is_finished and row.task.status.value != "paused":
                view = row_view(row.task, self.now(), row.samples)
                set_text(row.elapsed, view.elapsed)
                set_text(row.remaining, view.remaining)
                set_text(row.retry_in, view.retry_in)

    def remove_row(self, task_id: str | None) -> None:
        row = self.rows.pop(task_id or "", None)
        if row is not None:
            row.node.remove()
            self.on_change()

    def set_hide_completed(self, hide: bool) -> None:
        self.hide_completed = hide
        for row in self.rows.values():
            show(row.node, not (hide and row.task.status.value == "completed"))
        self.on_change()

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows.values():
            counts[row.task.status.value] = counts.get(row.task.status.value, 0) + 1
        return counts

    # Building and filling rows -------------------------------------------------------------

    def _create(self, task: TaskState) -> Row:
        name = task.name
        fill = el("div", cls="bar-fill")
        bar = el("div", fill, cls="bar", role="progressbar", aria_valuemin="0", aria_valuemax="100",
                 aria_valuenow="0", aria_label=f"Progress of {name}")
        error_text = el("p", cls="error-message")
        error_details = el("pre", cls="error-details")
        error_box = el("div", error_text, el("details", el("summary", text="Details"), error_details),
                       cls="task-error", role="alert")
        password_input = el("input", type="password", autocomplete="off", aria_label=f"Password for {name}",
                            placeholder="PDF password")
        password_form = el("form", el("label", "Password ", password_input, cls="password-label"),
                           el("button", text="Unlock", type="submit", cls="btn primary"), cls="password-form")
        buttons = {action: el("button", text=label, type="button", cls=f"btn action-{action}",
                              aria_label=f"{label} {name}", data_action=action)
                   for action, label in ACTION_LABELS.items()}
        row = Row(
            node=None, badge=el("span", cls="badge"), bar=bar, fill=fill, percent=el("span", cls="percent"),
            message=el("span", cls="message"), elapsed=el("span", cls="elapsed"),
            remaining=el("span", cls="remaining"), attempt=el("span", cls="attempt"),
            retry_in=el("span", cls="retry-in"), error_box=error_box, error_text=error_text,
            error_details=error_details, password_form=password_form, password_input=password_input,
            buttons=buttons, task=task, samples=[],
        )
        row.node = el(
            "li",
            el("div",
               el("div", el("span", cls="task-name", text=name, title=name), row.badge, cls="task-title"),
               el("div", bar, row.percent, cls="task-progress"),
               el("div", row.message, row.elapsed, row.remaining, row.attempt, row.retry_in, cls="task-meta"),
               error_box, password_form, cls="task-main"),
            el("div", *buttons.values(), cls="task-actions"),
            cls="task", data_task_id=task.id, data_status=task.status.value,
        )
        for action, button in buttons.items():
            on(button, "click", lambda event, action=action, task_id=task.id: self.on_action(action, task_id, {}))
        on(password_form, "submit", lambda event, task_id=task.id: self._submit_password(event, task_id))
        self.rows[task.id] = row
        self.list_node.prepend(row.node)  # newest first
        return row

    def _submit_password(self, event: Any, task_id: str) -> None:
        event.preventDefault()
        row = self.rows.get(task_id)
        if row is None:
            return
        password = str(row.password_input.value)
        row.password_input.value = ""
        self.on_action("password", task_id, {"password": password})

    def _fill(self, row: Row) -> None:
        view = row_view(row.task, self.now(), row.samples)
        set_attr(row.node, "data-status", view.status)
        set_text(row.badge, view.label)
        set_attr(row.badge, "data-status", view.status)
        self._bar(row, view.progress, view.percent)
        for node, value in ((row.message, view.message), (row.elapsed, view.elapsed),
                            (row.remaining, view.remaining), (row.attempt, view.attempt),
                            (row.retry_in, view.retry_in), (row.error_text, view.error),
                            (row.error_details, view.error_details)):
            set_text(node, value)
        show(row.error_box, bool(view.error))
        show(row.password_form, view.needs_password)
        for action, button in row.buttons.items():
            show(button, action in view.actions)
        show(row.node, not (self.hide_completed and view.status == "completed"))

    @staticmethod
    def _bar(row: Row, progress: float, percent: str) -> None:
        set_attr(row.bar, "aria-valuenow", f"{progress:.0f}")
        row.fill.style.width = f"{progress:.1f}%"
        set_text(row.percent, percent)
