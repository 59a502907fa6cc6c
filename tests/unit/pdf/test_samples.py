"""Sample unpacking, /Decode tables and the small pixel operations, on values worked out by hand."""

import pytest

from dataflow.executors.pdf import samples
from tests.unit.pdf.fidelity_pdfs import pack


@pytest.mark.parametrize("bits", [1, 2, 4, 8, 16])
def test_unpack_drops_row_padding_at_every_depth(bits):
    values = [(i * 13) % (1 << bits) for i in range(5 * 3 * 3)]  # 5 px × 3 components × 3 rows
    assert list(samples.unpack(pack(values, 5, 3, bits), 5, 3, 3, bits)) == values


def test_a_short_stream_is_padded_with_zeros():
    assert list(samples.unpack(b"\xff", 4, 2, 1, 4)) == [15, 15, 0, 0, 0, 0, 0, 0]


def test_decode_table_follows_the_spec_formula():
    assert samples.lookup((0.0, 1.0), 2, 255) == [0, 85, 170, 255]
    assert samples.lookup((1.0, 0.0), 1, 255) == [255, 0]
    assert samples.lookup((0.25, 0.75), 1, 255) == [64, 191]
    assert samples.lookup((-1.0, 2.0), 1, 255) == [0, 255]  # clamped
    assert samples.index_lookup((3.0, 0.0), 2, 2) == [2, 2, 1, 0]  # an index past hival is clamped


def test_malformed_decode_arrays_fall_back_to_the_default():
    assert samples.decode_pairs([1, 0, 1], 2, 8) == [(0.0, 1.0)] * 2
    assert samples.decode_pairs(None, 1, 4, indexed=True) == [(0.0, 15.0)]
    assert samples.decode_pairs(["/x", 0], 1, 8) == [(0.0, 1.0)]


def test_apply_maps_each_component_through_its_own_table():
    tables = [[0, 255], [255, 0]]
    assert samples.apply(bytearray([0, 0, 1, 1]), 2, tables, 8) == bytes([0, 255, 255, 0])
    assert samples.apply([0, 65535], 1, [{0: 1, 65535: 258}], 16) == b"\x00\x01\x01\x02"


def test_interleave_and_widen_at_16_bits():
    assert samples.interleave(b"\x01\x02\x03\x04", 1, b"\xaa\xbb\xcc\xdd", 2) == b"\x01\x02\xaa\xbb\x03\x04\xcc\xdd"
    assert samples.widen(b"\x00\xff") == b"\x00\x00\xff\xff"


def test_nearest_neighbour_samples_pixel_centres():
    plane = bytes(range(16))  # 4 × 4
    assert samples.resize_nearest(plane, 4, 4, 2, 2) == bytes([5, 7, 13, 15])
    assert samples.resize_nearest(b"\x01\x02", 2, 1, 4, 1) == b"\x01\x01\x02\x02"
