"""Task statuses, stop requests and user actions, with the one table of allowed transitions and
the one table of what a user may do in each status. Standard library only."""

from __future__ import annotations

from enum import StrEnum

from dataflow.core.errors import InvalidTransitionError


class TaskStatus(StrEnum):
    """A task's status; the value is what gets persisted."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    PAUSED = "paused"
    CANCELLED = "cancelled"

    @property
    def is_finished(self) -> bool:
        """Completed, failed or cancelled: nothing runs until a user acts."""
        return self in FINISHED


class StopRequest(StrEnum):
    """What a running task was asked to do at its next stop point; the value is persisted."""

    PAUSE = "pause"
    CANCEL = "cancel"


class Action(StrEnum):
    """What a user may do to a task through the orchestrator (the panel's buttons, other tabs)."""

    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    RETRY = "retry"
    REMOVE = "remove"

    @classmethod
    def parse(cls, name: object) -> Action | None:
        """The action called `name`, or None when there is no such action."""
        try:
            return cls(str(name))
        except ValueError:
            return None


P, R, C, F, Z, X = (
    TaskStatus.PENDING, TaskStatus.RUNNING, TaskStatus.COMPLETED,
    TaskStatus.FAILED, TaskStatus.PAUSED, TaskStatus.CANCELLED,
)

# RUNNING -> PENDING: a retry is scheduled, or an interrupted run is queued again.
# PENDING/PAUSED -> FAILED: the task cannot run at all (its executor or its input is gone).
# FAILED/CANCELLED -> PENDING: retried by hand. COMPLETED is final.
TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    P: frozenset({R, Z, X, F}),
    R: frozenset({C, F, Z, X, P}),
    Z: frozenset({P, X, F}),
    F: frozenset({P}),
    X: frozenset({P}),
    C: frozenset(),
}

FINISHED = frozenset({C, F, X})


def can_transition(current: TaskStatus, target: TaskStatus) -> bool:
    """True if the transition table allows `current -> target`."""
    return target in TRANSITIONS[current]


def check_transition(current: TaskStatus, target: TaskStatus) -> TaskStatus:
    """Return `target` if `current -> target` is allowed; raise InvalidTransitionError if not."""
    if not can_transition(current, target):
        raise InvalidTransitionError(current.value, target.value, frozenset(s.value for s in TRANSITIONS[current]))
    return target


# What a user may do to a task, by status. A running task is paused or cancelled at its next
# stop point, so "pause" and "cancel" on it are requests; "resume" on it withdraws a pending pause.
ACTIONS: dict[Action, frozenset[TaskStatus]] = {
    Action.PAUSE: frozenset({P, R}),
    Action.RESUME: frozenset({Z, R}),
    Action.CANCEL: frozenset({P, Z, R}),
    Action.RETRY: frozenset({F, X}),
    Action.REMOVE: frozenset(TaskStatus),
}


def allowed_actions(status: TaskStatus, stop_requested: StopRequest | None = None) -> frozenset[Action]:
    """The actions a user may take now; a stop already requested narrows what a running task allows."""
    allowed = {action for action, statuses in ACTIONS.items() if status in statuses}
    if status is R:
        if stop_requested is not None:
            allowed.discard(Action.PAUSE)
        if stop_requested != StopRequest.PAUSE:
            allowed.discard(Action.RESUME)
        if stop_requested == StopRequest.CANCEL:
            allowed.discard(Action.CANCEL)
    return frozenset(allowed)


def check_action(action: Action, status: TaskStatus, stop_requested: StopRequest | None = None) -> None:
    """Raise InvalidTransitionError with a clear reason if `action` is not allowed now."""
    if action not in allowed_actions(status, stop_requested):
        where = f"{status.value} (a {stop_requested} is already requested)" if stop_requested else status.value
        can = ", ".join(sorted(allowed_actions(status, stop_requested)))
        raise InvalidTransitionError(status.value, action, frozenset(),
                                     f"cannot {action} a task that is {where}; it can: {can}")
