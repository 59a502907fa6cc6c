"""The cases of issue 12 that lost whole documents or made output differ between runs, each on a
fixture built by code (tests/unit/pdf/fidelity_pdfs.py)."""

import base64
import io
import json

import pypdf
import pytest
from PIL import Image

from dataflow.executors.pdf.images import convert_image, page_image_streams
from tests.unit.pdf import fidelity_pdfs
from tests.unit.pdf.conftest import metadata_of, unzip


@pytest.mark.parametrize("mode", ["complete", "text"])
async def test_a_lone_surrogate_in_the_text_is_replaced_and_counted_zip(run_document, mode):
    result, data = await run_document(fidelity_pdfs.lone_surrogate_pdf(), {"mode": mode})
    text = unzip(data)["text/page-0001.txt"].decode("utf-8")
    assert text == "\ufffdA😀\ufffd"  # the pair <D83DDE00> is a real character; the lone halves are not
    assert metadata_of(data)["replaced_characters"] == 2
    assert result["pages"] == 1


async def test_a_lone_surrogate_in_the_text_is_replaced_in_json_output(run_document):
    _, data = await run_document(fidelity_pdfs.lone_surrogate_pdf(), {"format": "json"})
    document = json.loads(data.decode("utf-8"))
    assert document["pages"][0]["text"] == "\ufffdA😀\ufffd" and document["replaced_characters"] == 2


@pytest.mark.parametrize("output", ["zip", "json"])
async def test_a_page_without_a_mediabox_gets_the_default_size_and_a_note(run_document, output):
    _, data = await run_document(fidelity_pdfs.no_mediabox_pdf(), {"format": output})
    meta = json.loads(data) if output == "json" else metadata_of(data)
    size = meta["page_sizes"][0]
    assert (size["width_pt"], size["height_pt"]) == (612.0, 792.0) and "MediaBox" in size["note"]
    text = meta["pages"][0]["text"] if output == "json" else unzip(data)["text/page-0001.txt"].decode()
    assert text == "No box here"


async def test_messages_quoting_objects_give_identical_bytes_on_every_run(run_document):
    data = fidelity_pdfs.misplaced_root_pdf()
    _, first = await run_document(data, task_id="a")
    _, second = await run_document(data, task_id="b")
    _, as_json = await run_document(data, {"format": "json"}, task_id="c")
    _, as_json_again = await run_document(data, {"format": "json"}, task_id="d")
    assert first == second and as_json == as_json_again
    messages = metadata_of(first)["pypdf_messages"]
    assert "Root found at IndirectObject(3, 0)" in messages  # the address pypdf quoted is gone


def images_of(data: bytes) -> list:
    """[(our ExtractedImage, native pypdf + Pillow's image or the exception it raised)] of page 1."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    ours = [convert_image(identity, stream) for identity, stream in page_image_streams(page, 1)]
    theirs = []
    for key in page.images.keys():  # noqa: SIM118 (a virtual list, not a dict)
        try:
            theirs.append(page.images[key].image)
        except Exception as error:
            theirs.append(error)
    return list(zip(ours, theirs, strict=True))


def pil(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_jpeg_with_a_soft_mask_keeps_its_transparency_as_a_linked_file():
    pdf, jpeg, alpha = fidelity_pdfs.jpeg_with_soft_mask_pdf()
    [(ours, theirs)] = images_of(pdf)
    assert ours.data == jpeg and ours.mime == "image/jpeg"  # the JPEG as stored
    assert ours.mask.name == "img-5-mask.png" and pil(ours.mask.data).tobytes() == alpha
    assert "not opaque" in ours.note and ours.mask.name in ours.note
    combined = pil(ours.data).convert("RGB")  # the two files together are what native pypdf + Pillow show
    combined.putalpha(pil(ours.mask.data))
    assert theirs.mode == "RGBA" and combined.tobytes() == theirs.tobytes()


@pytest.mark.parametrize("output", ["zip", "json"])
async def test_the_mask_file_is_written_and_linked_in_the_result(run_document, output):
    pdf, jpeg, alpha = fidelity_pdfs.jpeg_with_soft_mask_pdf()
    _, data = await run_document(pdf, {"format": output})
    if output == "zip":
        files = unzip(data)
        entry = metadata_of(data)["images"][0]
        assert files["images/img-5.jpg"] == jpeg and pil(files["images/img-5-mask.png"]).tobytes() == alpha
    else:
        entry = json.loads(data)["images"][0]
        assert pil(base64.b64decode(entry["mask"]["data_base64"])).tobytes() == alpha
    assert entry["mask"]["name"] == "img-5-mask.png" and entry["mask"]["width"] == 16
    assert "img-5-mask.png" in entry["note"]


def test_an_inline_4_bit_rgb_image_becomes_an_rgb_png_like_native_pypdf():
    pdf, values = fidelity_pdfs.inline_rgb_4_bit_pdf()
    [(ours, theirs)] = images_of(pdf)
    image = pil(ours.data)
    assert ours.name.endswith(".png") and ours.note is None and image.mode == "RGB"
    assert image.tobytes() == theirs.tobytes() == bytes(17 * v for v in values)  # 4 bits scaled: v × 255/15


@pytest.mark.parametrize(("decode", "inverted"), [(None, False), ([0, 1], False), ([1, 0], True)])
def test_a_ccitt_image_honours_its_decode_array(decode, inverted):
    pdf, pixels = fidelity_pdfs.ccitt_pdf(decode)
    [(ours, theirs)] = images_of(pdf)
    expected = bytes(255 * (1 - p if inverted else p) for p in pixels)  # computed by hand from the picture
    assert ours.mime == "image/tiff" and pil(ours.data).convert("L").tobytes() == expected
    assert theirs.convert("L").tobytes() == expected  # native pypdf + Pillow agree


def test_a_jpeg_with_an_inverting_decode_is_inverted_within_rounding():
    pdf, stored = fidelity_pdfs.inverted_jpeg_pdf()
    [(ours, theirs)] = images_of(pdf)
    assert ours.mime == "image/jpeg" and ours.data != stored and "DCT coefficients" in ours.note
    ours_pixels = pil(ours.data).convert("RGB").tobytes()
    by_hand = bytes(255 - v for v in pil(stored).convert("RGB").tobytes())
    assert max(abs(a - b) for a, b in zip(ours_pixels, by_hand, strict=True)) <= 3  # IDCT and chroma rounding
    native = theirs.convert("RGB").tobytes()  # native pypdf maps 255 - s, then re-compresses as JPEG: ±1 more
    assert max(abs(a - b) for a, b in zip(ours_pixels, native, strict=True)) <= 4
