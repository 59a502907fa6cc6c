"""The generated matrix: colour space × bits per component × filter × mask kind × /Decode. Every
combination the spec allows is built from known sample values, converted, and compared pixel for
pixel with a reference computed here from the specification's formulas (ISO 32000-2 §8.9.5.2 for
/Decode, §8.9.6 and §11.6.5 for masks), not with our own code. Pillow only reads our PNGs back.

Native pypdf is not the reference here: it applies no predictor after LZW, adds the TIFF predictor
byte by byte (wrong at 16 bits), ignores /Mask, and cannot convert several of these layouts.
"""

from __future__ import annotations

import base64
import io
import itertools

import pytest
from PIL import Image
from pypdf._codecs._codecs import LzwCodec
from pypdf.generic import ArrayObject, NameObject, NumberObject

from dataflow.executors.pdf.images import convert_image
from tests.unit.pdf.fidelity_pdfs import (
    encoded,
    flate,
    names,
    numbers,
    pack,
    pattern,
    png_predict,
    run_length,
    string,
    tiff_predict,
    true,
)

WIDTH, HEIGHT = 7, 5  # odd: rows below 8 bits end part-way through a byte

SPACES = {  # name: (components, allowed bits)
    "gray": (1, (1, 2, 4, 8, 16)),
    "rgb": (3, (1, 2, 4, 8, 16)),
    "indexed-rgb-string": (1, (1, 2, 4, 8)),
    "indexed-gray-stream": (1, (1, 2, 4, 8)),
    "cmyk": (4, (1, 2, 4, 8, 16)),
    "indexed-cmyk-stream": (1, (1, 2, 4, 8)),
}
FILTERS = ("none", "flate", "flate+png", "flate+tiff", "lzw+png", "ahx+flate", "runlength", "a85")
MASKS = ("none", "smask", "smask-double-size", "stencil", "colour-key")
DECODES = ("default", "inverted", "narrowed")


def combinations():
    for space, (_, depths) in SPACES.items():
        for bits, filter_name, mask, decode in itertools.product(depths, FILTERS, MASKS, DECODES):
            yield pytest.param(space, bits, filter_name, mask, decode,
                               id=f"{space}-{bits}bit-{filter_name}-{mask}-{decode}")


MATRIX = list(combinations())


def test_the_matrix_covers_every_allowed_combination():
    assert len(MATRIX) == (5 + 5 + 4 + 4 + 5 + 4) * len(FILTERS) * len(MASKS) * len(DECODES) == 3240


# Building the image ------------------------------------------------------------------------------

def palette_for(space: str, bits: int) -> tuple[list[tuple[int, int, int]], object]:
    """(the palette as RGB triples, the /ColorSpace array); one entry fewer than 2**bits, so the
    largest index is past hival."""
    entries = max(1, (1 << bits) - 1)
    if space == "indexed-rgb-string":
        colours = [((i * 73) % 256, (i * 151 + 40) % 256, (255 - i * 29) % 256) for i in range(entries)]
        table = string(bytes(v for colour in colours for v in colour))
        base = NameObject("/DeviceRGB")
    elif space == "indexed-cmyk-stream":  # kept as CMYK samples, like a CMYK image
        colours = [((i * 61) % 256, (i * 17 + 3) % 256, (i * 101) % 256, (250 - i) % 256) for i in range(entries)]
        table = encoded(flate(bytes(v for colour in colours for v in colour)), ["/FlateDecode"])
        del table[NameObject("/Type")], table[NameObject("/Subtype")]
        base = NameObject("/DeviceCMYK")
    else:
        greys = [(i * 97 + 11) % 256 for i in range(entries)]
        colours = [(g, g, g) for g in greys]
        table = encoded(flate(bytes(greys)), ["/FlateDecode"])
        del table[NameObject("/Type")], table[NameObject("/Subtype")]
        base = NameObject("/DeviceGray")
    return colours, ArrayObject([NameObject("/Indexed"), base, NumberObject(entries - 1), table])


def decode_array(decode: str, components: int, bits: int, indexed: bool) -> list[float] | None:
    if decode == "default":
        return None
    top = (1 << bits) - 1 if indexed else 1
    pair = [top, 0] if decode == "inverted" else ([0, top // 2] if indexed else [0.25, 0.75])
    return pair * components


def encode(values: list[int], components: int, bits: int, filter_name: str):
    """(stored bytes, filters, decode parameters) for the samples."""
    data = pack(values, WIDTH, components, bits)
    predictor = names(Colors=NumberObject(components), BitsPerComponent=NumberObject(bits),
                      Columns=NumberObject(WIDTH))
    if filter_name == "none":
        return data, [], None
    if filter_name == "flate":
        return flate(data), ["/FlateDecode"], None
    if filter_name in ("flate+png", "lzw+png"):
        predictor[NameObject("/Predictor")] = NumberObject(15)
        rows = png_predict(data, components, bits, WIDTH)
        stored = flate(rows) if filter_name == "flate+png" else LzwCodec().encode(rows)
        return stored, ["/FlateDecode" if filter_name == "flate+png" else "/LZWDecode"], [predictor]
    if filter_name == "flate+tiff":
        predictor[NameObject("/Predictor")] = NumberObject(2)
        return flate(tiff_predict(values, WIDTH, components, bits)), ["/FlateDecode"], [predictor]
    if filter_name == "ahx+flate":
        return flate(data).hex().encode() + b">", ["/ASCIIHexDecode", "/FlateDecode"], None
    if filter_name == "runlength":
        return run_length(data), ["/RunLengthDecode"], None
    return base64.a85encode(data) + b"~>", ["/ASCII85Decode"], None


def mask_entries(mask: str, components: int, bits: int) -> tuple[dict, dict]:
    """(entries for the image dictionary, what the reference needs to know about the mask)."""
    if mask == "smask":
        alpha = [(x * 40 + y * 60) % 256 for y in range(HEIGHT) for x in range(WIDTH)]
        stream = encoded(flate(bytes(alpha)), ["/FlateDecode"], Width=NumberObject(WIDTH),
                         Height=NumberObject(HEIGHT), ColorSpace=NameObject("/DeviceGray"),
                         BitsPerComponent=NumberObject(8))
        return {"SMask": stream}, {"alpha": alpha}
    if mask == "smask-double-size":  # 4-bit samples at twice the size: pixel centres pick (2x+1, 2y+1)
        big = [(x * 3 + y * 5) % 16 for y in range(2 * HEIGHT) for x in range(2 * WIDTH)]
        stream = encoded(flate(pack(big, 2 * WIDTH, 1, 4)), ["/FlateDecode"], Width=NumberObject(2 * WIDTH),
                         Height=NumberObject(2 * HEIGHT), ColorSpace=NameObject("/DeviceGray"),
                         BitsPerComponent=NumberObject(4))
        alpha = [17 * big[(2 * y + 1) * 2 * WIDTH + 2 * x + 1] for y in range(HEIGHT) for x in range(WIDTH)]
        return {"SMask": stream}, {"alpha": alpha, "own_size": [17 * v for v in big]}
    if mask == "stencil":  # a 1-bit stencil: 1 masks the image out
        bits_of = [(x + 2 * y) % 3 == 0 for y in range(HEIGHT) for x in range(WIDTH)]
        stream = encoded(flate(pack([int(b) for b in bits_of], WIDTH, 1, 1)), ["/FlateDecode"],
                         Width=NumberObject(WIDTH), Height=NumberObject(HEIGHT), ImageMask=true())
        return {"Mask": stream}, {"alpha": [0 if b else 255 for b in bits_of]}
    if mask == "colour-key":
        top = (1 << bits) - 1
        ranges = [0, top // 2] * components
        return {"Mask": numbers(*ranges)}, {"ranges": ranges}
    return {}, {}


def build(space: str, bits: int, filter_name: str, mask: str, decode: str):
    components = SPACES[space][0]
    indexed = space.startswith("indexed")
    values = pattern(WIDTH, HEIGHT, components, (1 << bits) - 1)
    stored, filters, parms = encode(values, components, bits, filter_name)
    entries = {"Width": NumberObject(WIDTH), "Height": NumberObject(HEIGHT), "BitsPerComponent": NumberObject(bits)}
    palette = None
    if indexed:
        palette, entries["ColorSpace"] = palette_for(space, bits)
    else:
        entries["ColorSpace"] = NameObject({"gray": "/DeviceGray", "rgb": "/DeviceRGB", "cmyk": "/DeviceCMYK"}[space])
    array = decode_array(decode, components, bits, indexed)
    if array is not None:
        entries["Decode"] = numbers(*array)
    extra, mask_info = mask_entries(mask, components, bits)
    entries.update(extra)
    return encoded(stored, filters, parms, **entries), values, palette, array, mask_info


# The reference -----------------------------------------------------------------------------------

def decoded_value(sample: int, bits: int, pair, scale: int) -> int:
    low, high = pair
    return min(scale, max(0, round(scale * (low + sample * (high - low) / ((1 << bits) - 1)))))


def expected_alpha(values, components: int, mask_info: dict) -> list[int] | None:
    if "alpha" in mask_info:
        return mask_info["alpha"]
    if "ranges" in mask_info:
        ranges = mask_info["ranges"]
        return [0 if all(ranges[2 * c] <= values[p * components + c] <= ranges[2 * c + 1]
                         for c in range(components)) else 255 for p in range(WIDTH * HEIGHT)]
    return None


def expected_pixels(space, bits, values, palette, array, scale) -> list[tuple[int, ...]]:
    """Per pixel, the colour as RGB (or the CMYK samples) in 0..scale."""
    components = SPACES[space][0]
    pixels = []
    for p in range(WIDTH * HEIGHT):
        samples = values[p * components:(p + 1) * components]
        if palette is not None:
            low, high = array[:2] if array else (0, (1 << bits) - 1)
            # rounded, and an index past hival adjusted to the nearest valid one (ISO 32000-2 §8.6.6.3)
            index = min(len(palette) - 1, max(0, round(low + samples[0] * (high - low) / ((1 << bits) - 1))))
            pixels.append(palette[index])
            continue
        pairs = [tuple(array[2 * c:2 * c + 2]) for c in range(components)] if array else [(0, 1)] * components
        colour = tuple(decoded_value(s, bits, pair, scale) for s, pair in zip(samples, pairs, strict=True))
        pixels.append(colour * 3 if space == "gray" else colour)
    return pixels


def read_png(data: bytes, alpha: bool) -> tuple[str, list[tuple[int, ...]]]:
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode.startswith("I;16"):
        return image.mode, [(v, v, v) for v in image.get_flattened_data()]
    return image.mode, list(image.convert("RGBA" if alpha else "RGB").get_flattened_data())


@pytest.mark.parametrize(("space", "bits", "filter_name", "mask", "decode"), MATRIX)
def test_image_matches_the_reference(space, bits, filter_name, mask, decode):
    stream, values, palette, array, mask_info = build(space, bits, filter_name, mask, decode)
    ours = convert_image("img", stream)
    components = SPACES[space][0]
    alpha = expected_alpha(values, components, mask_info)
    if "cmyk" in space:  # kept as samples with /Decode applied; the mask is written beside them
        scale = 65535 if bits == 16 else 255
        samples = [v for pixel in expected_pixels(space, bits, values, palette, array, scale) for v in pixel]
        expected = b"".join(v.to_bytes(2, "big") for v in samples) if bits == 16 else bytes(samples)
        assert ours.mime == "application/octet-stream" and ours.data == expected and "CMYK" in ours.note
        if alpha is None:
            assert ours.mask is None
        else:
            assert ours.mask is not None, ours.note
            own = mask_info.get("own_size", alpha)  # the mask file keeps the mask's own size
            assert read_png(ours.mask.data, False)[1] == [(a, a, a) for a in own]
            assert ours.mask.name in ours.note
        return
    assert ours.mime == "image/png" and ours.mask is None, ours.note
    mode, got = read_png(ours.data, alpha is not None)
    if mode.startswith("I;16"):
        expected = expected_pixels(space, bits, values, palette, array, 65535)
    else:
        wide = bits == 16 and palette is None
        expected = [tuple(v >> 8 for v in pixel) if wide else pixel
                    for pixel in expected_pixels(space, bits, values, palette, array, 65535 if wide else 255)]
    if alpha is not None:
        expected = [pixel + (a,) for pixel, a in zip(expected, alpha, strict=True)]
    assert got == expected
