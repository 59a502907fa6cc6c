"""The transparency of an image (ISO 32000-2 §8.9.6, §11.6.5.3) as an 8-bit alpha plane: a soft
mask (/SMask, which wins over /Mask), a stencil mask (/Mask stream, 1 = masked out after its
/Decode) or a colour-key mask (/Mask array of [min max] per component, compared with the samples
before /Decode). A mask stored with an image codec we cannot decode here (a JPEG soft mask, a CCITT
stencil ...) comes back as its file, to be written beside the image. Standard library and pypdf only.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypdf.generic import StreamObject

from dataflow.executors.pdf import samples
from dataflow.executors.pdf.decoding import ccitt_tiff, codec_of, decoded_data

CODEC_FILES = {"/DCTDecode": (".jpg", "image/jpeg"), "/JPXDecode": (".jp2", "image/jp2"),
               "/JBIG2Decode": (".jbig2", "application/octet-stream")}


@dataclass
class Alpha:
    kind: str  # "soft mask", "stencil mask" or "colour-key mask"
    width: int
    height: int
    plane: bytes | None = None  # width*height 8-bit alpha values (255 opaque), when it could be decoded
    file: tuple[str, bytes, str] | None = None  # (extension, bytes, MIME) of a mask kept as its own file
    note: str | None = None


def alpha_of(stream: StreamObject, values=None, components: int = 1, bits: int = 8) -> Alpha | None:
    """The image's transparency, or None when it is opaque. `values` are its unpacked samples (needed
    for a colour-key mask; None when the image itself cannot be decoded here)."""
    smask = _object(stream.get("/SMask"))
    if isinstance(smask, StreamObject):
        return _soft(smask)
    mask = _object(stream.get("/Mask"))
    if isinstance(mask, StreamObject):
        return _stencil(mask)
    if isinstance(mask, list) and mask:
        width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
        return _colour_key(mask, values, components, bits, width, height)
    return None


def _object(value):
    return value.get_object() if value is not None else None


def _size(stream: StreamObject) -> tuple[int, int]:
    return int(stream.get("/Width", 0)), int(stream.get("/Height", 0))


def _soft(smask: StreamObject) -> Alpha:
    width, height = _size(smask)
    codec = codec_of(smask)
    if codec is not None:
        return _as_file("soft mask", smask, codec, width, height)
    bits = int(smask.get("/BitsPerComponent", 8))
    if bits not in samples.DEPTHS:
        raise ValueError(f"a soft mask with {bits} bits per component")
    values = samples.unpack(decoded_data(smask), width, height, 1, bits)
    pair = samples.decode_pairs(smask.get("/Decode"), 1, bits)[0]
    plane = samples.decoded(values, 1, [pair], bits, 8)
    note = None
    if smask.get("/Matte") is not None:
        note = "The soft mask's /Matte (colours pre-blended with a matte colour) was not undone."
    return Alpha("soft mask", width, height, plane, note=note)


def _stencil(mask: StreamObject) -> Alpha:
    width, height = _size(mask)
    codec = codec_of(mask)
    if codec is not None:
        return _as_file("stencil mask", mask, codec, width, height)
    values = samples.unpack(decoded_data(mask), width, height, 1, 1)
    pair = samples.decode_pairs(mask.get("/Decode"), 1, 1)[0]
    masked = samples.lookup(pair, 1, 1)  # decoded value 1 masks the image out
    plane = samples.apply(values, 1, [[0 if masked[v] else 255 for v in (0, 1)]], 8)
    return Alpha("stencil mask", width, height, plane)


def _colour_key(ranges: list, values, components: int, bits: int, width: int, height: int) -> Alpha:
    if values is None:
        return Alpha("colour-key mask", width, height, note="Its colour-key mask (/Mask "
                     f"{[int(v) for v in ranges]}) could not be applied: the image cannot be decoded here.")
    limits = [int(v) for v in ranges][:2 * components]
    if len(limits) < 2 * components:
        return Alpha("colour-key mask", width, height, note=f"Its colour-key mask {limits} is malformed "
                     f"({components} components need {2 * components} values) and was not applied.")
    count = width * height
    if bits <= 8:
        inside = -1  # all bits set: a pixel is masked when every component is in its range
        for component in range(components):
            low, high = limits[2 * component], limits[2 * component + 1]
            table = bytes(1 if low <= v <= high else 0 for v in range(256))
            plane = bytes(values[component::components][:count]).translate(table)
            inside &= int.from_bytes(plane, "big")
        masked = inside.to_bytes(count, "big") if count else b""
        return Alpha("colour-key mask", width, height, masked.translate(bytes([255, 0]) + bytes(254)))
    plane = bytes(0 if all(limits[2 * c] <= values[p * components + c] <= limits[2 * c + 1]
                           for c in range(components)) else 255 for p in range(count))
    return Alpha("colour-key mask", width, height, plane)


def _as_file(kind: str, mask: StreamObject, codec: str, width: int, height: int) -> Alpha:
    """A mask we cannot decode, as a file that shows white where the image is opaque, where we can."""
    pair = samples.decode_pairs(mask.get("/Decode"), 1, 1 if kind == "stencil mask" else 8)[0]
    note = None
    if codec == "/CCITTFaxDecode":
        # a stencil's decoded 1s are transparent; a soft mask's 1s opaque: flip what must show black
        flip = (pair == (0.0, 1.0)) if kind == "stencil mask" else (pair == (1.0, 0.0))
        data, extension, mime = ccitt_tiff(mask, invert=flip), ".tiff", "image/tiff"
    else:
        extension, mime = CODEC_FILES[codec]
        data = decoded_data(mask) if codec != "/JBIG2Decode" else bytes(mask._data)
        if kind == "stencil mask":
            note = f"Its stencil mask is {codec[1:-6]} data kept as stored: its 1 samples are the transparent parts."
        elif pair != (0.0, 1.0):
            note = f"The mask file is shown as stored: its /Decode {list(pair)} could not be applied to it."
    return Alpha(kind, width, height, file=(extension, data, mime), note=note)
