"""The PDF worker's warm-up: a document made with pypdf, run through the service in memory."""

import io

from pypdf import PdfReader

from dataflow.executors.pdf.warmup import warm_document, warm_up


def test_the_warm_up_document_has_text_two_flate_images_and_a_jpeg():
    page = PdfReader(io.BytesIO(warm_document())).pages[0]
    images = page["/Resources"]["/XObject"]
    filters = sorted(str(images[name].get_object()["/Filter"]) for name in images)
    assert filters == ["/DCTDecode", "/FlateDecode", "/FlateDecode"]
    assert "warm-up page" in page.extract_text()


async def test_the_warm_up_runs_the_document_through_the_service_without_a_skip_or_warning():
    summary = await warm_up(rounds=1)
    assert (summary["pages"], summary["images"], summary["skipped_pages"], summary["warnings"]) == (1, 3, [], [])
    assert summary["filename"] == "warm-up.zip"
