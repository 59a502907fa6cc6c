"""Image samples as the spec lays them out (ISO 32000-2 §8.9.3): rows of `width` pixels of
`components` samples of 1, 2, 4, 8 or 16 bits, each row starting on a byte boundary; and the
/Decode mapping of §8.9.5.2 that turns a sample into a colour value.

Samples are unpacked to one value per element (a bytearray up to 8 bits, a list of ints at 16) and
written back as 8- or 16-bit big-endian samples. Everything is done with bytes.translate and slice
assignment where it can be, so large images cost C-speed passes, not Python loops per sample.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

DEPTHS = (1, 2, 4, 8, 16)


def row_bytes(width: int, components: int, bits: int) -> int:
    return (width * components * bits + 7) // 8


def unpack(data: bytes, width: int, height: int, components: int, bits: int) -> bytearray | list[int]:
    """width*height*components sample values; a short stream is padded with zeros, padding bits and
    bytes past the last row are dropped."""
    stride = row_bytes(width, components, bits)
    data = bytes(data[:stride * height]).ljust(stride * height, b"\0")
    count = width * components
    if bits == 16:
        return [data[i] << 8 | data[i + 1] for start in range(0, len(data), stride)
                for i in range(start, start + 2 * count, 2)]
    if bits == 8:
        return bytearray(data)
    per_byte = 8 // bits
    tables = [_field_table(bits, position) for position in range(per_byte)]
    if count * bits % 8 == 0:  # no padding at row ends: the whole buffer at once
        return _spread(data, per_byte, tables)
    out = bytearray()
    for start in range(0, len(data), stride):
        out += _spread(data[start:start + stride], per_byte, tables)[:count]
    return out


def _field_table(bits: int, position: int) -> bytes:
    shift = 8 - bits * (position + 1)
    return bytes((value >> shift) & ((1 << bits) - 1) for value in range(256))


def _spread(data: bytes, per_byte: int, tables: list[bytes]) -> bytearray:
    out = bytearray(len(data) * per_byte)
    for position, table in enumerate(tables):
        out[position::per_byte] = data.translate(table)
    return out


def decode_pairs(decode, components: int, bits: int, *, indexed: bool = False) -> list[tuple[float, float]]:
    """The [Dmin, Dmax] pair of each component: the image's /Decode when it is well formed, else the
    default ([0, 1]; [0, 2**bits - 1] for an indexed space)."""
    default = (0.0, float((1 << bits) - 1)) if indexed else (0.0, 1.0)
    decode = decode.get_object() if hasattr(decode, "get_object") else decode
    if not isinstance(decode, (list, tuple)) or len(decode) != 2 * components:
        return [default] * components
    try:
        return [(float(decode[2 * c]), float(decode[2 * c + 1])) for c in range(components)]
    except (TypeError, ValueError):
        return [default] * components


def is_identity(pairs: Sequence[tuple[float, float]], bits: int, *, indexed: bool = False) -> bool:
    top = float((1 << bits) - 1) if indexed else 1.0
    return all(pair == (0.0, top) for pair in pairs)


def lookup(pair: tuple[float, float], bits: int, out_max: int) -> list[int]:
    """For each sample value 0..2**bits-1, the decoded value scaled to 0..out_max (rounded, clamped):
    out_max * (Dmin + v * (Dmax - Dmin) / (2**bits - 1))."""
    top = (1 << bits) - 1
    low, high = pair
    return [min(out_max, max(0, round(out_max * (low + value * (high - low) / top)))) for value in range(top + 1)]


def index_lookup(pair: tuple[float, float], bits: int, high_value: int) -> list[int]:
    """Decode for an indexed space maps the sample to an index (§8.9.5.2): Dmin + v*(Dmax-Dmin)/(2**bits-1),
    rounded and clamped to 0..high_value."""
    top = (1 << bits) - 1
    low, high = pair
    return [min(high_value, max(0, round(low + value * (high - low) / top))) for value in range(top + 1)]


def decoded(values: bytearray | list[int], components: int, pairs: Sequence[tuple[float, float]], bits: int,
            depth: int) -> bytes:
    """Samples through their /Decode pairs, scaled to `depth` bits (8 or 16), big-endian. At 16 bits
    each sample is computed (a table would have 65,536 entries per component)."""
    out_max = (1 << depth) - 1
    if bits <= 8:
        return apply(values, components, [lookup(pair, bits, out_max) for pair in pairs], depth)
    if depth == 16 and all(pair == (0.0, 1.0) for pair in pairs):
        return apply(values, components, [_IDENTITY_16] * components, 16)
    top, seen = (1 << bits) - 1, {}
    mapped = []
    for index, value in enumerate(values):
        key = (index % components, value)
        if key not in seen:
            low, high = pairs[key[0]]
            seen[key] = min(out_max, max(0, round(out_max * (low + value * (high - low) / top))))
        mapped.append(seen[key])
    return apply(mapped, 1, [_IDENTITY_16], depth)


class _Identity:
    def __getitem__(self, value: int) -> int:
        return value


_IDENTITY_16 = cast(Sequence[int], _Identity())  # indexes like a table, without 65,536 entries


def apply(values: bytearray | list[int], components: int, tables: Sequence[Sequence[int]], depth: int) -> bytes:
    """Samples mapped through one table per component, written as big-endian samples of `depth` bits
    (8 or 16)."""
    if depth == 8 and isinstance(values, bytearray) and all(isinstance(t, (list, bytes)) and len(t) <= 256
                                                            for t in tables):
        if all(list(t) == list(tables[0]) for t in tables):
            return bytes(values).translate(bytes(tables[0]).ljust(256, b"\0"))
        out = bytearray(len(values))
        for component, table in enumerate(tables):
            out[component::components] = bytes(values[component::components]).translate(
                bytes(table).ljust(256, b"\0"))
        return bytes(out)
    mapped = [tables[i % components][value] for i, value in enumerate(values)]
    if depth == 8:
        return bytes(mapped)
    out = bytearray(2 * len(mapped))
    out[0::2] = bytes(value >> 8 for value in mapped)
    out[1::2] = bytes(value & 0xFF for value in mapped)
    return bytes(out)


def interleave(color: bytes, channels: int, alpha: bytes, unit: int = 1) -> bytes:
    """Pixels of `channels` samples of `unit` bytes, each followed by its alpha sample (same unit)."""
    pixels = len(alpha) // unit
    stride = (channels + 1) * unit
    out = bytearray(pixels * stride)
    for channel in range(channels):
        for byte in range(unit):
            out[channel * unit + byte::stride] = color[channel * unit + byte::channels * unit][:pixels]
    for byte in range(unit):
        out[channels * unit + byte::stride] = alpha[byte::unit]
    return bytes(out)


def widen(samples: bytes) -> bytes:
    """8-bit samples as 16-bit ones (v * 257, so 255 becomes 65535)."""
    out = bytearray(2 * len(samples))
    out[0::2] = samples
    out[1::2] = samples
    return bytes(out)


def resize_nearest(plane: bytes, width: int, height: int, new_width: int, new_height: int) -> bytes:
    """One 8-bit sample per pixel, scaled to another size by nearest neighbour (both images fill the
    unit square, ISO 32000-2 §11.6.5.3)."""
    if (width, height) == (new_width, new_height):
        return plane
    columns = [(2 * x + 1) * width // (2 * new_width) for x in range(new_width)]
    rows = []
    for y in range(new_height):
        start = ((2 * y + 1) * height // (2 * new_height)) * width
        source = plane[start:start + width]
        rows.append(bytes(source[x] for x in columns))
    return b"".join(rows)
