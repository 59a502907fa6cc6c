"""The persisted records: TaskState, its TaskError and its attempt history. Standard library only.

Every record round-trips through plain JSON (`to_dict`/`from_dict`). Reads tolerate missing
fields (older saves) and raise CorruptRecordError, never a bare KeyError, on wrong shapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

from dataflow.core.errors import CorruptRecordError
from dataflow.core.retry import RetryPolicy
from dataflow.core.status import StopRequest, TaskStatus

JSON = Any


@dataclass
class TaskError:
    """What went wrong in one attempt, for the panel (message) and for developers (traceback)."""

    type: str
    message: str
    traceback: str = ""
    attempt: int = 1
    retryable: bool = True
    at: float | None = None

    def to_dict(self) -> dict[str, JSON]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, JSON]) -> TaskError:
        return cls(
            type=str(data.get("type", "Error")),
            message=str(data.get("message", "")),
            traceback=str(data.get("traceback", "")),
            attempt=int(data.get("attempt", 1)),
            retryable=bool(data.get("retryable", True)),
            at=_optional_float(data.get("at")),
        )


@dataclass
class AttemptRecord:
    """One run of a task: `outcome` is completed, failed, paused, cancelled or interrupted.

    `number` counts the task's runs, 1, 2, 3… (Temporal's attempt): a run cut short by a reload or
    a pause and the run that continues it are two attempts, although neither uses a try of the
    retry budget (`TaskState.attempt`). `waited` is the seconds of this run spent waiting for a
    resource before or between its work (a free worker: `ExecutionContext.waiting`), and
    `waiting_since` the start of a wait still open; neither counts as running time."""

    number: int
    started_at: float
    ended_at: float | None = None
    outcome: str | None = None
    error: str | None = None
    waited: float = 0.0
    waiting_since: float | None = None

    def ran(self, end: float) -> float:
        """Seconds this run worked up to `end` (its end if it has one): its span less its waits."""
        stop = self.ended_at if self.ended_at is not None else end
        open_wait = max(0.0, stop - self.waiting_since) if self.waiting_since is not None else 0.0
        return max(0.0, stop - self.started_at - self.waited - open_wait)

    def wait_closed(self, at: float) -> AttemptRecord:
        """This record with an open wait ended at `at` (added to `waited`); itself if none is open."""
        if self.waiting_since is None:
            return self
        return replace(self, waited=self.waited + max(0.0, at - self.waiting_since), waiting_since=None)

    def ended(self, at: float, outcome: str, error: str | None = None) -> AttemptRecord:
        """This record closed at `at` with its `outcome` (an open wait ends there too)."""
        return replace(self.wait_closed(at), ended_at=at, outcome=outcome, error=error)

    def to_dict(self) -> dict[str, JSON]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, JSON]) -> AttemptRecord:
        return cls(
            number=int(data.get("number", 1)),
            started_at=float(data["started_at"]),
            ended_at=_optional_float(data.get("ended_at")),
            outcome=data.get("outcome"),
            error=data.get("error"),
            waited=float(data.get("waited") or 0.0),
            waiting_since=_optional_float(data.get("waiting_since")),
        )


@dataclass
class TaskState:
    """Everything known about one task; this is what is persisted and what the panel shows.

    `retry_count` counts automatic retries already used; the try in progress is
    `retry_count + 1` of `max_retries + 1`. Pausing or an interrupted tab does not use a try (but
    each run is an attempt of its own in `attempts`: see AttemptRecord).
    """

    id: str
    name: str
    kind: str
    status: TaskStatus = TaskStatus.PENDING
    progress: float = 0.0
    progress_message: str | None = None
    input: JSON = None
    metadata: dict[str, JSON] = field(default_factory=dict)
    result: JSON = None
    error: TaskError | None = None
    checkpoint: JSON = None
    retry_count: int = 0
    max_retries: int = 3
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    created_at: float = 0.0
    start_time: float | None = None
    last_updated: float = 0.0
    finished_at: float | None = None
    next_attempt_at: float | None = None
    queued_at: float | None = None
    stop_requested: StopRequest | None = None
    attempts: list[AttemptRecord] = field(default_factory=list)
    secret_names: list[str] = field(default_factory=list)  # names only: the values live in memory

    def run_seconds(self, now: float) -> float | None:
        """Seconds this task has spent running: the sum of its runs (attempt records, one per run, so
        time paused, waiting in the queue, for a retry or for a free worker does not count); an open
        run counts to `now` while the task runs, else to its last update (a run a closed tab left
        open). None when no run is recorded."""
        if not self.attempts:
            return None
        end = now if self.status is TaskStatus.RUNNING else self.last_updated
        return sum(record.ran(end) for record in self.attempts)

    @property
    def next_attempt_number(self) -> int:
        """The number of the next run's AttemptRecord: one more than the last (1 for the first)."""
        return self.attempts[-1].number + 1 if self.attempts else 1

    @property
    def attempt(self) -> int:
        """The try this is (or was last), 1-based."""
        return self.retry_count + 1

    @property
    def max_attempts(self) -> int:
        return self.max_retries + 1

    def snapshot(self) -> TaskState:
        """A copy that later changes to this task do not reach (records are replaced, not mutated).

        Copied attribute by attribute, not through `dataclasses.replace` (which runs `__init__` and
        costs several times more): start-up takes thousands of snapshots of saved tasks."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.metadata, copy.attempts = dict(self.metadata), list(self.attempts)
        copy.secret_names = list(self.secret_names)
        return copy

    def to_dict(self) -> dict[str, JSON]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["status"] = self.status.value
        data["error"] = self.error.to_dict() if self.error else None
        data["retry_policy"] = self.retry_policy.to_dict()
        data["attempts"] = [a.to_dict() for a in self.attempts]
        return data

    @classmethod
    def from_dict(cls, data: JSON) -> TaskState:
        """Read a stored task; raise CorruptRecordError if it cannot be one."""
        if not isinstance(data, dict):
            raise CorruptRecordError(f"a task record must be an object, not {type(data).__name__}")
        try:
            return cls._from_dict(data)
        except CorruptRecordError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            label = data.get("id", "?")
            raise CorruptRecordError(f"task {label!r} is unreadable: {type(error).__name__}: {error}") from error

    @classmethod
    def _from_dict(cls, data: dict[str, JSON]) -> TaskState:
        task_id, name, kind = data["id"], data.get("name", ""), data.get("kind", "")
        if not isinstance(task_id, str) or not task_id:
            raise CorruptRecordError(f"task id must be a non-empty string, got {task_id!r}")
        metadata = data.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise CorruptRecordError(f"task {task_id!r}: metadata must be an object")
        policy = RetryPolicy.from_dict(data.get("retry_policy"))
        created_at = float(data.get("created_at") or 0.0)
        return cls(
            id=task_id,
            name=str(name),
            kind=str(kind),
            status=TaskStatus(data.get("status", "pending")),
            progress=_clamp_progress(data.get("progress", 0.0)),
            progress_message=data.get("progress_message"),
            input=data.get("input"),
            metadata=metadata,
            result=data.get("result"),
            error=_read_error(data.get("error")),
            checkpoint=data.get("checkpoint"),
            retry_count=int(data.get("retry_count", 0)),
            max_retries=int(data.get("max_retries", policy.max_retries)),
            retry_policy=policy,
            created_at=created_at,
            start_time=_optional_float(data.get("start_time")),
            last_updated=float(data["last_updated"] if data.get("last_updated") is not None else created_at),
            finished_at=_optional_float(data.get("finished_at")),
            next_attempt_at=_optional_float(data.get("next_attempt_at")),
            queued_at=_optional_float(data.get("queued_at")),
            stop_requested=StopRequest(data["stop_requested"]) if data.get("stop_requested") else None,
            attempts=[AttemptRecord.from_dict(a) for a in data.get("attempts") or []],
            secret_names=[str(name) for name in data.get("secret_names") or []],
        )


def _read_error(value: JSON) -> TaskError | None:
    if not value:
        return None
    if isinstance(value, str):  # older saves kept the message only
        return TaskError(type="Error", message=value)
    return TaskError.from_dict(value)


def _optional_float(value: JSON) -> float | None:
    return None if value is None else float(value)


def _clamp_progress(value: JSON) -> float:
    number = float(value)
    if math.isnan(number):
        return 0.0
    return min(100.0, max(0.0, number))
