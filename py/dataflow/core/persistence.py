"""Saving and loading tasks: one storage key per task, each record carrying its schema version.

One key per task (rather than one key for all) keeps a progress write small (one record, not
the whole history), lets two tabs write different tasks without overwriting each other, and
confines a corrupt record or a full quota to one task.

Loading never fails: an unreadable record is moved to a backup key and reported as a warning,
readable tasks are kept. Saving is coalesced: status changes are written at once, progress
ticks at most once per `min_interval` seconds. Standard library only.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from dataflow.core.clock import Clock
from dataflow.core.errors import CorruptRecordError, StorageFullError
from dataflow.core.model import TaskState
from dataflow.core.slices import SLICE_SECONDS, in_slices, turn
from dataflow.core.storage import Storage, entries

SCHEMA_VERSION = 1
DEFAULT_PREFIX = "dataflow.task."
BACKUP_PREFIX = "dataflow.backup."
LEGACY_KEY = "dataflow-tasks"  # schema 0: every task in one key, as a list or an id -> task map


@dataclass
class LoadResult:
    tasks: list[TaskState] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class NewerRecordError(CorruptRecordError):
    """The record was written by a newer version: leave it untouched."""


def encode(task: TaskState) -> str:
    return json.dumps({"schema": SCHEMA_VERSION, "task": task.to_dict()}, separators=(",", ":"),
                      allow_nan=False)


DECODED_KEPT = 4096  # records remembered by decode(): the app keeps 2,000 finished tasks and a few live ones
_decoded: dict[str, TaskState] = {}


def decode(raw: str) -> TaskState:
    """Read one stored record; raise CorruptRecordError (NewerRecordError) when it cannot be used.

    A record read before is not parsed again: at start-up the panel's mirror, the orchestrator's
    store and the blob janitor each read every saved task, and thousands of them would otherwise
    be parsed three times. Each call returns its own snapshot (TaskState.snapshot)."""
    known = _decoded.get(raw)
    if known is None:
        known = _parse(raw)
        if len(_decoded) >= DECODED_KEPT:
            _decoded.clear()
        _decoded[raw] = known
    return known.snapshot()


def _parse(raw: str) -> TaskState:
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise CorruptRecordError(f"not valid JSON ({error})") from error
    if not isinstance(data, dict) or "task" not in data:
        raise CorruptRecordError("not a task record")
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 0:
        raise CorruptRecordError(f"invalid schema {schema!r}")
    if schema > SCHEMA_VERSION:
        raise NewerRecordError(f"written by a newer version of DataFlow Tasks (schema {schema})")
    return TaskState.from_dict(data["task"])


class TaskStore:
    """Tasks in a Storage, with coalesced writes and warnings instead of exceptions."""

    def __init__(self, storage: Storage, clock: Clock, *, prefix: str = DEFAULT_PREFIX,
                 min_interval: float = 0.25, on_warning: Callable[[str], None] = lambda message: None):
        self.storage, self.clock, self.prefix = storage, clock, prefix
        self.min_interval = min_interval
        self.on_warning = on_warning
        self.writes = 0
        self._tasks: Callable[[], dict[str, TaskState]] = dict
        self._dirty: set[str] = set()
        self._saved: dict[str, str] = {}  # key -> record, as this store read or last wrote it
        self._last_write = float("-inf")
        self._timer: asyncio.Future | None = None
        self._full = False

    def key_for(self, task_id: str) -> str:
        return f"{self.prefix}{task_id}"

    def task_id_of(self, key: str) -> str | None:
        return key[len(self.prefix):] if key.startswith(self.prefix) else None

    # Loading -------------------------------------------------------------------------------

    def load(self) -> LoadResult:
        """Every readable task, oldest first; unreadable ones are set aside with a warning."""
        result = LoadResult()
        for key, raw in entries(self.storage, self.prefix):
            self._load_one(key, raw, result)
        return self._loaded(result)

    async def load_in_slices(self, *, budget: float = SLICE_SECONDS, now: Callable[[], float] = time.perf_counter,
                             pause: Callable[[], Awaitable[None]] = turn) -> LoadResult:
        """As `load`, decoding the records in slices that yield to the event loop (core/slices.py):
        thousands of saved tasks make no long task. For the tab that holds the runner lock, the only
        writer of task records, so nothing else changes them meanwhile."""
        result = LoadResult()
        await in_slices(entries(self.storage, self.prefix), lambda pair: self._load_one(*pair, result),
                        budget=budget, now=now, pause=pause)
        return self._loaded(result)

    def _loaded(self, result: LoadResult) -> LoadResult:
        self._migrate_legacy(result)
        result.tasks.sort(key=lambda task: (task.created_at, task.id))
        return result

    def _load_one(self, key: str, raw: str, result: LoadResult) -> None:
        self._saved[key] = raw
        try:
            result.tasks.append(decode(raw))
        except NewerRecordError as error:
            result.warnings.append(f"A saved task was left as it is: {error}.")
        except CorruptRecordError as error:
            backup = BACKUP_PREFIX + key
            self._set_aside(key, backup, raw)
            result.warnings.append(f"A saved task could not be read ({error}); it was set aside as {backup!r}.")

    def _set_aside(self, key: str, backup: str, raw: str) -> None:
        try:
            self.storage.set(backup, raw)
        except StorageFullError:
            pass  # keep the original where it is rather than lose it
        else:
            self.storage.remove(key)
            self._saved.pop(key, None)

    def _migrate_legacy(self, result: LoadResult) -> None:
        raw = self.storage.get(LEGACY_KEY)
        if raw is None:
            return
        known = {task.id for task in result.tasks}
        migrated, dropped = 0, 0
        for record in _legacy_records(raw):
            try:
                task = TaskState.from_dict(record)
            except CorruptRecordError:
                dropped += 1
                continue
            if task.id not in known:
                known.add(task.id)
                result.tasks.append(task)
                self._dirty.add(task.id)
                migrated += 1
        self._set_aside(LEGACY_KEY, BACKUP_PREFIX + LEGACY_KEY, raw)
        note = f", {dropped} unreadable" if dropped else ""
        result.warnings.append(f"Saved tasks were upgraded from an older format ({migrated} kept{note}); "
                               f"the original is kept as {BACKUP_PREFIX + LEGACY_KEY!r}.")

    # Saving --------------------------------------------------------------------------------

    def bind(self, tasks: Callable[[], dict[str, TaskState]]) -> None:
        """Tell the store where the live tasks are (id -> TaskState)."""
        self._tasks = tasks

    def changed(self, task_id: str, *, urgent: bool) -> None:
        """A task changed: write now if urgent or if the last write is old enough, else soon."""
        self._dirty.add(task_id)
        if urgent or self.clock.now() - self._last_write >= self.min_interval:
            self.flush()
        elif self._timer is None or self._timer.done():
            self._timer = asyncio.ensure_future(self._flush_later())

    def removed(self, task_id: str) -> None:
        self._dirty.discard(task_id)
        self.storage.remove(self.key_for(task_id))
        self._saved.pop(self.key_for(task_id), None)

    def saved(self) -> list[tuple[str, str]]:
        """Every (key, record) in storage as this store last read (`load`) or wrote it, without
        reading storage again: what the tab that runs the tasks (their only writer) has persisted."""
        return list(self._saved.items())

    async def _flush_later(self) -> None:
        await self.clock.sleep(self._last_write + self.min_interval - self.clock.now())
        self.flush()

    def flush(self) -> None:
        """Write every task changed since the last write."""
        if not self._dirty:
            return
        self._last_write = self.clock.now()
        tasks = self._tasks()
        failed: list[str] = []
        for task_id in sorted(self._dirty):
            task = tasks.get(task_id)
            if task is None:
                continue
            key, raw = self.key_for(task_id), encode(task)
            try:
                self.storage.set(key, raw)
                self._saved[key] = raw
                self.writes += 1
            except StorageFullError as error:
                failed.append(task_id)
                last_error = error
        self._dirty = set(failed)
        if failed and not self._full:
            self._full = True
            self.on_warning(f"Tasks could not be saved: {last_error}. Remove finished tasks to free space; "
                            "until then a reload may lose recent changes.")
        elif not failed and self._full:
            self._full = False
            self.on_warning("Tasks are being saved again.")

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self.flush()


def _legacy_records(raw: str) -> list:
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    if isinstance(data, dict) and isinstance(data.get("tasks"), list):
        return data["tasks"]
    if isinstance(data, dict):
        return list(data.values())
    return data if isinstance(data, list) else []
