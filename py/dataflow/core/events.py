"""Events the orchestrator emits to its subscribers (the panel, other tabs, tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataflow.core.model import TaskState

# Event types: "added", "changed" (status or any field), "progress" (progress only),
# "removed", and "warning" (no task: something the user should know, e.g. corrupt saved state).
ADDED, CHANGED, PROGRESS, REMOVED, WARNING = "added", "changed", "progress", "removed", "warning"


@dataclass(frozen=True)
class TaskEvent:
    """One change. `task` is a snapshot taken when the event was emitted; do not mutate it."""

    type: str
    task_id: str | None = None
    task: TaskState | None = None
    message: str | None = None
