"""The JSON errors a user can act on, each with a clear message. They cross the worker boundary as
the core's ErrorData (`dataflow.core.wire`) and are raised again as the same class on the other side:
JSON_ERRORS is what the JSON kind adds to its workers' ErrorRegistry."""

from __future__ import annotations

from dataflow.core.errors import DataflowError, InputMissingError, NonRetryableError, WorkerError


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


class SchemaError(JsonInputError, ValueError):
    """The JSON Schema the user gave cannot be used (a ValueError too: the options refuse it, and a
    form reading them catches ValueError)."""


class ZstdUnavailableError(NonRetryableError):
    """This Python has no zstd module (Python 3.14's compression.zstd, or the zstandard package)."""


class ValidatorUnavailableError(NonRetryableError):
    """fastjsonschema could not be imported, so a user schema cannot be checked here."""


class JsonInternalError(NonRetryableError):
    """A bug of ours met on this file (a ValueError, TypeError... from our code, not a problem the
    file has): the same file would meet it again, so it is not retried. The message names the
    stage, the original error and where it was raised, for a bug report."""


BUG_TYPES = (ValueError, TypeError, KeyError, IndexError, AttributeError, ArithmeticError, AssertionError,
             RecursionError)  # deterministic on the same input; MemoryError or a storage error may pass


def internal_error(stage: str, error: BaseException) -> JsonInternalError:
    """`error` (one of BUG_TYPES) as a JsonInternalError saying what failed, while doing what, where."""
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    where = f" (at {frame.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.tb_lineno})" if frame else ""
    return JsonInternalError(f"An unexpected error of the JSON workbench while {stage}: {type(error).__name__}: "
                             f"{error}{where}. This is a bug, not a problem you can fix in the file; retrying "
                             "would fail the same way, so the task was not retried. Please report this message.")


class JsonWorkerError(WorkerError):
    """The worker failed in a way that may pass (it crashed, was restarted): retried."""


class FileMissingError(InputMissingError):
    """The stored copy of the dropped file is gone (storage cleared), so the task cannot run."""


class MissingPartsError(DataflowError):
    """Finishing (or resuming) found a stored step of this run missing (storage cleared under it),
    and no stored result of this run: the file is gone through again on the next attempt, as a new
    run, never packaged short."""


JSON_ERRORS: tuple[type[Exception], ...] = (
    JsonInputError, EmptyFileError, NotJsonError, InvalidJsonError, TruncatedJsonError, EncodingError,
    NonFiniteNumberError, NumberTooLargeError, TooDeepError, RecordPathError, CorruptZstError, FileTooLargeError,
    SchemaError, ZstdUnavailableError, ValidatorUnavailableError, JsonInternalError, JsonWorkerError, FileMissingError,
    MissingPartsError,
)
