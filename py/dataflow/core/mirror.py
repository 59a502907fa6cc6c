"""A read-only view of the tasks another tab runs: it reads the same storage records and turns
each change (a `storage` event in the browser) into the TaskEvents the panel already understands.

A tab that does not hold the runner lock shows tasks through a mirror and never writes them, so
two tabs never run or overwrite the same task. Standard library only.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from dataflow.core import events
from dataflow.core.errors import CorruptRecordError
from dataflow.core.events import TaskEvent
from dataflow.core.model import TaskState
from dataflow.core.persistence import DEFAULT_PREFIX, decode
from dataflow.core.slices import SLICE_SECONDS, in_slices, turn
from dataflow.core.storage import Storage, entries

CLEARED = ""  # among the keys changed during a load: the whole storage was cleared


class TaskMirror:
    def __init__(self, storage: Storage, *, prefix: str = DEFAULT_PREFIX):
        self.storage, self.prefix = storage, prefix
        self.tasks: dict[str, TaskState] = {}
        self._changed: set[str] | None = None  # keys changed while a sliced load runs (None: none runs)

    def load(self) -> list[TaskState]:
        """Every readable task, oldest first (unreadable ones are the runner's to report)."""
        tasks: dict[str, TaskState] = {}
        for _key, value in entries(self.storage, self.prefix):
            _read_into(tasks, value)
        self.tasks = tasks
        return self._oldest_first()

    async def load_in_slices(self, *, budget: float = SLICE_SECONDS, now: Callable[[], float] = time.perf_counter,
                             pause: Callable[[], Awaitable[None]] = turn) -> list[TaskState]:
        """As `load`, decoding the records in slices that yield to the event loop (core/slices.py).
        Storage changes that arrive meanwhile (`apply`) are read again at the end, so the tasks
        returned are as stored when it returns."""
        tasks: dict[str, TaskState] = {}
        self._changed = set()
        try:
            await in_slices(entries(self.storage, self.prefix), lambda pair: _read_into(tasks, pair[1]),
                            budget=budget, now=now, pause=pause)
        finally:
            changed, self._changed = self._changed, None
        if CLEARED in changed:
            return self.load()
        self.tasks = tasks
        for key in sorted(changed):
            self.apply(key, self.storage.get(key))
        return self._oldest_first()

    def apply(self, key: str | None, value: str | None) -> list[TaskEvent]:
        """The events for one storage change; `key` None means the storage was cleared. During a
        sliced load the change is noted (and read again when the load ends) and no event is made."""
        if self._changed is not None:
            self._changed.add(CLEARED if key is None else key)
            return []
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
        task = _read_into(self.tasks, value)
        if task is None:
            return []
        return [TaskEvent(events.CHANGED if known else events.ADDED, task.id, task.snapshot())]

    def _oldest_first(self) -> list[TaskState]:
        return sorted(self.tasks.values(), key=lambda task: (task.created_at, task.id))


def _read_into(tasks: dict[str, TaskState], value: str) -> TaskState | None:
    try:
        task = decode(value)
    except CorruptRecordError:
        return None
    tasks[task.id] = task
    return task
