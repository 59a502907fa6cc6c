"""Opening PDFs: every way a file can be wrong ends in a specific, readable PdfError."""

import pytest

from dataflow.executors.pdf.errors import (
    CorruptPdfError,
    EmptyFileError,
    FileTooLargeError,
    NotAPdfError,
    PasswordRequiredError,
    PdfLimitError,
    TooManyPagesError,
    WrongPasswordError,
)
from dataflow.executors.pdf.extract import page_text
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.reader import open_pdf, pdf_errors, repair_truncated
from tests import pdfs

OPTIONS = PdfOptions()


def test_a_good_pdf_opens_with_its_pages():
    opened = open_pdf(pdfs.text_pdf(3), OPTIONS)
    assert len(opened.reader.pages) == 3 and opened.warnings == []


def test_empty_file_says_it_is_empty():
    with pytest.raises(EmptyFileError, match="empty"):
        open_pdf(b"", OPTIONS)


@pytest.mark.parametrize(("data", "looks_like"), [
    (b"Dear diary,\nthis is a renamed text file.", "a text file"),
    (b"PK\x03\x04" + bytes(100), "a ZIP archive"),
    (b"\x89PNG\r\n\x1a\n" + bytes(50), "a PNG image"),
    (bytes(range(256)), "binary data"),
])
def test_a_file_that_is_not_a_pdf_says_what_it_looks_like(data, looks_like):
    with pytest.raises(NotAPdfError, match=f"not a PDF.*{looks_like}"):
        open_pdf(data, OPTIONS)


def test_too_large_file_is_refused_before_parsing():
    with pytest.raises(FileTooLargeError, match="the limit is"):
        open_pdf(pdfs.text_pdf(1), PdfOptions(max_file_bytes=100))


def test_too_many_pages_is_refused():
    with pytest.raises(TooManyPagesError, match="3 pages; the limit is 2"):
        open_pdf(pdfs.text_pdf(3), PdfOptions(max_pages=2))


def test_truncated_pdf_is_repaired_with_a_warning():
    opened = open_pdf(pdfs.truncated_pdf(6), OPTIONS)
    assert len(opened.reader.pages) == 6
    assert "damaged" in opened.warnings[0]
    assert page_text(opened.reader, 5).startswith("Page 6.")


def test_hopelessly_corrupt_pdf_is_a_clear_error():
    with pytest.raises(CorruptPdfError, match="damaged"):
        open_pdf(b"%PDF-1.7\n" + b"x" * 500, OPTIONS)


def test_repair_needs_a_catalog():
    assert repair_truncated(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj") is None


def test_encrypted_pdf_asks_for_its_password():
    with pytest.raises(PasswordRequiredError, match="protected by a password"):
        open_pdf(pdfs.encrypted_pdf("s3cret"), OPTIONS)


def test_wrong_password_says_so():
    with pytest.raises(WrongPasswordError, match="not correct"):
        open_pdf(pdfs.encrypted_pdf("s3cret"), OPTIONS, password="guess")


def test_right_password_opens_rc4_encrypted_pdf_without_a_crypto_library():
    opened = open_pdf(pdfs.encrypted_pdf("s3cret", pages=2), OPTIONS, password="s3cret")
    assert page_text(opened.reader, 1).startswith("Page 2.")


def test_decompression_bomb_is_stopped_with_a_clear_message_for_its_page():
    opened = open_pdf(pdfs.zlib_bomb_pdf(), OPTIONS)
    with pytest.raises(PdfLimitError, match="Page 1: pypdf stopped"), pdf_errors("Page 1"):
        opened.reader.pages[0].get_contents().get_data()


def fixture(name: str) -> bytes:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "fixtures" / name).read_bytes()


@pytest.mark.parametrize("name", ["aes128.pdf", "aes256.pdf"])
def test_aes_encrypted_pdfs_open_without_a_crypto_library(name):
    opened = open_pdf(fixture(name), OPTIONS)
    assert page_text(opened.reader, 1).startswith("Page 2.")


def test_aes_256_with_a_user_password_asks_for_it_and_opens_with_it():
    with pytest.raises(PasswordRequiredError):
        open_pdf(fixture("aes256-password.pdf"), OPTIONS)
    with pytest.raises(WrongPasswordError):
        open_pdf(fixture("aes256-password.pdf"), OPTIONS, password="nope")
    opened = open_pdf(fixture("aes256-password.pdf"), OPTIONS, password="secret")
    assert page_text(opened.reader, 0).startswith("Page 1.")


def test_reasons_carry_no_memory_address_so_two_runs_write_the_same_bytes():
    from dataflow.executors.pdf.reader import reason, without_addresses

    text = "Detected loop with self reference for IndirectObject(88, 0, 140075104181840)."
    assert without_addresses(text) == "Detected loop with self reference for IndirectObject(88, 0)."
    assert without_addresses("<object object at 0x7f3a2b1c0d90> broke") == "<object object> broke"
    assert reason(ValueError("IndirectObject(1, 0, 99999) bad")) == "ValueError: IndirectObject(1, 0) bad"
    assert reason(KeyError()) == "KeyError"


def test_a_self_referencing_object_is_damage_not_a_decompression_bomb():
    from pypdf.errors import LimitReachedError

    from dataflow.executors.pdf.errors import CorruptPdfError, PdfLimitError
    from dataflow.executors.pdf.reader import pdf_errors

    with pytest.raises(CorruptPdfError) as raised, pdf_errors("Images of page 43"):
        raise LimitReachedError("Detected loop with self reference for IndirectObject(88, 0, 140669628331728).")
    message = str(raised.value)
    assert message == ("Images of page 43: the PDF is damaged (an object refers to itself: Detected loop with "
                       "self reference for IndirectObject(88, 0)).")
    assert "bomb" not in message
    with pytest.raises(PdfLimitError, match="decompression bomb"), pdf_errors("page 2"):
        raise LimitReachedError("Limit reached while decompressing: 80000000 > 75000000")
