"""Inline images (BI … ID … EI) through a real page: colour space × bits × filter × /Decode, with the
same reference as the main matrix (abbreviated keys and names, a palette given as a string)."""

from __future__ import annotations

import io
import itertools

import pypdf
import pytest

from dataflow.executors.pdf.images import convert_image, page_image_streams
from tests.unit.pdf.fidelity_pdfs import flate, image_page_pdf, pack, pattern
from tests.unit.pdf.test_matrix import HEIGHT, WIDTH, decode_array, expected_pixels, read_png

SPACES = {"gray": (b"/G", (1, 2, 4, 8, 16)), "rgb": (b"/RGB", (1, 2, 4, 8, 16)),
          "indexed-rgb-string": (None, (1, 2, 4, 8))}
FILTERS = ("none", "ahx", "flate-ahx")
DECODES = ("default", "inverted", "narrowed")
MATRIX = [(space, bits, f, d) for space, (_, depths) in SPACES.items()
          for bits, f, d in itertools.product(depths, FILTERS, DECODES)]


def test_the_inline_matrix_size():
    assert len(MATRIX) == 14 * 3 * 3 == 126


def inline_image(space: str, bits: int, filter_name: str, decode: str):
    indexed = space.startswith("indexed")
    components = 3 if space == "rgb" else 1
    values = pattern(WIDTH, HEIGHT, components, (1 << bits) - 1, seed=3)
    data = pack(values, WIDTH, components, bits)
    palette = None
    if indexed:
        entries = max(1, (1 << bits) - 1)
        palette = [((i * 53) % 256, (i * 31 + 7) % 256, (200 - i) % 256) for i in range(entries)]
        table = bytes(v for colour in palette for v in colour).hex().encode()
        colour_space = b"[/I /RGB %d <%s>]" % (entries - 1, table)
    else:
        colour_space = SPACES[space][0]
    keys = b"/W %d /H %d /BPC %d /CS %s" % (WIDTH, HEIGHT, bits, colour_space)
    array = decode_array(decode, components, bits, indexed)
    if array is not None:
        keys += b" /D [" + b" ".join(str(v).encode() for v in array) + b"]"
    if filter_name == "ahx":
        keys, data = keys + b" /F /AHx", data.hex().encode() + b">"
    elif filter_name == "flate-ahx":
        keys, data = keys + b" /F [/AHx /Fl]", flate(data).hex().encode() + b">"
    return b"BI " + keys + b" ID " + data + b"\nEI", values, palette, array


@pytest.mark.parametrize(("space", "bits", "filter_name", "decode"), MATRIX,
                         ids=["-".join(map(str, case)) for case in MATRIX])
def test_inline_image_matches_the_reference(space, bits, filter_name, decode):
    content, values, palette, array = inline_image(space, bits, filter_name, decode)
    reader = pypdf.PdfReader(io.BytesIO(image_page_pdf({}, content)))
    [(identity, stream)] = list(page_image_streams(reader.pages[0], 1))
    ours = convert_image(identity, stream)
    assert ours.mime == "image/png" and identity == "page-0001-inline-0", ours.note
    mode, got = read_png(ours.data, False)
    wide = bits == 16
    if mode.startswith("I;16"):
        expected = expected_pixels(space, bits, values, palette, array, 65535)
    else:
        expected = [tuple(v >> 8 for v in p) if wide else p
                    for p in expected_pixels(space, bits, values, palette, array, 65535 if wide else 255)]
    assert got == expected
