"""The PDF errors a user can act on, each with a clear message. They cross the worker boundary
as {"type", "message", "retryable"} and are raised again as the same class on the other side."""

from __future__ import annotations

from dataflow.core.errors import DataflowError, InputMissingError, NonRetryableError, StorageFullError


class PdfError(NonRetryableError):
    """A problem with the file itself: retrying cannot help."""


class EmptyFileError(PdfError):
    pass


class NotAPdfError(PdfError):
    pass


class CorruptPdfError(PdfError):
    pass


class PasswordRequiredError(PdfError):
    """Encrypted with a user password: the panel asks for it, then the task is retried."""


class WrongPasswordError(PdfError):
    pass


class UnsupportedEncryptionError(PdfError):
    pass


class FileTooLargeError(PdfError):
    pass


class TooManyPagesError(PdfError):
    pass


class PdfLimitError(PdfError):
    """pypdf refused to decompress more (a decompression bomb, or a stream over its limits)."""


class PdfWorkerError(DataflowError):
    """The worker failed in a way that may pass (it crashed, was restarted): retried."""


class PageTimeoutError(NonRetryableError):
    """A chunk of pages took longer than the watchdog allows; the worker was restarted."""


class MissingPartsError(DataflowError):
    """Finishing found fewer stored pages (or images) than the document has, and no stored result of
    this run: the task's pages are extracted again on the next attempt, never packaged short."""


class FileMissingError(InputMissingError):
    """The stored copy of the dropped file is gone (storage cleared), so the task cannot run."""


KNOWN_ERRORS: dict[str, type[Exception]] = {
    cls.__name__: cls
    for cls in (EmptyFileError, NotAPdfError, CorruptPdfError, PasswordRequiredError, WrongPasswordError,
                UnsupportedEncryptionError, FileTooLargeError, TooManyPagesError, PdfLimitError,
                PdfWorkerError, PageTimeoutError, FileMissingError, MissingPartsError, StorageFullError)
}


def error_to_dict(error: BaseException) -> dict:
    retryable = not isinstance(error, NonRetryableError)
    return {"type": type(error).__name__, "message": str(error) or type(error).__name__, "retryable": retryable}


def error_from_dict(data: dict) -> Exception:
    """The exception a worker reported, as its own class when known, else a PdfWorkerError."""
    cls = KNOWN_ERRORS.get(str(data.get("type")))
    message = str(data.get("message") or "the PDF worker failed")
    if cls is not None:
        return cls(message)
    if data.get("retryable") is False:
        return PdfError(f"{data.get('type')}: {message}")
    return PdfWorkerError(f"{data.get('type', 'Error')}: {message}")
