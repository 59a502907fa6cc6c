"""JPEG inversion in the DCT coefficients, checked by decoding with Pillow (a test-only oracle)."""

import io

import pytest
from PIL import Image

from dataflow.executors.pdf.jpeg import invert


def jpeg(mode: str, size, **options) -> bytes:
    image = Image.new(mode, size)
    image.putdata([(x * 9 + y * 5) % 256 if mode == "L" else ((x * 9) % 256, (y * 13) % 256, (x * y) % 256)
                   for y in range(size[1]) for x in range(size[0])])
    out = io.BytesIO()
    image.save(out, format="JPEG", **options)
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.tobytes()


@pytest.mark.parametrize(("mode", "size", "options", "tolerance"), [
    ("L", (33, 17), {"quality": 75}, 1),
    ("L", (33, 17), {"quality": 90}, 1),  # a DC quantiser that does not divide 8: the closest shift
    ("RGB", (33, 17), {"quality": 90, "subsampling": 0}, 3),
    ("RGB", (40, 24), {"quality": 75, "subsampling": 2}, 3),  # 4:2:0, several blocks per unit
    ("RGB", (64, 48), {"quality": 95, "subsampling": 2, "restart_marker_blocks": 1}, 3),  # restart markers
    ("RGB", (31, 9), {"quality": 50, "subsampling": 1, "optimize": True}, 3),  # optimised Huffman tables
])
def test_every_sample_becomes_255_minus_itself_within_rounding(mode, size, options, tolerance):
    original = jpeg(mode, size, **options)
    inverted, _ = invert(original)
    before, after = pixels(original), pixels(inverted)
    assert max(abs(b - (255 - a)) for a, b in zip(before, after, strict=True)) <= tolerance
    assert Image.open(io.BytesIO(inverted)).size == size


def test_exact_when_the_dc_quantiser_divides_eight():
    original = jpeg("L", (16, 16), quality=75)
    assert invert(original)[1] is True


@pytest.mark.parametrize("data", [jpeg("RGB", (16, 16), progressive=True), jpeg("CMYK", (8, 8)), b"not a jpeg",
                                  jpeg("L", (8, 8))[:40]])
def test_progressive_cmyk_and_broken_jpegs_are_not_inverted(data):
    assert invert(data) is None
