"""The PDF errors a user can act on, each with a clear message. They cross the worker boundary as
data (`dataflow.core.wire`) and are raised again as the same class: `PDF_ERRORS` is what the PDF
executor adds to the worker client's error registry."""

from __future__ import annotations

from dataflow.core.errors import DataflowError, InputMissingError, NonRetryableError, WorkerError, WorkerTimeoutError


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


class PdfWorkerError(WorkerError):
    """The worker failed in a way that may pass (it crashed, was restarted): retried."""


class PageTimeoutError(WorkerTimeoutError):
    """A chunk of pages took longer than the watchdog allows; the worker was restarted."""


class MissingPartsError(DataflowError):
    """Finishing found fewer stored pages (or images) than the document has, and no stored result of
    this run: the task's pages are extracted again on the next attempt, never packaged short."""


class FileMissingError(InputMissingError):
    """The stored copy of the dropped file is gone (storage cleared), so the task cannot run."""


PDF_ERRORS: tuple[type[Exception], ...] = (
    PdfError, EmptyFileError, NotAPdfError, CorruptPdfError, PasswordRequiredError, WrongPasswordError,
    UnsupportedEncryptionError, FileTooLargeError, TooManyPagesError, PdfLimitError, PdfWorkerError,
    PageTimeoutError, FileMissingError, MissingPartsError,
)
