"""Issue 12's fixtures through the real page: documents that used to be lost are written, a JPEG's
transparency comes out as a linked file, low-bit inline and CCITT images are right, and the result
is byte for byte what CPython makes (so Pyodide decodes samples exactly as the unit tests check)."""

import io
import json

import pytest
from PIL import Image

from dataflow.executors.pdf.options import PdfOptions
from tests.e2e.helpers import add_files, download, unzip, wait_engine, wait_status
from tests.unit.pdf import fidelity_pdfs


@pytest.fixture
def app(open_app):
    page = open_app()
    wait_engine(page)
    return page


def test_fidelity_fixtures_come_out_right_and_identical_to_cpython(app, run_reference):
    jpeg_pdf, jpeg, alpha = fidelity_pdfs.jpeg_with_soft_mask_pdf()
    inline_pdf, values = fidelity_pdfs.inline_rgb_4_bit_pdf()
    fax_pdf, pixels = fidelity_pdfs.ccitt_pdf([1, 0])
    negative_pdf, negative = fidelity_pdfs.inverted_jpeg_pdf()
    documents = {"surrogate.pdf": fidelity_pdfs.lone_surrogate_pdf(), "nobox.pdf": fidelity_pdfs.no_mediabox_pdf(),
                 "photo.pdf": jpeg_pdf, "inline.pdf": inline_pdf, "fax.pdf": fax_pdf, "negative.pdf": negative_pdf}
    add_files(app, documents)
    results = {}
    for name, data in documents.items():
        files = unzip(download(app, wait_status(app, name, "completed"))[1])
        assert files == run_reference(data, name, PdfOptions()), name
        results[name] = files
    surrogate = results["surrogate.pdf"]
    assert surrogate["text/page-0001.txt"].decode() == "\ufffdA😀\ufffd"
    assert json.loads(surrogate["metadata.json"])["replaced_characters"] == 2
    size = json.loads(results["nobox.pdf"]["metadata.json"])["page_sizes"][0]
    assert (size["width_pt"], size["height_pt"]) == (612.0, 792.0) and "MediaBox" in size["note"]
    photo = results["photo.pdf"]
    assert photo["images/img-5.jpg"] == jpeg
    assert Image.open(io.BytesIO(photo["images/img-5-mask.png"])).tobytes() == alpha
    assert json.loads(photo["metadata.json"])["images"][0]["mask"]["name"] == "img-5-mask.png"
    inline = Image.open(io.BytesIO(results["inline.pdf"]["images/page-0001-inline-0.png"]))
    assert inline.mode == "RGB" and inline.tobytes() == bytes(17 * v for v in values)
    fax = Image.open(io.BytesIO(next(v for k, v in results["fax.pdf"].items() if k.endswith(".tiff"))))
    assert fax.convert("L").tobytes() == bytes(255 * (1 - p) for p in pixels)  # /Decode [1 0] honoured
    inverted = next(v for k, v in results["negative.pdf"].items() if k.endswith(".jpg"))
    before, after = (Image.open(io.BytesIO(data)).tobytes() for data in (negative, inverted))
    assert max(abs(b - (255 - a)) for a, b in zip(before, after, strict=True)) <= 3  # inverted in Pyodide too
