"""Image extraction without Pillow, checked against native pypdf + Pillow on the same files."""

import io

import pypdf
import pytest
from PIL import Image
from pypdf.generic import NameObject, NumberObject

from dataflow.executors.pdf.images import convert_image, page_image_streams
from tests import pdfs
from tests.unit.pdf.fidelity_pdfs import encoded, flate


def ours_and_theirs(data: bytes):
    """(our ExtractedImage, pypdf's ImageFile or the exception it raised) for every image."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    pairs = []
    for number, page in enumerate(reader.pages, start=1):
        ours = {identity: (convert_image(identity, stream), stream)
                for identity, stream in page_image_streams(page, number)}
        for key in list(page.images.keys()):  # a virtual list, not a dict
            try:
                theirs = page.images[key]
            except Exception as error:  # pypdf + Pillow cannot convert every image
                theirs = error
            reference = getattr(theirs, "indirect_reference", None)
            if reference is not None:
                identity = f"img-{reference.idnum}"
            elif key == "~0~":
                identity = f"page-{number:04d}-inline-0"
            else:
                identity = next(i for i in ours if i.endswith(str(key).strip("/")) or i.startswith("img-")
                                and ours[i][1].indirect_reference == page["/Resources"]["/XObject"][key]
                                .indirect_reference)
            pairs.append((number, key, ours[identity], theirs))
    return pairs


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_png_images_match_pillow_pixel_for_pixel():
    checked = 0
    for _, key, (ours, _stream), theirs in ours_and_theirs(pdfs.images_pdf()):
        if ours.mime not in ("image/png", "image/tiff"):
            continue
        expected = theirs.image
        assert decoded(ours.data).convert(expected.mode).tobytes() == expected.tobytes(), key
        checked += 1
    assert checked == 6  # RGB (twice: pages 1 and 2), RGBA, palette, grey, 1-bit CCITT


def test_alpha_from_the_soft_mask_is_kept():
    modes = {decoded(ours.data).mode for _, _, (ours, _), _ in ours_and_theirs(pdfs.images_pdf())
             if ours.mime == "image/png"}
    assert "RGBA" in modes


def test_jpeg_is_the_embedded_stream_byte_for_byte():
    jpegs = [(ours, stream) for _, _, (ours, stream), _ in ours_and_theirs(pdfs.images_pdf())
             if ours.mime == "image/jpeg"]
    assert len(jpegs) == 1
    ours, stream = jpegs[0]
    assert ours.name.endswith(".jpg") and ours.data == stream._data and ours.data[:3] == b"\xff\xd8\xff"


def test_crafted_cases_match_pillow_where_pillow_can():
    results = {str(key): (ours, theirs) for _, key, (ours, _), theirs in ours_and_theirs(pdfs.crafted_images_pdf())}
    for key in ("/Inverted", "/Indexed", "~0~"):
        ours, theirs = results[key]
        assert decoded(ours.data).convert(theirs.image.mode).tobytes() == theirs.image.tobytes(), key
    nested = next(v for k, v in results.items() if "Inner" in k)
    assert decoded(nested[0].data).tobytes() == nested[1].image.tobytes()


def test_cmyk_is_kept_as_samples_with_a_note():
    results = {str(key): (ours, theirs) for _, key, (ours, _), theirs in ours_and_theirs(pdfs.crafted_images_pdf())}
    ours, theirs = results["/Cmyk"]
    assert ours.name.endswith(".raw") and "CMYK" in ours.note and "not converted" in ours.note
    assert ours.data == theirs.image.tobytes()  # the same samples Pillow holds in CMYK mode


def test_stencil_mask_that_pillow_cannot_convert_is_black_where_painted_and_transparent_elsewhere():
    results = {str(key): (ours, theirs) for _, key, (ours, _), theirs in ours_and_theirs(pdfs.crafted_images_pdf())}
    ours, theirs = results["/Mask"]
    assert isinstance(theirs, Exception)  # native pypdf + Pillow fails on it
    image = decoded(ours.data)
    assert image.mode == "LA" and image.size == (8, 2)
    # stored bits 11110000 00001111 with /Decode [1 0]: a stored 1 decodes to 0, which is painted
    assert image.getchannel("A").tobytes() == bytes([255] * 4 + [0] * 8 + [255] * 4)
    assert set(image.getchannel("L").tobytes()) == {0} and "stencil" in ours.note


def test_an_image_shared_by_two_pages_has_one_identity():
    reader = pypdf.PdfReader(io.BytesIO(pdfs.images_pdf()))
    first = [identity for identity, _ in page_image_streams(reader.pages[0], 1)]
    second = [identity for identity, _ in page_image_streams(reader.pages[1], 2)]
    assert len(set(first) & set(second)) == 1


def test_page_without_images_yields_nothing():
    reader = pypdf.PdfReader(io.BytesIO(pdfs.images_pdf()))
    assert list(page_image_streams(reader.pages[2], 3)) == []


@pytest.mark.parametrize("name", ["img-1", "page-0001-inline-0"])
def test_names_carry_the_identity_and_an_extension(name):
    reader = pypdf.PdfReader(io.BytesIO(pdfs.crafted_images_pdf()))
    stream = next(s for i, s in page_image_streams(reader.pages[0], 1) if "inline" in i)
    assert convert_image(name, stream).name == f"{name}.png"


def test_an_unreadable_mask_costs_only_the_transparency_with_a_note():
    smask = encoded(b"garbage", ["/CrazyDecode"], Width=NumberObject(2), Height=NumberObject(1),
                    BitsPerComponent=NumberObject(8))
    stream = encoded(flate(b"\x10\x20"), ["/FlateDecode"], Width=NumberObject(2), Height=NumberObject(1),
                     BitsPerComponent=NumberObject(8), ColorSpace=NameObject("/DeviceGray"), SMask=smask)
    image = convert_image("img-1", stream)
    assert decoded(image.data).tobytes() == b"\x10\x20" and image.mask is None
    assert "soft mask could not be read" in image.note and "CrazyDecode" in image.note
