"""Image extraction without Pillow: image XObjects (also inside forms) and inline images, as files.

DCT streams are JPEG files and JPX streams JPEG 2000 files as they are; CCITT becomes TIFF
(pypdf wraps it); Flate and other pixel data become PNG (grey, RGB, palette, 1-bit, with the soft
mask as alpha where it fits). What cannot be converted faithfully (CMYK, Lab, DeviceN, JBIG2) is
kept as its decoded samples with a note that says what they are. Nothing is dropped silently.
Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf.constants import _INLINE_IMAGE_KEY_MAPPING, _INLINE_IMAGE_VALUE_MAPPING
from pypdf.generic import ArrayObject, DictionaryObject, EncodedStreamObject, NameObject, StreamObject

from dataflow.executors.pdf import png

FILTER_ALIASES = {"/AHx": "/ASCIIHexDecode", "/A85": "/ASCII85Decode", "/LZW": "/LZWDecode",
                  "/Fl": "/FlateDecode", "/RL": "/RunLengthDecode", "/CCF": "/CCITTFaxDecode",
                  "/DCT": "/DCTDecode"}
PASS_THROUGH = {"/DCTDecode": (".jpg", "image/jpeg"), "/JPXDecode": (".jp2", "image/jp2")}
INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")


@dataclass
class ExtractedImage:
    name: str
    data: bytes
    mime: str
    width: int
    height: int
    note: str | None = None


@dataclass
class ColorSpace:
    kind: str  # gray, rgb, cmyk, indexed, or another name (lab, separation, ...) we cannot convert
    components: int
    palette: bytes | None = None


# Finding the images of a page --------------------------------------------------------------------

def page_image_streams(page, page_number: int) -> Iterator[tuple[str, StreamObject]]:
    """(identity, stream) for every image on the page; an XObject's identity is its object number,
    so an image shared by several pages (or forms) has one identity."""
    seen: set[str] = set()
    yield from _xobject_images(page, f"page-{page_number:04d}", seen)
    yield from _inline_images(page, page_number)


def _xobject_images(owner, label: str, seen: set[str]) -> Iterator[tuple[str, StreamObject]]:
    resources = owner.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    if not isinstance(xobjects, DictionaryObject):
        return
    for name in xobjects:
        stream = xobjects[name].get_object()
        if not isinstance(stream, StreamObject):
            continue
        reference = stream.indirect_reference
        identity = (f"img-{reference.idnum}" + (f"-{reference.generation}" if reference.generation else "")
                    if reference is not None else f"{label}-{name[1:]}")
        if identity in seen:  # the same object twice on a page, or a form that contains itself
            continue
        seen.add(identity)
        subtype = stream.get("/Subtype")
        if subtype == "/Image":
            yield identity, stream
        elif subtype == "/Form":
            yield from _xobject_images(stream, f"{label}-{name[1:]}", seen)


def _inline_images(page, page_number: int) -> Iterator[tuple[str, StreamObject]]:
    contents = page.get_contents()
    if contents is None or not INLINE_IMAGE.search(contents.get_data()):
        return
    count = 0
    for operands, operator in contents.operations:
        if operator == b"INLINE IMAGE":
            yield f"page-{page_number:04d}-inline-{count}", _inline_stream(page, operands)
            count += 1


def _inline_stream(page, operands: dict) -> StreamObject:
    init: dict = {"__streamdata__": operands["data"], "/Length": len(operands["data"])}
    for key, value in operands["settings"].items():
        if key in ("/Length", "/L"):
            continue
        full_key = NameObject(_INLINE_IMAGE_KEY_MAPPING.get(key, key))
        if isinstance(value, list):
            value = ArrayObject([_inline_value(page, item) for item in value])
        else:
            value = _inline_value(page, value)
        init.setdefault(full_key, value)
    return EncodedStreamObject.initialize_from_dictionary(init)


def _inline_value(page, value):
    if isinstance(value, NameObject) and value in _INLINE_IMAGE_VALUE_MAPPING:
        return NameObject(_INLINE_IMAGE_VALUE_MAPPING[value])
    if isinstance(value, NameObject):  # a named colour space from the page's resources
        resources = page.get("/Resources")
        spaces = resources.get_object().get("/ColorSpace") if resources is not None else None
        if spaces is not None and value in spaces.get_object():
            return spaces.get_object()[value]
    return value


# Converting one image ---------------------------------------------------------------------------

def convert_image(identity: str, stream: StreamObject) -> ExtractedImage:
    """The image as a file a person can open, or its samples with a note saying why not."""
    width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    filters = filter_names(stream)
    last = filters[-1] if filters else None
    if last in PASS_THROUGH:
        extension, mime = PASS_THROUGH[last]
        return ExtractedImage(identity + extension, stream.get_data(), mime, width, height)
    if last == "/JBIG2Decode":
        return ExtractedImage(identity + ".jbig2", _encoded_data(stream), "application/octet-stream", width, height,
                              "JBIG2 image kept as its raw stream: open it with a JBIG2 decoder.")
    if last == "/CCITTFaxDecode":
        return ExtractedImage(identity + ".tiff", stream.get_data(), "image/tiff", width, height)
    return _pixels_to_png(identity, stream, width, height, filters)


def filter_names(stream: StreamObject) -> list[str]:
    value = stream.get("/Filter")
    value = value.get_object() if value is not None else None
    names = list(value) if isinstance(value, list) else ([value] if value else [])
    return [FILTER_ALIASES.get(str(name), str(name)) for name in names]


def _encoded_data(stream: StreamObject) -> bytes:
    return bytes(stream._data)  # the stream as stored (decrypted, still encoded)


def _pixels_to_png(identity: str, stream: StreamObject, width: int, height: int,
                   filters: list[str]) -> ExtractedImage:
    is_mask = bool(stream.get("/ImageMask", False))
    bits = 1 if is_mask else int(stream.get("/BitsPerComponent", 8))
    space = ColorSpace("gray", 1) if is_mask else color_space(stream.get("/ColorSpace"))
    inverted = _decode_inverted(stream.get("/Decode"), space)
    layout = _png_layout(space, bits)
    if layout is None:
        return _kept_raw(identity, stream, width, height, space, bits)
    color_type = layout
    smask = stream.get("/SMask")
    smask = smask.get_object() if smask is not None else None
    if _can_pass_rows(stream, filters, space, bits, width) and not inverted and smask is None:
        data = png.png_from_idat(width, height, bits, color_type, _encoded_data(stream), space.palette)
        return ExtractedImage(identity + ".png", data, "image/png", width, height)
    pixels = stream.get_data()
    if inverted:
        pixels = png.invert(pixels)
    note = None
    if isinstance(smask, StreamObject):
        pixels, color_type, note = _apply_alpha(pixels, color_type, bits, width, height, smask)
    data = png.png_from_pixels(width, height, bits, color_type, pixels, space.palette)
    return ExtractedImage(identity + ".png", data, "image/png", width, height, note)


def color_space(value) -> ColorSpace:
    value = value.get_object() if value is not None else None
    if value is None:
        return ColorSpace("gray", 1)
    if isinstance(value, list) and value:
        family = str(value[0])
        if family == "/ICCBased":
            count = int(value[1].get_object().get("/N", 3))
            return {1: ColorSpace("gray", 1), 3: ColorSpace("rgb", 3), 4: ColorSpace("cmyk", 4)}.get(
                count, ColorSpace(f"ICC with {count} components", count))
        if family == "/Indexed" and len(value) >= 4:
            return _indexed(value)
        if family in ("/CalRGB", "/CalGray", "/DeviceRGB", "/DeviceGray", "/DeviceCMYK"):
            return color_space(NameObject(family))
        return ColorSpace(family.lstrip("/").lower(), 1)
    name = str(value)
    return {"/DeviceGray": ColorSpace("gray", 1), "/CalGray": ColorSpace("gray", 1), "/G": ColorSpace("gray", 1),
            "/DeviceRGB": ColorSpace("rgb", 3), "/CalRGB": ColorSpace("rgb", 3), "/RGB": ColorSpace("rgb", 3),
            "/DeviceCMYK": ColorSpace("cmyk", 4), "/CMYK": ColorSpace("cmyk", 4)}.get(
        name, ColorSpace(name.lstrip("/").lower(), 1))


def _indexed(value) -> ColorSpace:
    base = color_space(value[1])
    entries = int(value[2]) + 1
    lookup = value[3].get_object()
    if isinstance(lookup, StreamObject):
        table = lookup.get_data()
    elif hasattr(lookup, "original_bytes"):
        table = bytes(lookup.original_bytes)
    else:
        table = bytes(lookup)
    if base.kind == "gray":
        table = bytes(sample for gray in table[:entries] for sample in (gray, gray, gray))
    elif base.kind != "rgb":
        return ColorSpace(f"indexed {base.kind}", 1)
    table = table[:entries * 3].ljust(entries * 3, b"\0")
    return ColorSpace("indexed", 1, table)


def _png_layout(space: ColorSpace, bits: int) -> int | None:
    if space.kind == "gray" and bits in (1, 2, 4, 8, 16):
        return png.GRAY
    if space.kind == "rgb" and bits in (8, 16):
        return png.RGB
    if space.kind == "indexed" and bits in (1, 2, 4, 8):
        return png.PALETTE
    return None


def _decode_inverted(decode, space: ColorSpace) -> bool:
    decode = decode.get_object() if decode is not None else None
    if not isinstance(decode, list) or len(decode) < 2 or space.kind == "indexed":
        return False
    return float(decode[0]) > float(decode[1])


def _can_pass_rows(stream: StreamObject, filters: list[str], space: ColorSpace, bits: int, width: int) -> bool:
    if filters != ["/FlateDecode"]:
        return False
    params = stream.get("/DecodeParms")
    params = params.get_object() if params is not None else None
    if isinstance(params, list):
        params = params[0].get_object() if params else None
    if not isinstance(params, DictionaryObject):
        return False
    return (int(params.get("/Predictor", 1)) >= 10 and int(params.get("/Colors", 1)) == space.components
            and int(params.get("/BitsPerComponent", 8)) == bits and int(params.get("/Columns", 1)) == width)


def _apply_alpha(pixels: bytes, color_type: int, bits: int, width: int, height: int,
                 smask: StreamObject) -> tuple[bytes, int, str | None]:
    fits = (bits == 8 and color_type in (png.GRAY, png.RGB) and int(smask.get("/Width", 0)) == width
            and int(smask.get("/Height", 0)) == height and int(smask.get("/BitsPerComponent", 8)) == 8)
    if not fits:
        return pixels, color_type, "The image's soft mask (transparency) was not applied: its layout differs."
    channels = png.CHANNELS[color_type]
    alpha = smask.get_data()[:width * height].ljust(width * height, b"\xff")
    rgba = png.interleave(pixels[:width * height * channels], channels, alpha)
    return rgba, (png.RGBA if color_type == png.RGB else png.GRAY_ALPHA), None


def _kept_raw(identity: str, stream: StreamObject, width: int, height: int, space: ColorSpace,
              bits: int) -> ExtractedImage:
    what = f"{space.kind.upper() if space.kind == 'cmyk' else space.kind}, {bits} bits per component, " \
           f"{width}×{height} pixels"
    try:
        data = stream.get_data()
        note = f"Kept as decoded samples, not converted ({what}): there is no faithful conversion without " \
               "a colour management library."
    except Exception as error:  # an undecodable filter: keep the stored bytes instead
        data = _encoded_data(stream)
        note = f"Kept as its raw stream ({what}); it could not be decoded: {error}."
    return ExtractedImage(identity + ".raw", data, "application/octet-stream", width, height, note)
