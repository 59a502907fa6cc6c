"""Filters and predictors undone by our own code, where pypdf's are wrong or missing."""

import io
import zlib

import pytest
from PIL import Image
from pypdf._codecs._codecs import LzwCodec
from pypdf.filters import FlateDecode
from pypdf.generic import NameObject, NumberObject

from dataflow.executors.pdf.decoding import (
    UnsupportedFilter,
    ccitt_tiff,
    codec_of,
    decoded_data,
    png_unpredict,
    tiff_unpredict,
    unpredict,
)
from tests.unit.pdf.fidelity_pdfs import ccitt_g4_bytes, encoded, names, pack, png_predict, tiff_predict


def predictor(kind: int, colors: int, bits: int, columns: int):
    return names(Predictor=NumberObject(kind), Colors=NumberObject(colors), BitsPerComponent=NumberObject(bits),
                 Columns=NumberObject(columns))


def test_tiff_predictor_carries_across_bytes_at_16_bits_where_pypdf_does_not():
    values = [0x00FF, 0x0101, 0xFFFF, 0x0000, 0x8001, 0x7FFF]  # one component, 6 pixels, one row
    stored = tiff_predict(values, 6, 1, 16)
    assert tiff_unpredict(stored, 1, 16, 6) == pack(values, 6, 1, 16)
    theirs = FlateDecode.decode(zlib.compress(stored), predictor(2, 1, 16, 6))
    assert theirs != pack(values, 6, 1, 16)  # native pypdf adds byte by byte, dropping the carry: wrong


@pytest.mark.parametrize("bits", [1, 2, 4])
def test_tiff_predictor_wraps_within_the_sample_below_8_bits(bits):
    values = [(i * 5 + 3) % (1 << bits) for i in range(2 * 9)]  # 9 pixels of 2 components
    assert tiff_unpredict(tiff_predict(values, 9, 2, bits), 2, bits, 9) == pack(values, 9, 2, bits)


@pytest.mark.parametrize("bits", [1, 2, 4, 8, 16])
def test_png_predictor_every_row_filter_at_every_depth(bits):
    values = [(i * 7919) % (1 << bits) for i in range(3 * 11 * 6)]  # 11 px × 6 rows × 3 components
    data = pack(values, 11, 3, bits)
    assert png_unpredict(png_predict(data, 3, bits, 11), 3, bits, 11) == data


def test_png_predictor_below_8_bits_uses_one_byte_per_pixel_where_pypdf_uses_none():
    data = bytes([0b10110000, 0b01100000, 0b11100011, 0b10110000])  # 1-bit grey, 12 px × 2 rows
    rows = png_predict(data, 1, 1, 12)
    assert rows[3] == 1  # row 2 uses the Sub filter: it needs the bytes per pixel rounded up to 1
    assert png_unpredict(rows, 1, 1, 12) == data
    assert FlateDecode.decode(zlib.compress(rows), predictor(15, 1, 1, 12)) != data  # native pypdf: wrong


def test_pillow_png_rows_are_undone_exactly():
    image = Image.new("RGB", (9, 7))
    image.putdata([(x * 29 % 256, y * 37 % 256, (x * y) % 256) for y in range(7) for x in range(9)])
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    png = out.getvalue()
    idat = png.index(b"IDAT")
    length = int.from_bytes(png[idat - 4:idat], "big")
    rows = zlib.decompress(png[idat + 4:idat + 4 + length])
    assert png_unpredict(rows, 3, 8, 9) == image.tobytes()


def test_lzw_data_gets_its_predictor_applied():
    data = bytes(range(40))
    stream = encoded(LzwCodec().encode(png_predict(data, 1, 8, 8)), ["/LZWDecode"], [predictor(12, 1, 8, 8)])
    assert decoded_data(stream) == data


def test_filters_are_undone_in_order_and_stop_at_the_image_codec():
    stream = encoded(zlib.compress(b"jpeg bytes").hex().encode() + b">", ["/AHx", "/Fl", "/DCTDecode"])
    assert decoded_data(stream) == b"jpeg bytes" and codec_of(stream) == "/DCTDecode"
    with pytest.raises(UnsupportedFilter, match="DCTDecode"):
        decoded_data(stream, stop_at_codec=False)


def test_an_unknown_filter_or_predictor_is_refused_with_its_name():
    with pytest.raises(UnsupportedFilter, match="Crazy"):
        decoded_data(encoded(b"x", ["/CrazyDecode"]))
    with pytest.raises(UnsupportedFilter, match="predictor 7"):
        unpredict(b"x", predictor(7, 1, 8, 1))


def test_ccitt_decode_inversion_flips_the_photometric_tag():
    data, pixels = ccitt_g4_bytes(16, 4)
    stream = encoded(data, ["/CCITTFaxDecode"], [names(K=NumberObject(-1))], Width=NumberObject(16),
                     Height=NumberObject(4))
    plain, inverted = (Image.open(io.BytesIO(ccitt_tiff(stream, invert=flag))).convert("L").tobytes()
                       for flag in (False, True))
    assert plain == bytes(255 * p for p in pixels)  # /Columns taken from /Width when missing
    assert inverted == bytes(255 - v for v in plain)
    assert stream.get(NameObject("/DecodeParms"))[NameObject("/K")] == -1  # the stream is not changed
