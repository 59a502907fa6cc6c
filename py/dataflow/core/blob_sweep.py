"""Finding and deleting stored blobs (files, parts, results) that no task needs any more.

A transition that spans two stores (a task record in localStorage, its blobs in IndexedDB) can be
cut by a reload between its writes: a file stored whose task was never created, a task record
removed whose blobs were not yet deleted, parts of a completed task. Rather than make every such
pair atomic (the browser offers no transaction across both stores), each kind says which blobs a
task still needs (`BlobClaims`), and the janitor deletes whatever no task claims: at start-up,
after a task completes and after a removal. It reads the task records as persisted *and* as held
in memory, so a blob is kept while either view still needs it (a completion that did not reach
storage keeps its parts).

A blob nobody claims may belong to a task about to be created (a file stored, its task not yet
made, or sent by another tab and not yet acknowledged): ids made by `stamped_id` carry their
birth time, and such blobs are kept for `grace` seconds. Standard library only.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, Protocol

from dataflow.core import events
from dataflow.core.blobs import file_key
from dataflow.core.errors import CorruptRecordError
from dataflow.core.events import TaskEvent
from dataflow.core.model import TaskState
from dataflow.core.persistence import DEFAULT_PREFIX, decode
from dataflow.core.slices import SLICE_SECONDS, in_slices, turn
from dataflow.core.status import TaskStatus
from dataflow.core.storage import Storage, entries

DEFAULT_GRACE = 600.0  # seconds an unclaimed young file is kept (a task may be about to claim it)


@dataclass(frozen=True)
class BlobClaims:
    """The blobs one task still needs: exact keys, and prefixes (every key starting with one)."""

    keys: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def covers(self, key: str) -> bool:
        return key in self.keys or any(key.startswith(prefix) for prefix in self.prefixes)


ClaimsOf = Callable[[TaskState], "BlobClaims | None"]
BornOf = Callable[[str], "float | None"]


def stamped_id(now: float, random_hex: str | None = None) -> str:
    """A new id that carries its birth time: "t" + 12 hex digits of milliseconds + "-" + 20 random hex."""
    return f"t{int(now * 1000):012x}-{(random_hex or uuid.uuid4().hex)[:20]}"


def born_of_id(blob_id: str) -> float | None:
    """The birth time (seconds) of an id made by `stamped_id`; None for any other id (treated as old)."""
    if len(blob_id) < 14 or blob_id[0] != "t" or blob_id[13] != "-":
        return None
    try:
        return int(blob_id[1:13], 16) / 1000
    except ValueError:
        return None


def file_born(key: str) -> float | None:
    """The birth time of a stored file whose id `stamped_id` made (None for other keys and ids)."""
    prefix = file_key("")
    return born_of_id(key[len(prefix):]) if key.startswith(prefix) else None


def orphaned_keys(stored: Iterable[str], tasks: Iterable[TaskState], claims_of: ClaimsOf, *, now: float,
                  grace: float = DEFAULT_GRACE, born: BornOf = lambda key: None,
                  released: Iterable[TaskState] = ()) -> list[str]:
    """The stored keys to delete, sorted: those no task in `tasks` claims, unless born less than `grace`
    seconds ago. Keys claimed by a `released` task (one just removed) go at once, young or not.

    `claims_of(task)` returns None for a task it cannot describe (a kind this version does not know):
    then nothing is deleted at all, since that task's blobs cannot be told apart from orphans.
    """
    claims = []
    for task in tasks:
        claim = claims_of(task)
        if claim is None:
            return []
        claims.append(claim)
    return unclaimed_keys(stored, claims, [claims_of(task) for task in released], now=now, grace=grace, born=born)


def unclaimed_keys(stored: Iterable[str], claims: list[BlobClaims], released: Iterable[BlobClaims | None], *,
                   now: float, grace: float = DEFAULT_GRACE, born: BornOf = lambda key: None) -> list[str]:
    """`orphaned_keys` once every task's claims are known (`released`: those of the tasks just removed)."""
    kept = _Index(claims)
    freed = _Index([claim for claim in released if claim is not None])
    doomed = []
    for key in stored:
        if kept.covers(key):
            continue
        birth = born(key)
        young = birth is not None and now - birth < grace
        if not young or freed.covers(key):
            doomed.append(key)
    return sorted(doomed)


class _Index:
    """Many claims as one: a set of exact keys, and prefixes looked up by length (few lengths), so a
    sweep over thousands of keys and tasks costs milliseconds rather than keys × tasks."""

    def __init__(self, claims: list[BlobClaims]):
        self.keys = set().union(*(claim.keys for claim in claims))
        self.prefixes = {prefix for claim in claims for prefix in claim.prefixes}
        self.lengths = sorted({len(prefix) for prefix in self.prefixes})

    def covers(self, key: str) -> bool:
        return key in self.keys or any(key[:n] in self.prefixes for n in self.lengths if n <= len(key))


UNREADABLE = "(unreadable record)"


def saved_tasks(storage: Storage, *, prefix: str = DEFAULT_PREFIX) -> list[TaskState]:
    """Every task as saved in `storage`. A record this version cannot read (one written by a newer
    version) stands as a task of an unknown kind, so no claims function describes it and the janitor
    deletes nothing while it exists: its blobs cannot be told apart from orphans."""
    return list(read_saved(sorted(entries(storage, prefix)), prefix=prefix))


def read_saved(records: Iterable[tuple[str, str]], *, prefix: str = DEFAULT_PREFIX) -> Iterator[TaskState]:
    """`saved_tasks` over (key, record) pairs already read (TaskStore.saved()), decoded one by one as
    the iterator is consumed (the janitor consumes it in slices)."""
    for key, raw in records:
        try:
            yield decode(raw)
        except CorruptRecordError:
            yield TaskState(id=key[len(prefix):], name=key, kind=UNREADABLE)


class _Unclaimable(Exception):
    """A task whose blobs no kind can describe: the sweep deletes nothing."""


class SweepStore(Protocol):
    async def keys(self, prefix: str) -> list[str]: ...

    async def delete_keys(self, keys: list[str]) -> None: ...


class BlobJanitor:
    """Deletes orphaned blobs for the tab that runs the tasks: at start-up (and once more when the
    grace period of young files has passed), after a task completes, and after a task is removed.

    `live()` gives the tasks in memory, `persisted()` the tasks as stored; a key claimed by either
    is kept. Both are called when a sweep starts and consumed in slices, so they may be lazy
    (Orchestrator.iter_tasks snapshots each task when it is reached: a task that finished meanwhile is
    still claimed by its persisted record when `persisted()` lists the records as it is called, as
    TaskStore.saved does). Deleting runs after the state that frees the key is durable, never before: a
    completed task's parts are deleted only once "completed" is in storage.
    """

    def __init__(self, store: SweepStore, claims_of: ClaimsOf, *, live: Callable[[], Iterable[TaskState]],
                 persisted: Callable[[], Iterable[TaskState]], clock: Any, grace: float = DEFAULT_GRACE,
                 born: BornOf = lambda key: None, on_error: Callable[[str], None] = lambda message: None,
                 budget: float = SLICE_SECONDS, ticks: Callable[[], float] = time.perf_counter,
                 pause: Callable[[], Awaitable[None]] = turn):
        self.budget, self.ticks, self.pause = budget, ticks, pause  # slicing (core/slices.py)
        self.store, self.claims_of = store, claims_of
        self.live, self.persisted = live, persisted
        self.clock, self.grace, self.born = clock, grace, born
        self.on_error = on_error
        self.deleted = 0  # keys deleted so far (for tests and diagnostics)
        self._released: list[TaskState] = []
        self._requested = False
        self._worker: asyncio.Future | None = None
        self._starting: asyncio.Future | None = None

    async def sweep(self, released: Iterable[TaskState] = ()) -> list[str]:
        """Delete what no task needs; returns the keys deleted. Keys are listed before the tasks are
        read, so a blob written in between (by a task already claiming it) is never in the list."""
        stored = await self.store.keys("")
        claims = await self._claims(chain(self.live(), self.persisted()))
        if claims is None:
            return []
        doomed = unclaimed_keys(stored, claims, [self.claims_of(task) for task in released], now=self.clock.now(),
                                grace=self.grace, born=self.born)
        if doomed:
            await self.store.delete_keys(doomed)
            self.deleted += len(doomed)
        return doomed

    async def _claims(self, tasks: Iterable[TaskState]) -> list[BlobClaims] | None:
        """Every task's claims, read in slices (thousands of tasks: no long task in the browser); None
        when a task's kind cannot say (then nothing may be deleted: see `orphaned_keys`)."""
        claims: list[BlobClaims] = []

        def claim(task: TaskState) -> None:
            found = self.claims_of(task)
            if found is None:
                raise _Unclaimable
            claims.append(found)

        try:
            await in_slices(tasks, claim, budget=self.budget, now=self.ticks, pause=self.pause)
        except _Unclaimable:
            return None
        return claims

    async def start(self) -> None:
        """The start-up sweep, then another once the young files of the previous session are old."""
        await self.sweep()
        await self.clock.sleep(self.grace)
        await self.sweep()

    def handle(self, event: TaskEvent) -> None:
        """An orchestrator subscriber: sweep after a completion (now durable) or a removal."""
        if event.type == events.REMOVED and event.task is not None:
            self.request(released=[event.task])
        elif event.type == events.CHANGED and event.task is not None and event.task.status is TaskStatus.COMPLETED:
            self.request()

    def request(self, released: Iterable[TaskState] = ()) -> None:
        """Sweep soon. Requests made while a sweep runs are served by one more sweep, so removing a
        thousand tasks in a row costs two sweeps, not a thousand."""
        self._released += list(released)
        self._requested = True
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._drain())

    def spawn_start(self) -> None:
        """Run `start()` in the background (cancelled by `close()`)."""
        self._starting = asyncio.ensure_future(self._guarded(self.start()))

    async def idle(self) -> None:
        """Wait for the requested sweeps (not the start-up pair, which waits on the clock)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.gather(self._worker, return_exceptions=True)

    def close(self) -> None:
        for pending in (self._worker, self._starting):
            if pending is not None:
                pending.cancel()

    async def _drain(self) -> None:
        while self._requested:
            self._requested = False
            released, self._released = self._released, []
            await self._guarded(self.sweep(released))

    async def _guarded(self, work) -> None:
        try:
            await work
        except Exception as error:  # a failed clean-up leaves orphans for the next sweep, never breaks the app
            self.on_error(f"Stored files could not be cleaned up: {error}")
