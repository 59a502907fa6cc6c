"""Writing PNG files with the standard library only (zlib, struct): no Pillow in the browser.

PNG rows are each prefixed with a filter byte. PDF Flate streams with a PNG predictor (>= 10)
already hold exactly such rows, so their compressed data can become the IDAT chunk unchanged.
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
GRAY, RGB, PALETTE, GRAY_ALPHA, RGBA = 0, 2, 3, 4, 6
CHANNELS = {GRAY: 1, RGB: 3, PALETTE: 1, GRAY_ALPHA: 2, RGBA: 4}


def chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def row_bytes(width: int, color_type: int, bit_depth: int) -> int:
    return (width * CHANNELS[color_type] * bit_depth + 7) // 8


def png_from_idat(width: int, height: int, bit_depth: int, color_type: int, idat: bytes,
                  palette: bytes | None = None) -> bytes:
    """A PNG file from an already compressed stream of filtered rows."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    parts = [SIGNATURE, chunk(b"IHDR", header)]
    if color_type == PALETTE:
        parts.append(chunk(b"PLTE", palette or b"\0\0\0"))
    parts += [chunk(b"IDAT", idat), chunk(b"IEND", b"")]
    return b"".join(parts)


def png_from_pixels(width: int, height: int, bit_depth: int, color_type: int, pixels: bytes,
                    palette: bytes | None = None) -> bytes:
    """A PNG file from unfiltered, tightly packed rows (each row starts on a byte boundary)."""
    stride = row_bytes(width, color_type, bit_depth)
    needed = stride * height
    if len(pixels) < needed:  # a short stream: pad rather than refuse (readers do the same)
        pixels = pixels + bytes(needed - len(pixels))
    rows = b"".join(b"\0" + pixels[offset:offset + stride] for offset in range(0, needed, stride))
    return png_from_idat(width, height, bit_depth, color_type, zlib.compress(rows, 6), palette)


def interleave(color: bytes, channels: int, alpha: bytes) -> bytes:
    """Pixels of `channels` 8-bit samples plus one alpha sample each (C-speed slicing, no loop)."""
    pixels = len(alpha)
    out = bytearray(pixels * (channels + 1))
    for channel in range(channels):
        out[channel::channels + 1] = color[channel::channels][:pixels]
    out[channels::channels + 1] = alpha
    return bytes(out)


def invert(pixels: bytes) -> bytes:
    """Every sample v becomes max - v; works for any packed bit depth up to 8."""
    return pixels.translate(INVERT)


INVERT = bytes(255 - value for value in range(256))
