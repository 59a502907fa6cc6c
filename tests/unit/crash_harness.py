"""Deterministic fault injection for any task kind: run a whole task, "crash" the tab right after the
Nth write to either store (localStorage's twin or the blob store's twin), restart a fresh orchestrator,
executor and janitor from what was persisted, and let the user carry on; for every N.

A kind plugs in through a `KindFixture`: how to build its executor over a blob store, how the app adds
its input (input blobs first, then the task), which blobs a task needs, and what "the same output"
means. `crash_points(make_fixture)` runs the scenario once uninterrupted, then once per write.

The user's part of the scenario: add the input (again, if the reload lost it before its task
existed), optionally cancel or remove it mid-way (`Stop`), wait for the task to finish (retry it by
hand if it failed or was cancelled), take its output, remove it. After the last step, and once
young blobs' grace has passed, no blob and no task record may remain.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from dataflow.core import Orchestrator, RetryPolicy, TaskState, TaskStatus
from dataflow.core.blob_sweep import DEFAULT_GRACE, BlobJanitor, BornOf, ClaimsOf, saved_tasks
from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.clock import ManualClock
from dataflow.core.storage import MemoryStorage

S = TaskStatus
STEP_SECONDS = 1.0
MAX_STEPS = 500


class Crash(BaseException):  # noqa: N818 - not an error: the tab went away
    """The tab went away right after a write: nothing after it happens (a BaseException, so no
    `except Exception` in the code under test can swallow it)."""


@dataclass
class KindFixture:
    kind: str
    make_executor: Callable[[Any, ManualClock], Any]  # (blob store, clock) -> executor
    add: Callable[[Orchestrator, Any, float], Awaitable[str]]  # (orchestrator, blobs, now) -> task id
    claims_of: ClaimsOf
    born: BornOf
    output: Callable[[TaskState, dict], Any]  # (completed task, stored blobs) -> what must be identical


class WriteCounter:
    """Counts writes to both stores; after write number `crash_after` every write raises Crash."""

    def __init__(self, crash_after: int | None = None):
        self.crash_after = crash_after
        self.writes: list[str] = []
        self.crashed = False
        self.crash_point: str | None = None

    def before(self) -> None:
        if self.crashed:
            raise Crash("the tab is gone")

    def after(self, what: str) -> None:
        self.writes.append(what)
        if len(self.writes) == self.crash_after:
            self.crashed = True
            self.crash_point = f"after write {len(self.writes)}: {what}"
            raise Crash(self.crash_point)


class CrashingStorage:
    """MemoryStorage (localStorage's twin) seen through a WriteCounter."""

    def __init__(self, inner: MemoryStorage, counter: WriteCounter):
        self.inner, self.counter = inner, counter

    def get(self, key):
        return self.inner.get(key)

    def keys(self):
        return self.inner.keys()

    def set(self, key, value):
        self.counter.before()
        self.inner.set(key, value)
        self.counter.after(f"storage.set {key}")

    def remove(self, key):
        self.counter.before()
        self.inner.remove(key)
        self.counter.after(f"storage.remove {key}")


class CrashingBlobStore:
    """A blob store (MemoryBlobStore, IndexedDB's twin) seen through a WriteCounter. Each call is one
    write, as each is one IndexedDB transaction (all or nothing)."""

    def __init__(self, inner, counter: WriteCounter):
        self.inner, self.counter = inner, counter

    async def get(self, key):
        return await self.inner.get(key)

    async def get_many(self, keys):
        return await self.inner.get_many(keys)

    async def keys(self, prefix):
        return await self.inner.keys(prefix)

    async def put(self, key, value, mime=None):
        await self._write(f"blobs.put {key}", self.inner.put(key, value, mime))

    async def put_many(self, entries):
        await self._write(f"blobs.put_many {[key for key, _, _ in entries]}", self.inner.put_many(entries))

    async def delete_prefix(self, prefix):
        await self._write(f"blobs.delete_prefix {prefix}", self.inner.delete_prefix(prefix))

    async def delete_keys(self, keys):
        await self._write(f"blobs.delete_keys {keys}", self.inner.delete_keys(keys))

    async def _write(self, what, pending):
        try:
            self.counter.before()
        except Crash:
            pending.close()
            raise
        await pending
        self.counter.after(what)


@dataclass
class Outcome:
    """What one scenario saw: the outputs taken (one per completion), the sessions it took, the
    retries by hand, the writes counted in the session that crashed (or in the only one)."""

    outputs: list[Any] = field(default_factory=list)
    sessions: int = 0
    retries_by_hand: int = 0
    writes: list[str] = field(default_factory=list)
    crash: str | None = None
    removing: bool = False
    stopped: bool = False
    leftover_blobs: list[str] = field(default_factory=list)
    leftover_records: list[str] = field(default_factory=list)


class Session:
    """One tab's life: an orchestrator, the kind's executor and a janitor over the stores' twins."""

    def __init__(self, fixture: KindFixture, storage: MemoryStorage, blobs, clock: ManualClock,
                 counter: WriteCounter):
        self.counter, self.clock = counter, clock
        self.storage = CrashingStorage(storage, counter)
        self.blobs = CrashingBlobStore(blobs, counter)
        self.orchestrator = Orchestrator(storage=self.storage, clock=clock, retry_policy=RetryPolicy(jitter=False))
        self.orchestrator.register(fixture.kind, fixture.make_executor(self.blobs, clock))
        self.janitor = BlobJanitor(self.blobs, fixture.claims_of, live=self.orchestrator.list_tasks,
                                   persisted=lambda: saved_tasks(self.storage), clock=clock,
                                   born=fixture.born)

    async def start(self) -> None:
        """As the app's leader does: restore the tasks, subscribe the janitor, sweep at start-up."""
        self.orchestrator.subscribe(self.janitor.handle)
        self.orchestrator.start()
        self.janitor.spawn_start()
        await self.step(0)

    async def step(self, seconds: float = STEP_SECONDS) -> None:
        await self.clock.advance(seconds)
        await self.janitor.idle()
        if self.counter.crashed:
            raise Crash("the tab went away during background work")

    async def until_finished(self, task_id: str) -> TaskState:
        for _ in range(MAX_STEPS):
            state = self.orchestrator.get_task_state(task_id)
            if state.status.is_finished:
                return state
            await self.step()
        raise AssertionError(f"task {task_id} did not finish: {self.orchestrator.get_task_state(task_id)}")

    async def end(self) -> None:
        """The tab goes away: whatever it was doing stops, nothing more is written."""
        self.counter.crashed = True
        self.janitor.close()
        with contextlib.suppress(Crash):
            await self.orchestrator.close()


@dataclass(frozen=True)
class Stop:
    """The user stops the task by hand once its progress reaches `at` percent: "cancel" (then retries
    it: the output must still be the uninterrupted one) or "remove" (nothing may remain)."""

    action: str
    at: float


async def scenario(fixture: KindFixture, *, crash_after: int | None = None, stop: Stop | None = None) -> Outcome:
    """Add, run, take the output, remove; crash after write `crash_after` (None: never), then reload."""
    loop = asyncio.get_running_loop()
    handler = loop.get_exception_handler()
    loop.set_exception_handler(_quiet_about_crashes)
    try:
        return await _scenario(fixture, crash_after, stop)
    finally:
        loop.set_exception_handler(handler)


def _quiet_about_crashes(loop, context) -> None:
    """The dead tab's tasks end with Crash, unretrieved: that is the crash itself, not news."""
    if not isinstance(context.get("exception"), Crash):
        loop.default_exception_handler(context)


async def _scenario(fixture: KindFixture, crash_after: int | None, stop: Stop | None) -> Outcome:
    storage, clock, blobs = MemoryStorage(), ManualClock(start=1_700_000_000.0), MemoryBlobStore()
    outcome, counter = Outcome(), WriteCounter(crash_after)
    while True:
        session = Session(fixture, storage, blobs, clock, counter)
        outcome.sessions += 1
        try:
            await _user(session, fixture, blobs, outcome, stop)
            await session.step(DEFAULT_GRACE + 1)  # the start-up sweep's second pass spares no old orphan
            break
        except Crash:
            outcome.crash = outcome.crash or counter.crash_point
            outcome.writes = list(counter.writes)
            await session.end()
            counter = WriteCounter()  # the reloaded tab: no more crashes
    if outcome.crash is None:
        outcome.writes = list(counter.writes)
    outcome.leftover_blobs = sorted(blobs.data)
    outcome.leftover_records = sorted(key for key in storage.data if key.startswith("dataflow.task."))
    await session.end()
    return outcome


async def _user(session: Session, fixture: KindFixture, blobs, outcome: Outcome, stop: Stop | None) -> None:
    await session.start()
    tasks = session.orchestrator.list_tasks()
    if outcome.removing:  # the reload came while removing: the user removes it again if it is still there
        for task in tasks:
            session.orchestrator.remove(task.id)
        await session.step(0)
        return
    task_id = tasks[0].id if tasks else await fixture.add(session.orchestrator, session.blobs, session.clock.now())
    if stop is not None and not outcome.stopped:
        await _stop_by_hand(session, task_id, outcome, stop)
        if outcome.removing:
            return
    state = await session.until_finished(task_id)
    if state.status is not S.COMPLETED:  # a state a retry completes is acceptable, and counted
        expected = stop is not None and stop.action == "cancel" and state.status is S.CANCELLED
        outcome.retries_by_hand += 0 if expected else 1
        session.orchestrator.retry(task_id)
        state = await session.until_finished(task_id)
    assert state.status is S.COMPLETED, state.error
    await session.step(0)  # the janitor's sweep after the completion
    outcome.outputs.append(fixture.output(state, blobs.data))
    outcome.removing = True
    session.orchestrator.remove(task_id)
    await session.step(0)


async def _stop_by_hand(session: Session, task_id: str, outcome: Outcome, stop: Stop) -> None:
    for _ in range(MAX_STEPS):
        state = session.orchestrator.get_task_state(task_id)
        if state.status.is_finished or state.progress >= stop.at:
            break
        await session.step()
    outcome.stopped = True  # the user remembers having done it, reload or not
    if stop.action == "remove":
        outcome.removing = True
        session.orchestrator.remove(task_id)
        await session.step(0)
    elif not state.status.is_finished:
        session.orchestrator.cancel(task_id)


async def crash_points(make_fixture: Callable[[], KindFixture], *,
                       stop: Stop | None = None) -> tuple[Outcome, list[Outcome]]:
    """The uninterrupted run, and one run per crash point (after each of its writes); each run gets a
    fresh fixture from `make_fixture` (a fixture may hold state for the whole run, e.g. a fault)."""
    clean = await scenario(make_fixture(), stop=stop)
    return clean, [await scenario(make_fixture(), crash_after=n, stop=stop) for n in range(1, len(clean.writes) + 1)]


def assert_every_crash_completes_identically(clean: Outcome, crashed: list[Outcome], *, min_points: int) -> None:
    """The uninterrupted run completed in one session with one output and no leftovers, it made at
    least `min_points` writes, and a crash after any of them still ends, after a reload and without
    a retry by hand, with that same output and nothing left behind."""
    assert len(clean.outputs) == 1 and clean.sessions == 1 and clean.crash is None
    assert clean.leftover_blobs == [] and clean.leftover_records == []
    assert len(crashed) == len(clean.writes) >= min_points
    for point, outcome in enumerate(crashed, start=1):
        where = f"crash point {point}: {outcome.crash}"
        assert outcome.sessions == 2, where
        assert outcome.outputs and all(output == clean.outputs[0] for output in outcome.outputs), where
        assert outcome.retries_by_hand == 0, where
        assert outcome.leftover_blobs == [] and outcome.leftover_records == [], where
