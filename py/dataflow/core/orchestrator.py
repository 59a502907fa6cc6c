"""The Orchestrator: creates, queues, runs, retries, pauses, restores and removes tasks.

Every status change goes through `check_transition`; every change is persisted through the
TaskStore and announced to subscribers as a TaskEvent. Time comes from the injected Clock.
Secrets given on retry live in this object's memory only and reach the executor through its
ExecutionContext; only their names are persisted. Standard library only: no `js`, `pyodide` or
`pyscript`, and no executor package.
"""

from __future__ import annotations

import asyncio
import json
import random
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from dataflow.core import events
from dataflow.core.clock import Clock, SystemClock
from dataflow.core.errors import (
    DataflowError,
    NonRetryableError,
    RetryAfterError,
    SecretMissingError,
    TaskCancelledError,
    TaskPausedError,
    UnknownTaskError,
    secret_missing_message,
)
from dataflow.core.events import EventType, TaskEvent
from dataflow.core.executor import ExecutionContext, TaskExecutor, as_executor
from dataflow.core.model import AttemptRecord, TaskError, TaskState
from dataflow.core.persistence import DEFAULT_PREFIX, LoadResult, TaskStore
from dataflow.core.queue import ReadyQueue
from dataflow.core.retry import RetryPolicy
from dataflow.core.status import Action, StopRequest, TaskStatus, check_action, check_transition
from dataflow.core.storage import MemoryStorage, Storage

Listener = Callable[[TaskEvent], None]
S = TaskStatus
STOP_TARGETS = {StopRequest.PAUSE: S.PAUSED, StopRequest.CANCEL: S.CANCELLED}  # where an interrupted stop lands


class Orchestrator:
    """Runs registered executors as durable tasks. Register executors, subscribe, then `start()`."""

    def __init__(self, *, storage: Storage | None = None, clock: Clock | None = None,
                 concurrency: int = 1, retry_policy: RetryPolicy | None = None,
                 history_limit: int = 500, progress_interval: float = 0.25,
                 storage_prefix: str = DEFAULT_PREFIX, rng: Callable[[], float] = random.random,
                 id_factory: Callable[[], str] = lambda: uuid.uuid4().hex):
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if history_limit < 0:
            raise ValueError(f"history_limit must not be negative, got {history_limit}")
        self.clock = clock or SystemClock()
        self.concurrency = concurrency
        self.retry_policy = retry_policy or RetryPolicy()
        self.history_limit = history_limit
        self.warnings: list[str] = []
        self._rng, self._new_id = rng, id_factory
        self._tasks: dict[str, TaskState] = {}
        self._finished: dict[str, None] = {}  # ids of finished tasks, oldest finish first
        self._executors: dict[str, TaskExecutor] = {}
        self._limits: dict[str, int] = {}  # kind -> how many of its tasks may run at once
        self._secrets: dict[str, dict[str, str]] = {}  # task id -> secrets by name: memory only
        self._queue = ReadyQueue()
        self._running: dict[str, asyncio.Future] = {}
        self._contexts: dict[str, ExecutionContext] = {}  # task id -> the context of its running attempt
        self._listeners: list[Listener] = []
        self._on_complete: list[Callable[[TaskState], None]] = []
        self._wakeup: asyncio.Future | None = None
        self._wakeup_at: float | None = None
        self._started = False
        self.store = TaskStore(storage if storage is not None else MemoryStorage(), self.clock,
                               prefix=storage_prefix, min_interval=progress_interval, on_warning=self._warn)
        self.store.bind(lambda: self._tasks)

    # Registration and subscriptions --------------------------------------------------------

    def register(self, kind: str, executor: Any, *, concurrency: int | None = None) -> None:
        """Make `executor` the code for tasks of `kind`, also for tasks restored after a reload.

        `concurrency` limits how many tasks of this kind run at once (None: only the orchestrator's
        overall limit applies); tasks of one kind start in the order they became eligible.
        Raises ValueError for an empty kind or a limit under 1, TypeError for a non-executor."""
        if not kind or not isinstance(kind, str):
            raise ValueError("an executor's kind must be a non-empty string")
        if concurrency is not None and concurrency < 1:
            raise ValueError(f"concurrency of {kind!r} must be at least 1, got {concurrency}")
        self._executors[kind] = as_executor(executor)
        if concurrency is None:
            self._limits.pop(kind, None)
        else:
            self._limits[kind] = concurrency

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(event)` on every change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def on_task_complete(self, callback: Callable[[TaskState], None]) -> Callable[[], None]:
        """Call `callback(state)` whenever a task completes; returns a function that removes it."""
        self._on_complete.append(callback)
        return lambda: self._on_complete.remove(callback) if callback in self._on_complete else None

    # Start-up ------------------------------------------------------------------------------

    def start(self) -> list[str]:
        """Load saved tasks and resume them; returns (and emits) the warnings of the load."""
        if self._started:
            return []
        self._started = True
        return self._resume(self.store.load())

    async def start_in_slices(self, **slicing: Any) -> list[str]:
        """As `start`, reading the saved tasks in slices that yield to the event loop (TaskStore.
        load_in_slices; `slicing` passes its budget, now and pause): in the browser, thousands of
        tasks in history make no long task. Only unfinished tasks are then restored."""
        if self._started:
            return []
        self._started = True
        return self._resume(await self.store.load_in_slices(**slicing))

    def _resume(self, loaded: LoadResult) -> list[str]:
        for task in loaded.tasks:
            self._tasks[task.id] = task
        for task in sorted(loaded.tasks, key=lambda t: t.finished_at or 0.0):
            if task.status.is_finished:
                self._finished[task.id] = None
        for task in loaded.tasks:
            self._restore(task)
        for message in loaded.warnings:
            self._warn(message)
        self.store.flush()
        self._pump()
        return list(loaded.warnings)

    def _restore(self, task: TaskState) -> None:
        if task.status.is_finished:
            return
        if task.status is S.RUNNING:
            self._mark_interrupted(task)
            self.store.changed(task.id, urgent=True)
        if task.kind not in self._executors and not task.status.is_finished:
            self._fail_unrunnable(task, f"No executor is registered for tasks of kind {task.kind!r}, "
                                        "so this task cannot run in this version of the app.")
            return
        if task.status is S.PENDING and self._missing_secrets(task):
            # given before the reload, forgotten since: ask now, not when a long wait (a provider's
            # Retry-After) ends; the wait is kept, so a retry with them still starts no earlier
            self._fail_for_secrets(task, keep_wait=True)
            return
        if task.status is S.PENDING:
            self._enqueue(task, front=True)

    def _mark_interrupted(self, task: TaskState) -> None:
        """A task that was running when the tab went away: the same try continues later."""
        if task.attempts and task.attempts[-1].ended_at is None:
            task.attempts[-1] = task.attempts[-1].ended(task.last_updated, "interrupted")
        target = STOP_TARGETS[task.stop_requested] if task.stop_requested else S.PENDING
        task.stop_requested = None
        self._set_status(task, target)
        if target is S.CANCELLED:
            task.finished_at = self.clock.now()

    def _fail_unrunnable(self, task: TaskState, message: str, error_type: str = "UnknownExecutor", *,
                         keep_wait: bool = False) -> None:
        """FAILED without an attempt. `keep_wait` keeps a future `next_attempt_at`: the time a retry
        may start (see `retry`); otherwise it is cleared."""
        task.error = TaskError(type=error_type, message=message, attempt=task.attempt,
                               retryable=False, at=self.clock.now())
        self._set_status(task, S.FAILED)
        task.finished_at = self.clock.now()
        if not keep_wait:
            task.next_attempt_at = None
        self.store.changed(task.id, urgent=True)

    def _missing_secrets(self, task: TaskState) -> list[str]:
        return [name for name in task.secret_names if name not in self._secrets.get(task.id, {})]

    def _fail_for_secrets(self, task: TaskState, *, keep_wait: bool = False) -> None:
        # by name here (the orchestrator knows no labels); a row says it with its kind's SecretPrompt
        message = secret_missing_message(" and ".join(self._missing_secrets(task)))
        self._fail_unrunnable(task, message, SecretMissingError.__name__, keep_wait=keep_wait)

    # The public API ------------------------------------------------------------------------

    def execute_task(self, name: str, executor_or_kind: Any, input: Any = None, *,  # noqa: A002
                     metadata: dict | None = None, retry_policy: RetryPolicy | None = None,
                     secrets: Mapping[str, str] | None = None) -> str:
        """Create a task and queue it; returns its id. The executor is given by its registered kind,
        or as an object (registered under its `kind` attribute or its class name). `secrets` (an API
        key, by name) are kept in memory only, as those given to `retry`."""
        kind = self._kind_of(executor_or_kind)
        _require_json(input, "a task's input")
        _require_json(metadata or {}, "a task's metadata")
        policy = retry_policy or self.retry_policy
        now = self.clock.now()
        task = TaskState(id=self._new_id(), name=str(name), kind=kind, input=input,
                         metadata=dict(metadata or {}), retry_policy=policy,
                         max_retries=policy.max_retries, created_at=now, last_updated=now, queued_at=now)
        if secrets:
            self._secrets[task.id] = {str(k): str(v) for k, v in secrets.items()}
            task.secret_names = sorted(self._secrets[task.id])
        self._tasks[task.id] = task
        self._enqueue(task)
        self.store.changed(task.id, urgent=True)
        self._emit(events.ADDED, task)
        self._pump()
        return task.id

    def get_task_state(self, task_id: str) -> TaskState:
        """A snapshot of the task; UnknownTaskError if there is none with this id."""
        return self._get(task_id).snapshot()

    def secrets_of(self, task_id: str) -> dict[str, str]:
        """A copy of the secrets (by name) given to the task in this page's life, completed or not: a
        task made from its result may use them again (an enrichment's retry, same provider). Memory
        only; {} when none were given, since a reload, or for an unknown task."""
        return dict(self._secrets.get(task_id, {}))

    def list_tasks(self, *, finished: bool | None = None) -> list[TaskState]:
        """Every task, oldest first; with `finished` True or False, only those finished or not (the
        few live ones among thousands in history, without a snapshot of each of the others)."""
        if finished is None:
            return [task.snapshot() for task in self._tasks.values()]
        return [task.snapshot() for task in self._tasks.values() if task.status.is_finished is finished]

    def iter_tasks(self) -> Iterator[TaskState]:
        """Every task, oldest first, as `list_tasks`, but each snapshot is taken when the iterator
        reaches it: a loop in slices (core/slices.py) spreads the snapshots of thousands of tasks over
        several turns of the event loop. The ids are listed when the iteration starts; a task removed
        before it is reached is left out, one changed before it is reached comes as it is then."""
        for task_id in list(self._tasks):
            task = self._tasks.get(task_id)
            if task is not None:
                yield task.snapshot()

    def task_ids(self) -> set[str]:
        """The ids of every task (no snapshots)."""
        return set(self._tasks)

    def act(self, action: Action, task_id: str, *, secrets: Mapping[str, str] | None = None) -> None:
        """Apply a user's `action` (the panel's buttons, another tab's request) to a task.

        `secrets` only go with Action.RETRY. Raises UnknownTaskError, or InvalidTransitionError
        when the action is not allowed in the task's status (core.status.ACTIONS)."""
        if action is Action.RETRY:
            self.retry(task_id, secrets=secrets)
            return
        {Action.PAUSE: self.pause, Action.RESUME: self.resume, Action.CANCEL: self.cancel,
         Action.REMOVE: self.remove}[action](task_id)

    def pause(self, task_id: str) -> None:
        """Pause a queued task now, or a running one at its next stop point."""
        task = self._get_for(Action.PAUSE, task_id)
        if task.status is S.RUNNING:
            self._request_stop(task, StopRequest.PAUSE)
            return
        self._queue.discard(task.id)
        self._change(task, S.PAUSED)

    def resume(self, task_id: str) -> None:
        """Queue a paused task again (it continues from its checkpoint), or withdraw a pending pause."""
        task = self._get_for(Action.RESUME, task_id)
        if task.status is S.RUNNING:
            self._request_stop(task, None)
            return
        self._change(task, S.PENDING, enqueue=True)

    def cancel(self, task_id: str) -> None:
        """Cancel a queued or paused task now, or a running one at its next stop point."""
        task = self._get_for(Action.CANCEL, task_id)
        if task.status is S.RUNNING:
            self._request_stop(task, StopRequest.CANCEL)
            return
        self._queue.discard(task.id)
        self._change(task, S.CANCELLED, finished=True)

    def retry(self, task_id: str, *, secrets: Mapping[str, str] | None = None) -> None:
        """Run a failed or cancelled task again, with a fresh set of attempts, from its checkpoint.

        `secrets` (a password, an API key, by name) reach the executor as `ctx.secrets` on this and
        later attempts. They stay in this object's memory: never persisted (only their names are,
        so that after a reload the task asks for them again), never in an event. A failed task that
        still has a future `next_attempt_at` (it lost its secrets during a wait: see `_restore`)
        starts no earlier than that."""
        task = self._get_for(Action.RETRY, task_id)
        if secrets:
            self._secrets[task_id] = {**self._secrets.get(task_id, {}), **{str(k): str(v) for k, v in secrets.items()}}
            task.secret_names = sorted(set(task.secret_names) | set(self._secrets[task_id]))
        waiting = task.status is S.FAILED and (task.next_attempt_at or 0.0) > self.clock.now()
        task.retry_count, task.finished_at = 0, None
        task.next_attempt_at = task.next_attempt_at if waiting else None
        self._change(task, S.PENDING, enqueue=True)

    def remove(self, task_id: str) -> None:
        """Forget a task (a running one is cancelled first). Subscribers get a "removed" event."""
        task = self._get(task_id)
        if task.status is S.RUNNING:
            task.stop_requested = StopRequest.CANCEL
            self._wake(task)
        self._secrets.pop(task_id, None)
        self._queue.discard(task_id)
        self._finished.pop(task_id, None)
        del self._tasks[task_id]
        self.store.removed(task_id)
        self._emit(events.REMOVED, task)

    def set_concurrency(self, concurrency: int) -> None:
        """How many tasks (of all kinds) may run at once; ValueError under 1."""
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self.concurrency = concurrency
        self._pump()

    async def wait_idle(self) -> None:
        """Wait until no task is running and none is due (tasks waiting for a retry may remain)."""
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)
            await asyncio.sleep(0)

    def flush(self) -> None:
        """Write every pending change to storage now (e.g. before the tab goes away)."""
        self.store.flush()

    async def close(self) -> None:
        """Stop timers and persist; running tasks are left to resume on the next start."""
        if self._wakeup is not None:
            self._wakeup.cancel()
        for running in list(self._running.values()):
            running.cancel()
        await asyncio.gather(*list(self._running.values()), return_exceptions=True)
        self.store.close()

    # Running -------------------------------------------------------------------------------

    def _pump(self) -> None:
        """Start due tasks while slots are free; arrange to wake up when the next one is due."""
        now = self.clock.now()
        while len(self._running) < self.concurrency:
            task_id = self._queue.pop_due(now, self._admit)
            if task_id is None:
                break
            self._start(self._tasks[task_id])
        self._schedule_wakeup(now)

    def _admit(self, task_id: str) -> bool:
        """May this queued task start now? Only while its kind is under its own limit."""
        kind = self._tasks[task_id].kind
        limit = self._limits.get(kind)
        return limit is None or sum(1 for running in self._running if self._tasks[running].kind == kind) < limit

    def _schedule_wakeup(self, now: float) -> None:
        due = self._queue.next_eligible_at(self._admit) if len(self._running) < self.concurrency else None
        if due == self._wakeup_at and self._wakeup is not None and not self._wakeup.done():
            return
        if self._wakeup is not None:
            self._wakeup.cancel()
        self._wakeup, self._wakeup_at = None, due
        if due is not None and due > now:
            self._wakeup = asyncio.ensure_future(self._wake_at(due))

    async def _wake_at(self, due: float) -> None:
        await self.clock.sleep(due - self.clock.now())
        self._wakeup, self._wakeup_at = None, None
        self._pump()

    def _start(self, task: TaskState) -> None:
        if self._missing_secrets(task):  # given before a reload, forgotten since: wait for them instead of failing
            self._fail_for_secrets(task)
            self._emit(events.CHANGED, task)
            return
        now = self.clock.now()
        self._set_status(task, S.RUNNING)
        task.start_time = task.start_time or now
        task.next_attempt_at = None
        task.stop_requested = None
        task.attempts.append(AttemptRecord(number=task.next_attempt_number, started_at=now))
        self.store.changed(task.id, urgent=True)
        self._emit(events.CHANGED, task)
        ctx = ExecutionContext(
            task_id=task.id, attempt=task.attempt, checkpoint_data=task.checkpoint,
            on_progress=lambda percent, message: self._progress(task, percent, message),
            on_checkpoint=lambda data: self._checkpoint(task, data),
            stop_requested=lambda: task.stop_requested, secrets=self._secrets.get(task.id),
            on_wait=lambda waiting: self._waiting(task, waiting),
        )
        self._contexts[task.id] = ctx
        self._running[task.id] = asyncio.ensure_future(self._run_attempt(task, ctx))

    async def _run_attempt(self, task: TaskState, ctx: ExecutionContext) -> None:
        executor = self._executors[task.kind]
        try:
            result = await executor.execute(task.input, ctx)
            _require_json(result, "a task's result", NonRetryableError)
        except TaskCancelledError:
            outcome, payload = S.CANCELLED, None
        except TaskPausedError:
            outcome, payload = S.PAUSED, None
        except asyncio.CancelledError:
            self._running.pop(task.id, None)
            raise  # the orchestrator is closing: the task stays "running" and resumes on next start
        except Exception as error:  # any executor failure becomes the task's recorded error
            outcome, payload = S.FAILED, error
        else:
            outcome, payload = S.COMPLETED, result
        finally:
            self._running.pop(task.id, None)
            self._contexts.pop(task.id, None)
        if self._tasks.get(task.id) is task:
            self._settle(task, outcome, payload)
        self._pump()

    def _settle(self, task: TaskState, outcome: TaskStatus, payload: Any) -> None:
        now = self.clock.now()
        if outcome is S.FAILED and task.stop_requested is StopRequest.CANCEL:
            outcome = S.CANCELLED  # the user asked to stop; the failure on the way out is moot
        error = payload if outcome is S.FAILED else None
        task.attempts[-1] = task.attempts[-1].ended(now, outcome.value, _message_of(error) if error else None)
        task.stop_requested = None
        if outcome is S.COMPLETED:
            task.result, task.progress, task.error = payload, 100.0, None
            self._change(task, S.COMPLETED, finished=True)
            self._notify_complete(task)
        elif outcome is S.FAILED:
            self._fail_or_retry(task, payload, now)
        else:
            self._change(task, outcome, finished=outcome is S.CANCELLED)
        self._prune_history()

    def _fail_or_retry(self, task: TaskState, error: BaseException, now: float) -> None:
        retryable = not isinstance(error, NonRetryableError) and task.retry_policy.is_retryable(
            type(error).__name__)
        task.error = TaskError(type=type(error).__name__, message=_message_of(error),
                               traceback=_traceback_of(error),
                               attempt=task.attempt, retryable=retryable, at=now)
        if retryable and task.retry_count < task.max_retries:
            task.retry_count += 1
            not_before = error.not_before if isinstance(error, RetryAfterError) else None
            task.next_attempt_at = task.retry_policy.next_attempt_at(task.retry_count, now, not_before=not_before,
                                                                     rng=self._rng)
            self._change(task, S.PENDING, enqueue=True)
        else:
            self._change(task, S.FAILED, finished=True)

    def _progress(self, task: TaskState, percent: float, message: str | None) -> None:
        task.progress, task.progress_message = percent, message
        task.last_updated = self.clock.now()
        if self._tasks.get(task.id) is task:
            self.store.changed(task.id, urgent=False)
            self._emit(events.PROGRESS, task)

    def _waiting(self, task: TaskState, waiting: bool) -> None:
        """The running attempt waits for a resource (`waiting`) or no longer: its record keeps the wait
        apart from its running time (AttemptRecord.waited). A wait ended by a stop request takes its
        word ("Waiting for a free worker…") off the row it no longer describes."""
        if self._tasks.get(task.id) is not task or not task.attempts:
            return
        now = self.clock.now()
        record = task.attempts[-1]
        task.attempts[-1] = replace(record, waiting_since=now) if waiting else record.wait_closed(now)
        if not waiting and task.stop_requested is not None:
            task.progress_message = None
        task.last_updated = now
        self.store.changed(task.id, urgent=True)
        self._emit(events.CHANGED, task)

    def _checkpoint(self, task: TaskState, data: Any) -> None:
        task.checkpoint = data
        task.last_updated = self.clock.now()
        if self._tasks.get(task.id) is task:
            self.store.changed(task.id, urgent=True)

    # State changes -------------------------------------------------------------------------

    def _get(self, task_id: str) -> TaskState:
        try:
            return self._tasks[task_id]
        except KeyError:
            raise UnknownTaskError(task_id) from None

    def _get_for(self, action: Action, task_id: str) -> TaskState:
        task = self._get(task_id)
        check_action(action, task.status, task.stop_requested)
        return task

    def _kind_of(self, executor_or_kind: Any) -> str:
        if isinstance(executor_or_kind, str):
            if executor_or_kind not in self._executors:
                known = ", ".join(sorted(self._executors)) or "none"
                raise DataflowError(f"no executor is registered for kind {executor_or_kind!r} (known: {known})")
            return executor_or_kind
        kind = str(getattr(executor_or_kind, "kind", None) or getattr(
            executor_or_kind, "__qualname__", type(executor_or_kind).__qualname__))
        if kind not in self._executors:
            self.register(kind, executor_or_kind)
        return kind

    def _set_status(self, task: TaskState, target: TaskStatus) -> None:
        task.status = check_transition(task.status, target)
        task.last_updated = self.clock.now()
        self._finished.pop(task.id, None)
        if target.is_finished:
            self._finished[task.id] = None

    def _change(self, task: TaskState, target: TaskStatus, *, enqueue: bool = False,
                finished: bool = False) -> None:
        """Apply a transition, queue the task if asked, persist at once, tell subscribers."""
        self._set_status(task, target)
        if finished:
            task.finished_at = self.clock.now()
        if enqueue:
            task.queued_at = self.clock.now()
            self._enqueue(task)
        self.store.changed(task.id, urgent=True)
        self._emit(events.CHANGED, task)
        self._pump()

    def _enqueue(self, task: TaskState, *, front: bool = False) -> None:
        base = (task.queued_at or task.created_at) if front else self.clock.now()
        self._queue.push(task.id, max(base, task.next_attempt_at or base))

    def _request_stop(self, task: TaskState, request: StopRequest | None) -> None:
        task.stop_requested = request
        task.last_updated = self.clock.now()
        self.store.changed(task.id, urgent=True)
        self._emit(events.CHANGED, task)
        self._wake(task)

    def _wake(self, task: TaskState) -> None:
        """Tell the running attempt of `task` its stop request changed (one waiting for a worker
        stops at once: ExecutionContext.waiting)."""
        ctx = self._contexts.get(task.id)
        if ctx is not None:
            ctx.stop_changed()

    def _prune_history(self) -> None:
        """Remove the oldest finished tasks beyond `history_limit`, each with a warning that names it
        (a user who keeps every task learns why one went)."""
        while len(self._finished) > self.history_limit:
            oldest = self._tasks[next(iter(self._finished))]
            self.remove(oldest.id)
            self._warn(f"The history keeps the latest {self.history_limit:,} finished tasks: the oldest, "
                       f"\u201c{oldest.name}\u201d, was removed with its result.")

    # Notifications -------------------------------------------------------------------------

    def _emit(self, kind: EventType, task: TaskState | None = None, message: str | None = None) -> None:
        event = TaskEvent(type=kind, task_id=task.id if task else None,
                          task=task.snapshot() if task else None, message=message)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception as error:  # a broken subscriber must not break the orchestrator
                if kind != events.WARNING:
                    self._warn(f"A subscriber failed on a {kind} event: {_message_of(error)}")

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        self._emit(events.WARNING, message=message)

    def _notify_complete(self, task: TaskState) -> None:
        for callback in list(self._on_complete):
            try:
                callback(task.snapshot())
            except Exception as error:  # same reason as in _emit
                self._warn(f"An on_task_complete callback failed: {_message_of(error)}")


def _traceback_of(error: BaseException) -> str:
    """The traceback a failed attempt records, for developers: none for an error raised on purpose
    (a DataflowError, such as an executor's bad-input errors: its message and type say it all), the
    worker's own for an error a worker did not expect, this side's for any other exception."""
    if isinstance(error, DataflowError):
        return error.remote_traceback
    return "".join(traceback.format_exception(error))


def _message_of(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _require_json(value: Any, what: str, error_type: type[Exception] = TypeError) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise error_type(f"{what} must be JSON-serialisable: {error}") from error
