"""Events the orchestrator emits to its subscribers (the panel, other tabs, tests)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dataflow.core.model import TaskState


class EventType(StrEnum):
    """"added", "changed" (status or any field), "progress" (progress only), "removed", and
    "warning" (no task: something the user should know, e.g. corrupt saved state)."""

    ADDED = "added"
    CHANGED = "changed"
    PROGRESS = "progress"
    REMOVED = "removed"
    WARNING = "warning"


ADDED, CHANGED, PROGRESS, REMOVED, WARNING = (EventType.ADDED, EventType.CHANGED, EventType.PROGRESS,
                                              EventType.REMOVED, EventType.WARNING)


@dataclass(frozen=True)
class TaskEvent:
    """One change. `task` is a snapshot taken when the event was emitted; do not mutate it."""

    type: EventType
    task_id: str | None = None
    task: TaskState | None = None
    message: str | None = None
