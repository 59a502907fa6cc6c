"""The few exception types of the orchestrator. Standard library only."""

from __future__ import annotations


class DataflowError(Exception):
    """Base of every error raised on purpose (by the orchestrator or an executor: bad input, a wrong
    password ...): its message is meant for the user, so a failed task records no traceback for it.
    `remote_traceback` is the traceback a worker sent with an error of a class it did not expect
    (carried in a WorkerError), for developers; empty otherwise."""

    remote_traceback: str = ""


class NonRetryableError(DataflowError):
    """Raised by an executor when retrying cannot help (bad input): the task fails at once."""


class InputMissingError(NonRetryableError):
    """The task's input (a stored file, say) is gone, so the task cannot run again."""


class InputUnreadableError(InputMissingError):
    """The task's input file is there but cannot be read now (its permissions changed, an I/O
    error): retrying at once cannot help; once it is readable again, a retry can."""


class InvalidTransitionError(DataflowError):
    """A status change that the transition table does not allow; nothing was changed."""

    def __init__(self, current: str, target: str, allowed: frozenset[str], reason: str | None = None):
        self.current, self.target, self.allowed = current, target, allowed
        options = ", ".join(sorted(allowed)) or "nothing (it is final)"
        super().__init__(reason or f"cannot go from {current} to {target}; {current} can go to {options}")


class UnknownTaskError(DataflowError, KeyError):
    """No task has this id."""

    def __str__(self) -> str:
        return f"no task with id {self.args[0]!r}"


class CorruptRecordError(DataflowError):
    """A stored record could not be read; it is reported and skipped, never fatal."""


class StorageFullError(DataflowError):
    """The storage refused a write because its quota is used up."""


class TaskStopRequested(DataflowError):  # noqa: N818 - control flow, not an error for users
    """Base of the exceptions that `ctx.raise_if_cancelled()` uses to stop an executor."""


class TaskCancelledError(TaskStopRequested):
    """The task was cancelled while it ran."""


class TaskPausedError(TaskStopRequested):
    """The task was paused while it ran; it resumes from its last checkpoint."""


class RetryAfterError(DataflowError):
    """The executor may try again, but not before `not_before` (epoch seconds; an HTTP 429's
    Retry-After, say). The orchestrator waits for the later of its backoff delay and that time,
    capped by the retry policy's `maximum_retry_after`. Retryable unless the policy names it."""

    def __init__(self, message: str, *, not_before: float):
        super().__init__(message)
        self.not_before = float(not_before)


class SecretMissingError(NonRetryableError):
    """The task needs a secret (a password, an API key) that this page does not hold: secrets live
    in memory only, so a reload forgets them. `names` lists the secrets the task was given before."""

    def __init__(self, message: str, *, names: tuple[str, ...] = ()):
        super().__init__(message)
        self.names = tuple(names)


def secret_missing_message(what: str) -> str:
    """What a task that lost `what` ("API key", "password") says: in a reload, or when the tab that
    ran it closed and another took over."""
    return (f"This task needs its {what} again: secrets are kept in memory only, so they are forgotten "
            f"when the page reloads or the tab that ran the task closes. Enter the {what} to continue.")


class WorkerError(DataflowError):
    """A worker failed in a way that may pass (it crashed, was restarted, did not start): retried."""


class WorkerRejectedError(NonRetryableError):
    """A worker reported an error of a class this side does not know, marked not retryable."""


class WorkerTimeoutError(NonRetryableError):
    """A worker call took longer than its watchdog allows; the worker was stopped and restarted."""


class UnsupportedFileError(NonRetryableError):
    """A file that no registered kind takes; the message says which files the app takes."""


class FileNotSavedError(NonRetryableError):
    """A file whose bytes never reached storage (the page was reloaded while they were written): only
    the user can add it again; the message names it."""
