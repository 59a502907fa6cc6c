"""Intake of the page: files become tasks of the kind that takes them once their bytes are stored.
Until then they are written down as pending (browser/pending.py), so a reload loses none silently:
the page after it makes their tasks (`Intake.recover`). The forms and row buttons are `controls`.
Browser ring; the logic runs over injected functions, so it is unit-tested under CPython with
in-memory twins.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from dataflow.browser.pending import PendingFiles
from dataflow.core.blobs import file_key
from dataflow.core.errors import StorageFullError
from dataflow.core.kinds import (
    UNSAVED,
    UNSUPPORTED,
    ExecutorKind,
    KindRegistry,
    StoredFile,
    unsaved_input,
    unsupported_input,
)
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.text import display_name

Notice = Callable[..., None]  # notice(message, kind="info" | "warning" | "error")


class FileLike(Protocol):
    """What intake reads of a file: a browser File has these."""

    name: str
    size: int
    type: str


@dataclass(frozen=True)
class NewTask:
    """A task to create: sent to the runner tab as it is (JSON only, never a secret)."""

    name: str
    kind: str
    input: Any
    metadata: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "input": self.input, "metadata": self.metadata}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewTask:
        """Raises KeyError, TypeError or ValueError on a record that is not a task's."""
        return cls(str(data["name"]), str(data["kind"]), data.get("input"), dict(data.get("metadata") or {}))


@dataclass(frozen=True)
class Arrival:
    """A chosen file on its way to becoming a task: the task, and the File whose bytes it needs
    stored under the task's file id with `mime` (None when nothing is stored: a file no kind takes,
    one over its kind's size limit)."""

    task: NewTask
    file: Any = None
    mime: str = ""

    @property
    def file_id(self) -> str:
        return str(self.task.metadata["file_id"])

    def entry(self) -> dict[str, Any]:
        """What PendingFiles writes down for it: the task, and whether its file is being stored."""
        return {"task": self.task.to_dict(), "stores": self.file is not None}


StoreFile = Callable[[str, Any, str], Awaitable[None]]  # (key, File, mime)
StoreFiles = Callable[[list[tuple[str, Any, str]]], Awaitable[None]]  # [(key, File, mime)], all or nothing


class Intake:
    """Files to tasks. `store_file(key, file, mime)` keeps a file's bytes (IndexedDB in the app; raises
    StorageFullError when the storage is full); `store_files([(key, file, mime)])`, when given, keeps
    several in one go, all or nothing; `submit(new_task)` creates the task (here if this tab runs
    tasks, else in the runner tab). `pending` (PendingFiles) writes down the files being stored, which
    guards the page's unload, and `stored_size(key)` (bytes, or None when not stored) tells after a
    reload which of them were stored (`recover`). `delay` (seconds, tests only: ?store_delay=) waits
    between writing files down and storing them, so a reload can be aimed at that moment."""

    def __init__(self, *, kinds: KindRegistry, store_file: StoreFile, submit: Callable[[NewTask], None],
                 options_for: Callable[[Any], Any], notice: Notice,
                 new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
                 store_files: StoreFiles | None = None, pending: PendingFiles | None = None,
                 stored_size: Callable[[str], Awaitable[int | None]] | None = None, delay: float = 0.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.kinds = kinds
        self.store_file, self.store_files, self.submit, self.options_for = store_file, store_files, submit, options_for
        self.notice, self.new_id = notice, new_id
        self.pending, self.stored_size = pending, stored_size
        self.delay, self.sleep = delay, sleep
        self.refused: Callable[[str], str | None] = lambda kind: None  # see PageControls.read

    def take(self, files: Iterable[FileLike]) -> asyncio.Future[None]:
        """Add `files` (a file input's or a drop's), as `add_files`. They are written down as pending
        before this returns, with no wait, so a reload from then on loses none of them silently."""
        return asyncio.ensure_future(self._arrive(self._begin(files)))

    async def add_files(self, files: Iterable[FileLike]) -> None:
        """One task per file, in order, once their files are stored (in one go where the store allows);
        a file that cannot be stored is reported and skipped."""
        await self.take(files)

    async def add_file(self, file: FileLike, kind: ExecutorKind[Any] | None = None) -> NewTask | None:
        """The task for `file`, its file stored (None, with a notice, when it cannot be): of `kind` when
        the user chose one (a kind's own file input), else of the first kind that takes it."""
        arrivals = self._begin([file], kind)
        try:
            refused = await self._store(arrivals)
        finally:
            self._release(arrivals)
        return arrivals[0].task if arrivals and not refused else None

    def plan(self, file: FileLike, kind: ExecutorKind[Any] | None = None) -> Arrival | None:
        """What `file` becomes (no wait, nothing stored yet), or None, with a notice, when it is not
        added (its kind's form holds options that cannot be used)."""
        name, size, mime = str(file.name), int(file.size), str(file.type or "")
        file_id = self.new_id()
        metadata = {"size": size, "type": mime, "file_id": file_id}
        kind = kind or self.kinds.for_file(name, mime)
        if kind is None:  # not stored: its row says which files the app takes
            return Arrival(NewTask(name, UNSUPPORTED, unsupported_input(name, self.kinds.accepted_label()), metadata))
        reason = self.refused(kind.kind)
        if reason is not None:  # the saved options are not what the form shows: never run on them unseen
            self.notice(f"{display_name(name)} was not added: an option in the form cannot be used "
                        f"({reason.rstrip('.')}). Correct or clear it, then add the file again.", kind="error")
            return None
        options = self.options_for(kind)
        task = NewTask(name, kind.kind, kind.task_input(StoredFile(file_id, name, size, mime), options), metadata)
        limit = kind.max_file_bytes(options)
        if limit is not None and size > limit:  # an oversized file is never copied; its task says why
            return Arrival(task)
        return Arrival(task, file, mime or next(iter(kind.accepts.mime_types), "application/octet-stream"))

    def _begin(self, files: Iterable[FileLike], kind: ExecutorKind[Any] | None = None) -> list[Arrival]:
        arrivals = [arrival for arrival in (self.plan(file, kind) for file in files) if arrival is not None]
        if self.pending is not None:
            self.pending.hold({arrival.file_id: arrival.entry() for arrival in arrivals})
        return arrivals

    def _release(self, arrivals: list[Arrival]) -> None:
        if self.pending is not None:
            self.pending.release(arrival.file_id for arrival in arrivals)

    async def _arrive(self, arrivals: list[Arrival]) -> None:
        try:
            if self.delay > 0 and any(arrival.file is not None for arrival in arrivals):
                await self.sleep(self.delay)
            refused = await self._store(arrivals)
            for arrival in arrivals:
                if arrival.file_id not in refused:
                    self.submit(arrival.task)
        finally:  # made tasks (or reported): nothing for a reload to account for
            self._release(arrivals)

    async def _store(self, arrivals: list[Arrival]) -> set[str]:
        """Store the files of `arrivals`: in one go when the store allows and there are several, else
        (or when that fails: nothing is stored then) one by one, so a file that does not fit or that the
        browser refuses is reported and the others are kept. Returns the file ids refused."""
        storing = [arrival for arrival in arrivals if arrival.file is not None]
        if len(storing) > 1 and self.store_files is not None:
            try:
                await self.store_files([(file_key(arrival.file_id), arrival.file, arrival.mime) for arrival in storing])
                return set()
            except Exception:  # each file, stored alone below, says what stands in its way
                pass
        return {arrival.file_id for arrival in storing if not await self._store_one(arrival)}

    async def _store_one(self, arrival: Arrival) -> bool:
        name = display_name(arrival.task.name)
        try:
            await self.store_file(file_key(arrival.file_id), arrival.file, arrival.mime)
        except StorageFullError as error:  # the other tasks and their parts are untouched
            self.notice(f"{name} was not added: {error}.", kind="error")
            return False
        except Exception as error:  # private mode, a browser refusal: say so, keep the other files going
            self.notice(f"{name} could not be kept in the browser's storage ({error}); it was not added.",
                        kind="error")
            return False
        return True

    async def recover(self) -> None:
        """Make a task of each file that a page before this one (this tab, before a reload) left
        pending: its own task when its file is stored whole (or none was to be stored), else one that
        fails at once saying the file was not saved before the reload and must be added again
        (UNSAVED). Call it once, before any file is taken; every other task is untouched, and a task
        already made for the file is not made twice (create_task)."""
        if self.pending is None:
            return
        left = self.pending.left()
        for entry in left.values():
            task = await self._recovered(entry)
            if task is not None:
                self.submit(task)
        self.pending.release(left)

    async def _recovered(self, entry: dict[str, Any]) -> NewTask | None:
        try:
            task = NewTask.from_dict(entry["task"])
            file_id, size = str(task.metadata["file_id"]), int(task.metadata["size"])
        except (KeyError, TypeError, ValueError):
            return None  # not a record this intake wrote: nothing to account for
        if not entry.get("stores") or await self._stored_size(file_key(file_id)) == size:
            return task
        return NewTask(task.name, UNSAVED, unsaved_input(task.name), task.metadata)

    async def _stored_size(self, key: str) -> int | None:
        if self.stored_size is None:
            return None
        try:
            return await self.stored_size(key)
        except Exception:  # storage unreadable: the file cannot be used either way
            return None


def create_task(orchestrator: Orchestrator, task: NewTask, secrets: dict[str, str] | None = None) -> str | None:
    """Create `task` in the runner tab, once: a request replayed after a change of runner whose
    file is already a task is ignored (returns None). `secrets` stay in this tab's memory."""
    file_id = task.metadata.get("file_id")
    if file_id and any(t.metadata.get("file_id") == file_id for t in orchestrator.list_tasks()):
        return None
    return orchestrator.execute_task(task.name, task.kind, task.input, metadata=task.metadata, secrets=secrets)
