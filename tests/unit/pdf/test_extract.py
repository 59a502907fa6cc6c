"""Text, metadata, outline and page sizes from generated PDFs."""

import pytest

from dataflow.executors.pdf.extract import damaged_contents, document_metadata, document_outline, page_size, page_text
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.reader import open_pdf
from tests import pdfs
from tests.unit.pdf.fidelity_pdfs import damaged_content_pdf


@pytest.fixture(scope="module")
def reader():
    return open_pdf(pdfs.text_pdf(3, title="Quarterly <report>", author="Ada"), PdfOptions()).reader


def test_each_page_has_its_own_text(reader):
    for index in range(3):
        assert page_text(reader, index).startswith(f"Page {index + 1}. ")
        assert pdfs.page_words(index + 1, 5) in page_text(reader, index)


def test_metadata_is_plain_strings(reader):
    info = document_metadata(reader)
    assert info["Title"] == "Quarterly <report>" and info["Author"] == "Ada"
    assert all(isinstance(v, str) for v in info.values())


def test_outline_points_at_pages(reader):
    outline = document_outline(reader)
    assert [(item["title"], item["page"]) for item in outline] == [("Chapter 1", 1), ("Chapter 2", 2),
                                                                     ("Chapter 3", 3)]


def test_page_sizes_are_in_points(reader):
    size = page_size(reader, 0)
    assert size == {"page": 1, "width_pt": 595.28, "height_pt": 841.89, "rotation": 0}


def test_document_without_outline_gives_an_empty_list():
    assert document_outline(open_pdf(pdfs.text_pdf(2, sections=False), PdfOptions()).reader) == []


def test_a_damaged_content_stream_is_named_with_its_page():
    damaged = open_pdf(damaged_content_pdf(), PdfOptions()).reader
    reason = damaged_contents(damaged, 0)
    assert reason.startswith("Page 1: its content stream is damaged") and "invalid block type" in reason
    assert damaged_contents(damaged, 1) is None


def test_sound_content_streams_are_not_damaged(reader):
    assert [damaged_contents(reader, index) for index in range(3)] == [None] * 3
