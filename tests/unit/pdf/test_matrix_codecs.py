"""The matrix for images we cannot decode in the browser (JPEG, JPEG 2000, CCITT) and for masks
stored with such codecs: base × mask kind × /Decode. The image file is what the PDF holds (CCITT
with /Decode honoured); its transparency is a second file that shows white where the image is
opaque, or a note says why it could not be applied. Never an image that looks opaque when the
PDF's is not, without a word."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image
from pypdf.generic import NameObject, NumberObject

from dataflow.executors.pdf.images import convert_image
from tests.unit.pdf.fidelity_pdfs import ccitt_g4_bytes, encoded, flate, names, numbers, pack, true

WIDTH, HEIGHT = 16, 8
BASES = ("jpeg-rgb", "jpeg-gray", "jpx-rgb", "ccitt", "flate-rgb")
MASKS = ("none", "smask", "smask-double-size", "smask-jpeg", "stencil", "stencil-ccitt", "colour-key")
DECODES = ("default", "inverted")
MATRIX = list(itertools.product(BASES, MASKS, DECODES))


def test_the_codec_matrix_size():
    assert len(MATRIX) == 70


def pillow_file(mode: str, size, fmt: str) -> bytes:
    image = Image.new(mode, size)
    image.putdata([((x * 16) % 256, (y * 32) % 256, 128)[:len(mode)] if mode != "L" else (x * 16 + y) % 256
                   for y in range(size[1]) for x in range(size[0])])
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def base_stream(base: str, decode: str):
    components = 1 if base in ("jpeg-gray", "ccitt") else 3
    entries = {"Width": NumberObject(WIDTH), "Height": NumberObject(HEIGHT),
               "BitsPerComponent": NumberObject(1 if base == "ccitt" else 8),
               "ColorSpace": NameObject("/DeviceGray" if components == 1 else "/DeviceRGB")}
    if decode == "inverted":
        entries["Decode"] = numbers(*([1, 0] * components))
    if base.startswith("jpeg"):
        data = pillow_file("L" if base == "jpeg-gray" else "RGB", (WIDTH, HEIGHT), "JPEG")
        return encoded(data, ["/DCTDecode"], **entries), data
    if base == "jpx-rgb":
        data = pillow_file("RGB", (WIDTH, HEIGHT), "JPEG2000")
        return encoded(data, ["/JPXDecode"], **entries), data
    if base == "ccitt":
        data, pixels = ccitt_g4_bytes(WIDTH, HEIGHT)
        params = names(K=NumberObject(-1), Columns=NumberObject(WIDTH), Rows=NumberObject(HEIGHT))
        inverted = decode == "inverted"
        return encoded(data, ["/CCITTFaxDecode"], [params], **entries), bytes(255 * (1 - p if inverted else p)
                                                                              for p in pixels)
    values = bytes((x * 16 + y * 3 + c * 50) % 256 for y in range(HEIGHT) for x in range(WIDTH) for c in range(3))
    return encoded(flate(values), ["/FlateDecode"], **entries), None


def add_mask(stream, mask: str):
    """Adds the mask; returns (what the mask file must show (white = opaque) as bytes, or the stored
    file's bytes for a JPEG mask, or None for no file; the size of the mask)."""
    if mask == "smask":
        alpha = bytes((x * 30 + y * 7) % 256 for y in range(HEIGHT) for x in range(WIDTH))
        stream[NameObject("/SMask")] = encoded(flate(alpha), ["/FlateDecode"], Width=NumberObject(WIDTH),
                                               Height=NumberObject(HEIGHT), BitsPerComponent=NumberObject(8),
                                               ColorSpace=NameObject("/DeviceGray"))
        return alpha, (WIDTH, HEIGHT)
    if mask == "smask-double-size":
        alpha = bytes((x * 5 + y * 11) % 256 for y in range(2 * HEIGHT) for x in range(2 * WIDTH))
        stream[NameObject("/SMask")] = encoded(flate(alpha), ["/FlateDecode"], Width=NumberObject(2 * WIDTH),
                                               Height=NumberObject(2 * HEIGHT), BitsPerComponent=NumberObject(8),
                                               ColorSpace=NameObject("/DeviceGray"))
        return alpha, (2 * WIDTH, 2 * HEIGHT)
    if mask == "smask-jpeg":
        data = pillow_file("L", (WIDTH, HEIGHT), "JPEG")
        stream[NameObject("/SMask")] = encoded(data, ["/DCTDecode"], Width=NumberObject(WIDTH),
                                               Height=NumberObject(HEIGHT), BitsPerComponent=NumberObject(8),
                                               ColorSpace=NameObject("/DeviceGray"))
        return data, (WIDTH, HEIGHT)
    if mask == "stencil":
        bits = [(x // 4 + y) % 2 for y in range(HEIGHT) for x in range(WIDTH)]
        stream[NameObject("/Mask")] = encoded(flate(pack(bits, WIDTH, 1, 1)), ["/FlateDecode"],
                                              Width=NumberObject(WIDTH), Height=NumberObject(HEIGHT), ImageMask=true())
        return bytes(0 if b else 255 for b in bits), (WIDTH, HEIGHT)
    if mask == "stencil-ccitt":  # the fax picture's white (1) samples are masked out
        data, pixels = ccitt_g4_bytes(WIDTH, HEIGHT)
        params = names(K=NumberObject(-1), Columns=NumberObject(WIDTH), Rows=NumberObject(HEIGHT))
        stream[NameObject("/Mask")] = encoded(data, ["/CCITTFaxDecode"], [params], Width=NumberObject(WIDTH),
                                              Height=NumberObject(HEIGHT), ImageMask=true())
        return bytes(0 if p else 255 for p in pixels), (WIDTH, HEIGHT)
    if mask == "colour-key":
        stream[NameObject("/Mask")] = numbers(*([0, 100] * (1 if "gray" in str(stream.get("/ColorSpace")) else 3)))
    return None, None


def grey_or_rgb(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.tobytes()


def grey(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("L").tobytes()


@pytest.mark.parametrize(("base", "mask", "decode"), MATRIX, ids=["-".join(c) for c in MATRIX])
def test_codec_images_keep_their_data_and_their_transparency(base, mask, decode):
    stream, expected_image = base_stream(base, decode)
    expected_mask, mask_size = add_mask(stream, mask)
    ours = convert_image("img", stream)
    note = ours.note or ""
    if base == "jpx-rgb" or base.startswith("jpeg") and decode == "default":
        assert ours.data == expected_image  # the file as stored
        assert ("/Decode" in note and "could not be applied" in note) == (decode == "inverted")
    elif base.startswith("jpeg"):  # inverted in its DCT coefficients: within a few levels of 255 - s
        stored, inverted = grey_or_rgb(expected_image), grey_or_rgb(ours.data)
        assert max(abs(b - (255 - a)) for a, b in zip(stored, inverted, strict=True)) <= 3
        assert "negating the JPEG's DCT coefficients" in note
    elif base == "ccitt":
        assert grey(ours.data) == expected_image  # /Decode [1 0] honoured through the TIFF's photometric tag
    decodable_base = base == "flate-rgb"
    if mask == "none":
        assert ours.mask is None
    elif mask == "colour-key":
        if decodable_base:
            assert Image.open(io.BytesIO(ours.data)).mode == "RGBA" and ours.mask is None
        else:
            assert ours.mask is None and "colour-key mask" in note and "could not be applied" in note
    elif decodable_base and mask != "smask-jpeg" and mask != "stencil-ccitt":
        assert ours.mask is None and Image.open(io.BytesIO(ours.data)).mode == "RGBA"
    else:
        assert ours.mask is not None and ours.mask.name in note and "not opaque" in note
        assert (ours.mask.width, ours.mask.height) == mask_size
        if mask == "smask-jpeg":
            assert ours.mask.data == expected_mask and ours.mask.mime == "image/jpeg"
        else:
            assert grey(ours.mask.data) == expected_mask  # white where the image is opaque
