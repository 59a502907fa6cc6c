"""Whether a task made from another task's result (a document's pages to enrich) already exists, so that
pressing the row's derive button twice does not make (and pay for) the same work twice, and a name for
the new row that no other row has. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus

SOURCE_TASK = "source_task"  # the metadata key naming the task a derived task was made from
_GONE = (TaskStatus.FAILED, TaskStatus.CANCELLED)


def _options(task_input: Any) -> Any:
    return task_input.get("options") if isinstance(task_input, dict) else None


def existing_derivation(tasks: Iterable[TaskState], source_id: str, kind: str,
                        task_input: Any) -> TaskState | None:
    """The task of `kind` already made from task `source_id` with the same options as `task_input`
    (its "options"; the derived file's id differs each time), unless it failed or was cancelled:
    then a new one may be made. None when there is no such task."""
    wanted = _options(task_input)
    for task in tasks:
        if (task.kind == kind and task.metadata.get(SOURCE_TASK) == source_id and task.status not in _GONE
                and _options(task.input) == wanted):
            return task
    return None


def unique_name(name: str, tasks: Iterable[TaskState]) -> str:
    """`name`, or when a task among `tasks` already has it the first free "name (2)", "name (3)"…,
    so that every row made from a result can be told apart (the way file managers number copies)."""
    taken = {task.name for task in tasks}
    number = 2
    candidate = name
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate
