"""The envelope of calls across a worker boundary, with errors carried as data.

A reply is `{"ok": true, "value": ...}` or `{"ok": false, "error": ErrorData}`. On the far side an
error becomes ErrorData (`error_reply`); on this side an `ErrorRegistry` raises it again as its
own class. Each executor adds its own error classes to the registry it hands its worker client;
an unknown class comes back as WorkerError (retryable) or WorkerRejectedError (not retryable), with
its type name kept in the message. Standard library only.
"""

from __future__ import annotations

import json
from typing import Any, NotRequired, Protocol, TypedDict

from dataflow.core.errors import (
    DataflowError,
    InputMissingError,
    InputUnreadableError,
    NonRetryableError,
    RetryAfterError,
    SecretMissingError,
    StorageFullError,
    WorkerError,
    WorkerRejectedError,
    WorkerTimeoutError,
)


class ErrorData(TypedDict):
    """One error as data: its class name, message, whether a retry may help, and for a
    RetryAfterError the epoch second before which no retry may happen."""

    type: str
    message: str
    retryable: bool
    not_before: NotRequired[float]
    traceback: NotRequired[str]


def error_data(error: BaseException, traceback: str | None = None) -> ErrorData:
    """`error` as ErrorData; `retryable` is False for every NonRetryableError. `traceback` is kept
    for an unexpected error only (not a DataflowError, whose message says it all)."""
    data: ErrorData = {"type": type(error).__name__, "message": str(error) or type(error).__name__,
                       "retryable": not isinstance(error, NonRetryableError)}
    if isinstance(error, RetryAfterError):
        data["not_before"] = error.not_before
    if traceback and not isinstance(error, DataflowError):
        data["traceback"] = traceback
    return data


def ok_reply(value: Any) -> str:
    """The JSON text of a successful reply; `value` must be JSON-serialisable."""
    return json.dumps({"ok": True, "value": value})


def error_reply(error: BaseException, traceback: str | None = None) -> str:
    """The JSON text of a failed reply carrying `error` as ErrorData."""
    return json.dumps({"ok": False, "error": error_data(error, traceback)})


class ErrorRegistry:
    """Error classes by name, to raise a reported error again as its own class."""

    CORE: tuple[type[Exception], ...] = (StorageFullError, InputMissingError, InputUnreadableError,
                                         SecretMissingError, WorkerError, WorkerRejectedError, WorkerTimeoutError,
                                         RetryAfterError)

    def __init__(self, *classes: type[Exception]):
        self._classes: dict[str, type[Exception]] = {}
        self.add(*self.CORE, *classes)

    def add(self, *classes: type[Exception]) -> None:
        """Know these classes too; a name already taken by another class raises ValueError."""
        for cls in classes:
            known = self._classes.get(cls.__name__)
            if known is not None and known is not cls:
                raise ValueError(f"two error classes are named {cls.__name__}: {known!r} and {cls!r}")
            self._classes[cls.__name__] = cls

    def __contains__(self, name: object) -> bool:
        return name in self._classes

    @property
    def names(self) -> frozenset[str]:
        """The class names this registry raises again as themselves."""
        return frozenset(self._classes)

    def from_data(self, data: ErrorData | dict[str, Any]) -> Exception:
        """The exception `data` describes, as its own class when known; else a WorkerError (or
        WorkerRejectedError) carrying the worker's traceback as `remote_traceback`."""
        name = str(data.get("type") or "Error")
        message = str(data.get("message") or "the worker failed")
        cls = self._classes.get(name)
        if cls is not None and issubclass(cls, RetryAfterError):
            return cls(message, not_before=float(data.get("not_before") or 0.0))
        if cls is not None:
            return cls(message)
        unexpected = (WorkerRejectedError if data.get("retryable") is False else WorkerError)(f"{name}: {message}")
        unexpected.remote_traceback = str(data.get("traceback") or "")  # the worker's own, for developers
        return unexpected

    def read_reply(self, raw: str) -> Any:
        """The value of a reply; its error, raised as its own class, when it failed."""
        reply = json.loads(raw)
        if not isinstance(reply, dict):
            raise WorkerError(f"the worker sent a reply that is not an object: {raw[:80]!r}")
        if not reply.get("ok"):
            raise self.from_data(reply.get("error") or {})
        return reply.get("value")


class WorkerCaller(Protocol):
    """One worker as its executor's facade sees it (the browser ring implements it)."""

    name: str

    @property
    def started(self) -> bool:
        """True once the worker answered; a call to a worker never started may be skipped."""

    async def start(self) -> None:
        """Start the worker if it is not running, and wait until it answers; WorkerError when it
        does not start."""

    async def call(self, function: str, args: tuple[Any, ...], *, seconds: float, what: str) -> Any:
        """Call the worker's exported `function` with `args`; its reply's value.

        Raises the reported error as its own class (this registry), WorkerError when the worker does
        not start, WorkerTimeoutError (after restarting the worker) when the call takes longer than
        `seconds`; `what` names the call in that message, e.g. "Pages 1–4"."""

    async def runtime_info(self) -> dict[str, str]:
        """Versions of what runs in the worker, e.g. {"python": "3.14.2", "library": "1.0"}."""
