"""The native composition root: file-backed task records and blobs in a state directory, the PDF
and JSON services in worker processes (the JSON one in-process unless a pool is given), the
orchestrator, and the export of each result (the page's downloads) to the output directory. `run`
adds files and waits until no task is left to run; `retry` re-queues failed ones.
As in the page, finishing stores a result per run and leaves the parts; the core's janitor
(`dataflow.core.blob_sweep`) deletes what no task claims once a completion or removal is saved,
and at start-up (what a killed run left behind).

Durable like the page: every task record is a file written atomically; a killed process leaves
its running tasks "running", and the next start resumes them from their checkpoints. Native ring.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataflow.core import Orchestrator, RetryPolicy, TaskState, TaskStatus
from dataflow.core import events as ev
from dataflow.core.blob_sweep import BlobJanitor, saved_tasks
from dataflow.core.blobs import BlobStore
from dataflow.core.clock import Clock, SystemClock
from dataflow.core.kinds import Options, SecretPrompt
from dataflow.core.persistence import DEFAULT_PREFIX, TaskStore
from dataflow.core.pool import Pool
from dataflow.core.runs import summary_key
from dataflow.executors.json import executor as json_executor
from dataflow.executors.json.service import JsonService
from dataflow.executors.pdf.client import ClientPool
from dataflow.executors.pdf.executor import PASSWORD, PdfExecutor
from dataflow.native.batch import (
    STEM_MARK,
    OptionsByKind,
    Source,
    by_kind,
    changed,
    claimed_names,
    input_gone,
    input_path,
    native_kinds,
    output_files,
    output_metadata,
    output_name,
    output_names,
    same_work,
    source_of,
    stems_of,
    task_input,
)
from dataflow.native.file_blob_store import FileBlobStore, export_value, remove_temporary_files
from dataflow.native.file_storage import FileStorage, file_path_warning
from dataflow.native.folder_walk import unreadable_line
from dataflow.native.sources import WithSourceFiles

OWNED_KEY = "dataflow.outputs"  # the output names this state directory wrote, apart from the task records
HISTORY_LIMIT = 10**9  # a state directory keeps every task: it is the record of the batch
WAITING = (TaskStatus.PENDING, TaskStatus.RUNNING)


def blob_root(state_dir: Path) -> Path:
    return state_dir / "blobs"


def _file_change(task: TaskState) -> tuple[TaskState, Source | None, str | None]:
    """For a task not completed: its file now, and how it changed since the task was created (the
    content hash is read only for a task that has begun: its parts come from the recorded version).
    A file whose content cannot be read counts as unchanged: its task fails naming it when it runs."""
    source = None if task.status is TaskStatus.COMPLETED else source_of(task.input, task.kind)
    try:
        return task, source, changed(task.input, source, check_content=task.checkpoint is not None) if source else None
    except OSError:
        return task, source, None


@dataclass
class Submitted:
    """What `submit` did with the files: new task ids, ids of tasks that already existed, and the
    files skipped because they could not be read (the host's warnings say why)."""

    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return self.added + self.existing


def how_far(task: TaskState) -> str:
    """An unfinished task's state in a message: "interrupted at 8 %" for a record left running (no
    process runs it: the caller holds the state lock), else its status, and its percent if any."""
    word = "interrupted" if task.status is TaskStatus.RUNNING else task.status.value
    return f"{word} at {task.progress:.0f} %" if task.progress > 0 else word


class NativeHost:
    """One state directory, one output directory, one pool of workers. Use as `async with`."""

    def __init__(self, *, out_dir: Path, state_dir: Path, pool: ClientPool, concurrency: int,
                 retry_policy: RetryPolicy | None = None, clock: Clock | None = None,
                 blobs: BlobStore | None = None, on_close: Callable[[], None] = lambda: None,
                 password: str | None = None, overwrite: bool = False,
                 json_pool: json_executor.ClientPool | None = None):
        """`pool` serves PDF tasks, `json_pool` JSON tasks (default: one JsonService in this process,
        over the host's blobs). `password` (held in memory only) unlocks encrypted files: a task that
        fails asking for it is retried once with it, as the page does once a person types it. `overwrite` lets a new
        task's output replace a file in `out_dir` that no task of this state directory wrote
        (otherwise it is written beside it, with a "-2" suffix)."""
        self.out_dir, self.state_dir = Path(out_dir), Path(state_dir)
        self.blobs = blobs or WithSourceFiles(FileBlobStore(blob_root(self.state_dir)))
        self.pool = pool
        self.json_pool = json_pool or Pool([json_executor.LocalJsonClient(JsonService(self.blobs))])
        self.kinds = native_kinds()
        self.clock = clock = clock or SystemClock()
        self.storage = storage = FileStorage(self.state_dir)
        self.orchestrator = Orchestrator(storage=storage, clock=clock, concurrency=concurrency,
                                         retry_policy=retry_policy, history_limit=HISTORY_LIMIT)
        self.orchestrator.register("pdf", PdfExecutor(pool))
        self.orchestrator.register("json", json_executor.JsonExecutor(self.json_pool))
        self.janitor = BlobJanitor(self.blobs, self.kinds.claims, live=self.orchestrator.list_tasks,
                                   persisted=lambda: saved_tasks(storage), clock=clock,
                                   on_error=self._warn)
        self.orchestrator.on_task_complete(self._schedule_export)
        self.orchestrator.subscribe(self._follow)
        self.orchestrator.subscribe(self.janitor.handle)
        self._waiting: set[str] = set()  # pending or running, kept from events (no scan per event)
        self._settled = asyncio.Event()
        self.resumed: list[str] = []
        self.warnings: list[str] = []
        self.notices: list[str] = []  # what a person should know before the run: restarts, renamed outputs
        self.replaced: dict[str, str] = {}  # id of a task restarted on its file's new content -> the new id
        self.overwrite = overwrite
        self._exports: set[asyncio.Task] = set()
        self._lost: set[str] = set()  # completed tasks whose result is neither exported nor stored
        self._on_close = on_close
        self._password = password
        self._unlocking: set[str] = set()  # tasks already retried with the password
        self._listing: dict[str, list[str]] | None = None  # the output folder's files by stem (see stems_of)

    def _warn(self, message: str) -> None:
        self.warnings.append(message)

    async def __aenter__(self) -> NativeHost:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    def start(self, *, drop_missing: bool = False) -> list[str]:
        """Load the state directory and resume unfinished tasks; returns the warnings of the load.

        An unfinished task whose file changed since the task was created (see batch.changed) is not
        resumed: its parts come from the old version, so it starts again from scratch on the new
        content (a new task, the same output name), and `notices` says so. With `drop_missing` (a
        new `dataflow run`: its files are those that exist) an unfinished task whose file is gone
        (batch.input_gone) is removed, and the janitor deletes its parts; otherwise (`retry`,
        `status`) it is kept with its parts, so the file put back resumes where it stopped."""
        remove_temporary_files(blob_root(self.state_dir))  # what a killed writer left (we hold the lock)
        remove_temporary_files(self.state_dir, recursive=False)
        loaded = TaskStore(self.storage, self.clock).load()  # before the orchestrator resumes anything
        stale: list[tuple[TaskState, Source, str]] = []
        gone = [task for task in loaded.tasks if drop_missing and input_gone(task)]
        for task in gone:
            self.storage.remove(DEFAULT_PREFIX + task.id)
            self.notices.append(f"{input_path(task.input)} is gone: its unfinished task ({how_far(task)}) was "
                                "dropped with its saved parts. Put the file back and run again to process it from "
                                "the start.")
        dropped = {task.id for task in gone}
        for task, source, reason in map(_file_change, [task for task in loaded.tasks if task.id not in dropped]):
            if source is not None and reason is not None:
                stale.append((task, source, reason))
                self.storage.remove(DEFAULT_PREFIX + task.id)
        messages = loaded.warnings + self.orchestrator.start()
        self.warnings += [file_path_warning(message, self.state_dir) for message in messages]
        for task, source, reason in stale:
            self._restart(task, source, reason)
        self.resumed = [task.id for task in self.orchestrator.list_tasks() if task.status in WAITING]
        self._waiting.update(self.resumed)
        for task in self.orchestrator.list_tasks():
            targets = self.output_paths(task)
            if task.status is TaskStatus.COMPLETED and targets and not all(path.exists() for path in targets):
                self._schedule_export(task)  # a run killed between the result and its export, or a deleted file
        self.janitor.request()  # what a killed run left: parts of completed tasks, blobs of removed ones
        return self.warnings

    async def exported(self) -> None:
        """Wait for the exports under way (those that start() found missing)."""
        while self._exports:
            await asyncio.gather(*list(self._exports))

    def submit(self, sources: list[Source], options: Options | OptionsByKind, *,
               retry_policy: RetryPolicy | None = None) -> Submitted:
        """One task per input file in this state directory: a file that has a task keeps it, unless
        the options differ, the file changed since (a completed task's file is compared by size and
        time, then by content hash) or its completed output is gone: then the old task is replaced by
        a new one, which rewrites the old task's output file. A file that cannot be read (its content
        hash: OSError) is skipped with a warning. `options`: by kind (see batch.by_kind). Returns the
        new and the kept task ids and the files skipped."""
        chosen = by_kind(options)
        self._listing = None  # the output folder is listed once per submit, when a stem is asked about
        by_path = {input_path(task.input): task for task in self.orchestrator.list_tasks()}
        ours = claimed_names(self.orchestrator.list_tasks()) | self.owned()  # output files this state directory writes
        submitted = Submitted()
        for source in sources:
            existing = by_path.get(str(source.path))
            try:
                why = None if existing is None else self._why_replace(existing, source, chosen[source.kind])
                if existing is not None and why is None:
                    submitted.existing.append(existing.id)
                    continue
                source.sha256  # noqa: B018 - read now, before an old task is dropped: reading may fail
            except OSError as error:  # permission denied, an I/O error: the other files go on
                self.warnings.append(unreadable_line(source.path, error))
                submitted.unreadable.append(source.path)
                continue
            if existing is not None:
                self.orchestrator.remove(existing.id)
                self._lost.discard(existing.id)
                self.notices.append(f"{source.path}: {why}; it is processed again from the start.")
            task_id = self._create(source, chosen[source.kind], retry_policy, ours)
            by_path[str(source.path)] = self.orchestrator.get_task_state(task_id)
            submitted.added.append(task_id)
            if existing is not None:
                self._drop_earlier_output(existing, by_path[str(source.path)])
        return submitted

    def _why_replace(self, task: TaskState, source: Source, options: Options) -> str | None:
        """Why `task` cannot stand for `source` with `options` (None: it can). A completed file is
        compared by size and time (its hash only if the time differs): 10,000 done files are not read."""
        if task.id in self._lost:
            return "its completed result is gone from " + str(self.out_dir)
        if not same_work(task.kind, task.input, source.kind, {"options": options.to_dict()}):
            return "the options differ from those its task was created with"
        reason = changed(task.input, source, check_content=task.checkpoint is not None and not task.status.is_finished)
        return f"the file changed since its task was created ({reason})" if reason else None

    def _create(self, source: Source, options: Options, retry_policy: RetryPolicy | None, ours: set[str]) -> str:
        taken = claimed_names(self.orchestrator.list_tasks())
        name = output_name(source, options, taken, foreign=lambda n: self._foreign(n, ours))
        plain = output_name(source, options, taken)
        if name != plain:
            old, new = plain, name
            if source.kind != "pdf":  # a JSON file's data name is known once it is read: name its stem
                old, new = (output_metadata(source, options, found)["stem"][1] + ".*" for found in (plain, name))
            self.notices.append(f"{self.out_dir / old} exists and was not written by this state directory, so "
                                f"{source.path.name}'s result goes to {self.out_dir / new} (--overwrite replaces it).")
        ours.add(name)
        return self.orchestrator.execute_task(source.path.name, source.kind, task_input(source, options),
                                              retry_policy=retry_policy,
                                              metadata={"size": source.size} | output_metadata(source, options, name))

    def _drop_earlier_output(self, earlier: TaskState, task: TaskState) -> None:
        """A replaced task's outputs, when this state directory wrote them and the new task writes
        other files (report-2.zip, now report.zip with --overwrite): removed, with a notice."""
        new, owned = task.metadata.get("output"), self.owned()
        dropped = [name for name in output_names(earlier) if name != new and name in owned]
        stem = task.metadata.get("stem")  # a JSON task's data name is known once it is read: its stem is
        target = f"{stem[1]}.*" if isinstance(stem, list) and len(stem) == 2 else str(new)
        for old in dropped:
            with contextlib.suppress(FileNotFoundError):
                (self.out_dir / old).unlink()
                self.notices.append(f"{self.out_dir / old}, the earlier result of {task.name}, was removed: "
                                    f"the new results go to {self.out_dir / target}.")
        if dropped:
            self.storage.set(OWNED_KEY, json.dumps(sorted(owned - set(dropped))))

    def _foreign(self, name: str, ours: set[str]) -> bool:
        """True if writing `name` (or, for a stem claim, any file of that stem) would replace a file in
        the output folder that this state directory did not write (and --overwrite was not given)."""
        if self.overwrite:
            return False
        if not name.startswith(STEM_MARK):
            return name not in ours and (self.out_dir / name).exists()
        if self._listing is None:
            self._listing = stems_of(self.out_dir)
        return any(found not in ours for found in self._listing.get(name[len(STEM_MARK):], ()))

    def _restart(self, task: TaskState, source: Source, reason: str) -> None:
        """A new task for `task`'s file as it is now (same name, options, output); `task` is gone."""
        data = dict(task.input, size=source.size, mtime_ns=source.mtime_ns, sha256=source.sha256)
        self.replaced[task.id] = self.orchestrator.execute_task(task.name, task.kind, data,
                                                                retry_policy=task.retry_policy,
                                                                metadata=dict(task.metadata, size=source.size))
        self.notices.append(f"{source.path} changed since its task was created ({reason}): it is processed "
                            "again from the start on the new content (nothing done on the old version is kept).")

    def retry(self, task_ids: list[str] | None = None, *, password: str | None = None) -> list[str]:
        """Queue failed and cancelled tasks again (all of them, or those named); returns their ids.
        `password` (for encrypted PDFs; default: the host's) reaches the executor through the core's
        secrets, in memory only."""
        password = password or self._password
        chosen = [task for task in self.orchestrator.list_tasks()
                  if task.status in (TaskStatus.FAILED, TaskStatus.CANCELLED)
                  and (task_ids is None or task.id in task_ids)]
        for task in [task for task in chosen if input_gone(task)]:
            chosen.remove(task)
            self.notices.append(f"{input_path(task.input)} is gone, so its task was not retried; its saved parts "
                                "are kept: put the file back and retry again to resume, or run `dataflow run` "
                                "without it to drop the task and its parts.")
        secrets = {PASSWORD: password} if password else None
        self._unlocking.update(task.id for task in chosen if password)
        for task in chosen:
            self.orchestrator.retry(task.id, secrets=secrets)
        return [task.id for task in chosen]

    async def wait(self) -> None:
        """Until no task is pending or running and every result is in the output directory."""
        if self._waiting:
            self._settled.clear()
            await self._settled.wait()
        while self._exports:
            await asyncio.gather(*list(self._exports))
        await self.janitor.idle()

    def _follow(self, event: ev.TaskEvent) -> None:
        if event.task is None or event.type not in (ev.ADDED, ev.CHANGED, ev.REMOVED):
            return
        prompt = self._password_wanted(event.task) if event.type == ev.CHANGED else None
        if prompt is not None:
            self._unlocking.add(event.task.id)  # still waiting: it runs again at once
            task_id, secrets = event.task.id, {prompt.name: str(self._password)}
            asyncio.get_running_loop().call_soon(lambda: self.orchestrator.retry(task_id, secrets=secrets))
            return
        if event.type != ev.REMOVED and event.task.status in WAITING:
            self._waiting.add(event.task.id)
        else:
            self._waiting.discard(event.task.id)
        if not self._waiting:
            self._settled.set()

    def needs_password(self, task: TaskState) -> bool:
        """True for a failed task that waits for its kind's secret (a PDF's password)."""
        kind = self.kinds.get(task.kind)
        return task.status is TaskStatus.FAILED and kind is not None and kind.needs_secret(task) is not None

    def _password_wanted(self, task: TaskState) -> SecretPrompt | None:
        """The secret a task failed for want of, when we hold a password not yet tried on it."""
        kind = self.kinds.get(task.kind)
        if self._password is None or task.status is not TaskStatus.FAILED or task.id in self._unlocking:
            return None
        return kind.needs_secret(task) if kind is not None else None

    def tasks(self) -> list[TaskState]:
        return self.orchestrator.list_tasks()

    def output_paths(self, task: TaskState) -> list[Path]:
        """Where a task's result files go (completed) or will go (its claimed name), in the output folder."""
        return [self.out_dir / name for name in output_names(task)]

    async def close(self) -> None:
        """Persist and stop: tasks still running stay "running" and resume on the next start. The
        pool is closed and `on_close` (the state lock's release) runs whatever happens on the way."""
        try:
            for export in list(self._exports):
                with contextlib.suppress(Exception):
                    await export
            await self.orchestrator.close()
            await self.janitor.idle()
            self.janitor.close()
        finally:
            self.pool_close()

    def pool_close(self) -> None:
        try:
            for pool in (self.pool, self.json_pool):
                close = getattr(pool, "close", None)
                if close is not None:
                    close()
        finally:
            self._on_close()

    # Results -------------------------------------------------------------------------------

    def _schedule_export(self, task: TaskState) -> None:
        export = asyncio.ensure_future(self._export(task))
        self._exports.add(export)
        export.add_done_callback(self._exports.discard)

    async def _export(self, task: TaskState) -> None:
        """Move the result files (the page's downloads, under the per-run keys its record names) from
        the blob store to the output directory (idempotent); the parts are the janitor's."""
        files = output_files(task)
        if not files:
            return
        stored = [download.key in await self.blobs.keys(download.key) for download, _ in files]
        if any(not here and not (self.out_dir / name).exists() for here, (_, name) in zip(stored, files, strict=True)):
            self._lost.add(task.id)
            self.warnings.append(f"The result of {task.name} is missing from {self.out_dir} (and from the state "
                                 "directory): run the same `dataflow run` command again to process it again.")
            return
        for here, (download, name) in zip(stored, files, strict=True):
            if here and await export_value(self.blobs, download.key, self.out_dir / name):
                self._own(name)
        main = files[0][0].key
        await self.blobs.delete_keys([download.key for download, _ in files] + [summary_key(main)])

    def owned(self) -> set[str]:
        """The names of the files in out_dir this state directory wrote, kept apart from the task
        records: an output stays ours when its task's record is lost (corrupt, set aside)."""
        try:
            names = json.loads(self.storage.get(OWNED_KEY) or "[]")
        except ValueError:
            return set()
        return {str(name) for name in names} if isinstance(names, list) else set()

    def _own(self, name: str) -> None:
        owned = self.owned()
        if name not in owned:
            try:
                self.storage.set(OWNED_KEY, json.dumps(sorted(owned | {name})))
            except OSError as error:  # the output is written; only its ownership is not remembered
                self._warn(f"Could not note {name} as written by this state directory: {error}")
