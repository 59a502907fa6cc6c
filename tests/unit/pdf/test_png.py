"""The PNG writer: files Pillow reads back pixel for pixel, for every colour type we write."""

import io
import zlib

import pytest
from PIL import Image

from dataflow.executors.pdf import png


@pytest.mark.parametrize(("color_type", "depth", "mode", "pixels"), [
    (png.GRAY, 8, "L", bytes(range(12))),
    (png.RGB, 8, "RGB", bytes(range(36))),
    (png.RGBA, 8, "RGBA", bytes(range(48))),
    (png.GRAY, 1, "1", b"\xa0\x50\xf0"),  # 4 px wide: one byte per row, low bits are padding
])
def test_pixels_round_trip_through_pillow(color_type, depth, mode, pixels):
    data = png.png_from_pixels(4, 3, depth, color_type, pixels)
    image = Image.open(io.BytesIO(data))
    assert image.size == (4, 3) and image.mode == mode
    expected = Image.frombytes(mode, (4, 3), pixels)
    assert image.tobytes() == expected.tobytes()


def test_palette_image_keeps_its_palette():
    palette = bytes([255, 0, 0, 0, 255, 0])
    image = Image.open(io.BytesIO(png.png_from_pixels(2, 1, 8, png.PALETTE, b"\x00\x01", palette)))
    assert image.convert("RGB").tobytes() == palette


def test_prefiltered_rows_are_used_as_they_are():
    rows = b"\x00\x01\x02\x03" + b"\x01\x05\x05\x05"  # second row uses the Sub filter
    image = Image.open(io.BytesIO(png.png_from_idat(3, 2, 8, png.GRAY, zlib.compress(rows))))
    assert image.tobytes() == bytes([1, 2, 3, 5, 10, 15])


def test_short_pixel_data_is_padded_not_refused():
    image = Image.open(io.BytesIO(png.png_from_pixels(2, 2, 8, png.GRAY, b"\x07")))
    assert image.tobytes() == b"\x07\x00\x00\x00"


def test_interleave_and_invert():
    assert png.interleave(b"\x01\x02\x03\x04\x05\x06", 3, b"\x09\x08") == b"\x01\x02\x03\x09\x04\x05\x06\x08"
    assert png.invert(b"\x00\xff\x0f") == b"\xff\x00\xf0"
