"""Opening a PDF from bytes with pypdf, turning every way it can fail into a clear PdfError.

pypdf reports a renamed text file as "Stream has ended unexpectedly"; we check the header first
and say what the file looks like instead. Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError, PyPdfError

from dataflow.executors.pdf import aes
from dataflow.executors.pdf.errors import (
    CorruptPdfError,
    EmptyFileError,
    FileTooLargeError,
    NotAPdfError,
    PasswordRequiredError,
    PdfError,
    PdfLimitError,
    TooManyPagesError,
    UnsupportedEncryptionError,
    WrongPasswordError,
)
from dataflow.executors.pdf.options import MB, PdfOptions

aes.install()  # pypdf without a crypto library (the browser) decrypts AES with our pure-Python AES

HEADER_WINDOW = 1024  # the spec tolerates bytes before %PDF-; readers look this far
KNOWN_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (or a Word/Excel/PowerPoint file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"<!DOCTYPE html", "a web page (HTML)"),
    (b"<html", "a web page (HTML)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)


def check_file(data: bytes, options: PdfOptions) -> None:
    """Refuse empty, oversized and non-PDF files before pypdf sees them."""
    if not data:
        raise EmptyFileError("The file is empty (0 bytes), so there is nothing to extract.")
    if len(data) > options.max_file_bytes:
        raise FileTooLargeError(f"The file is {len(data) / MB:.1f} MB; the limit is "
                                f"{options.max_file_bytes / MB:.0f} MB.")
    if data.find(b"%PDF-", 0, HEADER_WINDOW) < 0:
        raise NotAPdfError(f"This is not a PDF: it does not start with %PDF-. It looks like {describe(data)}.")


def describe(data: bytes) -> str:
    head = data[:64]
    for signature, name in KNOWN_SIGNATURES:
        if head.lower().startswith(signature.lower()):
            return name
    head = data[:512]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:  # a character cut at the end of the sample is still text
        text = head[:error.start].decode("utf-8") if error.start > len(head) - 4 else ""
    if text and all(char.isprintable() or char in "\t\r\n\f" for char in text):
        return "a text file"
    return "binary data of another kind"


ADDRESS = re.compile(r"(IndirectObject\(\d+, \d+), \d+\)|\s+at 0x[0-9a-fA-F]+")


def without_addresses(text: str) -> str:
    """`text` without the memory addresses Python and pypdf print ("IndirectObject(88, 0, 1400751...)"
    becomes "IndirectObject(88, 0)"; " at 0x7f..." goes): a reason must not differ between two runs."""
    return ADDRESS.sub(lambda match: f"{match.group(1)})" if match.group(1) else "", text)


def reason(error: BaseException) -> str:
    """An exception as a reason for people and for stored results: "TypeName: message", no addresses.
    The one place reasons are made (service, extract, images and pdf_errors use it)."""
    text = without_addresses(str(error))
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@contextmanager
def pdf_errors(context: str) -> Iterator[None]:
    """Translate pypdf's exceptions into PdfErrors with `context` ("opening the file", "page 3")."""
    try:
        yield
    except PdfError:
        raise
    except LimitReachedError as error:
        if "loop" in str(error).lower():  # pypdf raises the same error for an object that contains itself
            raise CorruptPdfError(f"{context}: the PDF is damaged (an object refers to itself: "
                                  f"{without_addresses(str(error)).rstrip('.')}).") from error
        raise PdfLimitError(f"{context}: pypdf stopped because the content is larger than it allows "
                            f"(a possible decompression bomb): {without_addresses(str(error))}") from error
    except (DependencyError, NotImplementedError) as error:
        if "AES" in str(error) or "crypt" in str(error).lower():
            raise UnsupportedEncryptionError(
                f"This PDF uses an encryption method that cannot be decrypted here ({error}). Save an "
                "unencrypted copy and try again.") from error
        raise CorruptPdfError(f"{context}: this PDF uses a feature pypdf cannot read here: "
                              f"{without_addresses(str(error))}") from error
    except FileNotDecryptedError as error:
        raise PasswordRequiredError("This PDF is protected by a password. Enter it to process the file.") \
            from error
    except (PdfReadError, PyPdfError) as error:
        raise CorruptPdfError(f"{context}: the PDF is damaged ({without_addresses(str(error))}).") from error
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError) as error:
        raise CorruptPdfError(f"{context}: the PDF is damaged ({reason(error)}).") from error


@dataclass
class OpenedPdf:
    reader: PdfReader
    warnings: list[str] = field(default_factory=list)


def open_pdf(data: bytes, options: PdfOptions, *, password: str | None = None) -> OpenedPdf:
    """A PdfReader ready to read pages, or a PdfError that says why not. A file cut short is
    repaired where its objects allow, with a warning."""
    check_file(data, options)
    warnings: list[str] = []
    try:
        reader = _read(data, password)
    except CorruptPdfError:
        repaired = repair_truncated(data)
        if repaired is None:
            raise
        try:
            reader = _read(repaired, password)
        except CorruptPdfError:
            raise CorruptPdfError("The PDF is damaged (it seems cut short) and could not be repaired.") from None
        warnings.append("The file is damaged (it ends early or its index is broken); the pages were recovered "
                        "from what remains, so some content may be missing.")
    count = len(reader.pages)
    if count == 0:
        raise CorruptPdfError("The PDF has no pages that pypdf can find; it may be damaged.")
    if count > options.max_pages:
        raise TooManyPagesError(f"The PDF has {count:,} pages; the limit is {options.max_pages:,}.")
    return OpenedPdf(reader, warnings)


def _read(data: bytes, password: str | None) -> PdfReader:
    with pdf_errors("Opening the file"):
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            unlock(reader, password)
        len(reader.pages)  # walks the page tree: a broken one fails here, not later
    return reader


OBJECT = re.compile(rb"(?<!\d)(\d+)\s+(\d+)\s+obj\b")
CATALOG = re.compile(rb"(\d+)\s+0\s+obj\s*<<(?:(?!endobj).){0,2000}?/Type\s*/Catalog", re.S)


def repair_truncated(data: bytes) -> bytes | None:
    """Append a trailer naming the catalog, so pypdf rebuilds the index by scanning the objects."""
    catalog = CATALOG.search(data)
    numbers = [int(match.group(1)) for match in OBJECT.finditer(data)]
    if catalog is None or not numbers:
        return None
    trailer = b"\ntrailer\n<< /Root %s 0 R /Size %d >>\nstartxref\n0\n%%%%EOF\n" % (catalog.group(1), max(numbers) + 1)
    return data + trailer


def unlock(reader: PdfReader, password: str | None) -> None:
    outcome = reader.decrypt(password or "")
    if outcome != PasswordType.NOT_DECRYPTED:
        return
    if password:
        raise WrongPasswordError("The password is not correct for this PDF. Check it and try again.")
    raise PasswordRequiredError("This PDF is protected by a password. Enter it to process the file.")
