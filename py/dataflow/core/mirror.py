"""A read-only view of the tasks another tab runs: it reads the same storage records and turns
each change (a `storage` event in the browser) into the TaskEvents the panel already understands.

A tab that does not hold the runner lock shows tasks through a mirror and never writes them, so
two tabs never run or overwrite the same task. Standard library only.
"""

from __future__ import annotations

from dataflow.core import events
from dataflow.core.errors import CorruptRecordError
from dataflow.core.events import TaskEvent
from dataflow.core.model import TaskState
from dataflow.core.persistence import DEFAULT_PREFIX, decode
from dataflow.core.storage import Storage


class TaskMirror:
    def __init__(self, storage: Storage, *, prefix: str = DEFAULT_PREFIX):
        self.storage, self.prefix = storage, prefix
        self.tasks: dict[str, TaskState] = {}

    def load(self) -> list[TaskState]:
        """Every readable task, oldest first (unreadable ones are the runner's to report)."""
        self.tasks = {}
        for key in sorted(self.storage.keys()):
            if key.startswith(self.prefix):
                self._read(key, self.storage.get(key))
        return sorted(self.tasks.values(), key=lambda task: (task.created_at, task.id))

    def apply(self, key: str | None, value: str | None) -> list[TaskEvent]:
        """The events for one storage change; `key` None means the storage was cleared."""
        if key is None:
            removed = [TaskEvent(events.REMOVED, task.id, task) for task in self.tasks.values()]
            self.tasks = {}
            return removed
        if not key.startswith(self.prefix):
            return []
        task_id = key[len(self.prefix):]
        if value is None:
            task = self.tasks.pop(task_id, None)
            return [TaskEvent(events.REMOVED, task_id, task)] if task else []
        known = task_id in self.tasks
        task = self._read(key, value)
        if task is None:
            return []
        return [TaskEvent(events.CHANGED if known else events.ADDED, task.id, task.snapshot())]

    def _read(self, key: str, value: str | None) -> TaskState | None:
        if value is None:
            return None
        try:
            task = decode(value)
        except CorruptRecordError:
            return None
        self.tasks[task.id] = task
        return task
