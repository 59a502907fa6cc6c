"""The JSON errors a user can act on, each with a clear message. They cross the worker boundary
as {"type", "message", "retryable"} and are raised again as the same class on the other side."""

from __future__ import annotations

from dataflow.core.errors import DataflowError, InputMissingError, NonRetryableError, StorageFullError


class JsonInputError(NonRetryableError):
    """A problem with the file itself: retrying cannot help."""


class EmptyFileError(JsonInputError):
    pass


class NotJsonError(JsonInputError):
    """The file is something else (the message says what it looks like)."""


class InvalidJsonError(JsonInputError):
    """A syntax error; the message gives the line, the column and a short excerpt."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line, self.column = line, column


class TruncatedJsonError(InvalidJsonError):
    """The text ends inside a record (a download or an export cut short)."""


class EncodingError(JsonInputError):
    """The text is not in an encoding we read (UTF-8 with or without BOM, UTF-16 with BOM)."""


class NonFiniteNumberError(InvalidJsonError):
    """NaN, Infinity or -Infinity: accepted by Python's json, not by JSON."""


class NumberTooLargeError(InvalidJsonError):
    """A number beyond what a double can hold (it would become infinity)."""


class TooDeepError(InvalidJsonError):
    """Nesting deeper than the limit: refused before a recursive parser sees it."""


class RecordPathError(JsonInputError):
    """The chosen records path does not exist or is not an array."""


class CorruptZstError(JsonInputError):
    """The .zst is truncated or damaged."""


class FileTooLargeError(JsonInputError):
    """Over the size limit, as stored or once decompressed (a decompression bomb stops here)."""


class SchemaError(JsonInputError):
    """The JSON Schema the user gave cannot be used."""


class ZstdUnavailableError(NonRetryableError):
    """This Python has no zstd module (Python 3.14's compression.zstd, or the zstandard package)."""


class ValidatorUnavailableError(NonRetryableError):
    """fastjsonschema could not be imported, so a user schema cannot be checked here."""


class JsonWorkerError(DataflowError):
    """The worker failed in a way that may pass (it crashed, was restarted): retried."""


class FileMissingError(InputMissingError):
    """The stored copy of the dropped file is gone (storage cleared), so the task cannot run."""


KNOWN_ERRORS: dict[str, type[Exception]] = {
    cls.__name__: cls
    for cls in (EmptyFileError, NotJsonError, InvalidJsonError, TruncatedJsonError, EncodingError,
                NonFiniteNumberError, NumberTooLargeError, TooDeepError, RecordPathError, CorruptZstError,
                FileTooLargeError, SchemaError, ZstdUnavailableError, ValidatorUnavailableError, JsonWorkerError,
                FileMissingError, StorageFullError)
}


def error_to_dict(error: BaseException) -> dict:
    """{"type", "message", "retryable"}: what a worker sends back for an exception."""
    retryable = not isinstance(error, NonRetryableError)
    return {"type": type(error).__name__, "message": str(error) or type(error).__name__, "retryable": retryable}


def error_from_dict(data: dict) -> Exception:
    """The exception a worker reported, as its own class when known, else a JsonWorkerError."""
    cls = KNOWN_ERRORS.get(str(data.get("type")))
    message = str(data.get("message") or "the JSON worker failed")
    if cls is not None:
        return cls(message)
    if data.get("retryable") is False:
        return JsonInputError(f"{data.get('type')}: {message}")
    return JsonWorkerError(f"{data.get('type', 'Error')}: {message}")
