"""Image extraction without Pillow: image XObjects (also inside forms) and inline images, as files.

Samples of every layout the spec allows (1-16 bits; grey, RGB, indexed; /Decode honoured; soft,
stencil and colour-key masks as alpha) become PNG. DCT streams are JPEG files and JPX streams JPEG
2000 files as they are, CCITT becomes TIFF (/Decode [1 0] honoured by its photometric tag): those
cannot be decoded here, so their transparency is written beside them as a second file, linked from
the image's entry, with a note. What cannot be converted faithfully (CMYK, Lab, DeviceN, JBIG2) is
kept as its samples with a note that says what they are. Nothing is dropped silently.
Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import cast

from pypdf.constants import _INLINE_IMAGE_KEY_MAPPING, _INLINE_IMAGE_VALUE_MAPPING
from pypdf.generic import ArrayObject, DictionaryObject, EncodedStreamObject, NameObject, StreamObject

from dataflow.executors.pdf import jpeg, png, samples
from dataflow.executors.pdf.decoding import (
    DamagedData,
    ccitt_tiff,
    codec_of,
    decoded_data,
    filter_names,
    filter_parameters,
    inflate,
)
from dataflow.executors.pdf.masks import Alpha, alpha_of
from dataflow.executors.pdf.reader import reason

CODEC_FILES = {"/DCTDecode": (".jpg", "image/jpeg"), "/JPXDecode": (".jp2", "image/jp2")}
INLINE_IMAGE = re.compile(rb"(?:^|\s)BI\s")


@dataclass
class ExtractedImage:
    name: str
    data: bytes
    mime: str
    width: int
    height: int
    note: str | None = None
    mask: ExtractedImage | None = None  # transparency kept as its own file, when the base cannot carry it


@dataclass
class ColorSpace:
    kind: str  # gray, rgb, cmyk, indexed, or another name (lab, separation, ...) we cannot convert
    components: int
    palette: bytes | None = None
    palette_components: int = 3  # samples per palette entry (4 for an indexed CMYK space)


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
    """The image as a file a person can open, or its samples with a note saying why not; short sample
    data is filled with zeros and the note says how many bytes were missing. Raises on a stream that
    cannot be decoded at all (DamagedData for invalid or empty data ...; the caller lists the image
    with the reason)."""
    width, height = int(stream.get("/Width", 0)), int(stream.get("/Height", 0))
    codec = codec_of(stream)
    if codec is not None:
        image = _codec_image(identity, stream, codec, width, height)
        return _with_mask_file(identity, image, _transparency(stream))
    is_stencil = bool(stream.get("/ImageMask", False))
    bits = 1 if is_stencil else int(stream.get("/BitsPerComponent", 8))
    space = ColorSpace("gray", 1) if is_stencil else color_space(stream.get("/ColorSpace"))
    if bits not in samples.DEPTHS:
        return _kept_raw(identity, stream, width, height, space, bits)
    if _can_pass_rows(stream, space, bits, width) and _rows_complete(stream, space, bits, width, height):
        data = png.png_from_idat(width, height, bits, _PNG_TYPES[space.kind], bytes(stream._data), space.palette)
        return ExtractedImage(identity + ".png", data, "image/png", width, height)
    data = decoded_data(stream)
    if not data and width * height:
        raise DamagedData(f"it has no sample data ({width}×{height} pixels need "
                          f"{samples.row_bytes(width, space.components, bits) * height:,} bytes)")
    image = _from_samples(identity, stream, data, width, height, space, bits, is_stencil)
    return _with_note(image, samples.short_note("Its", data, width, height, space.components, bits))


def _from_samples(identity: str, stream: StreamObject, data: bytes, width: int, height: int, space: ColorSpace,
                  bits: int, is_stencil: bool) -> ExtractedImage:
    values = samples.unpack(data, width, height, space.components, bits)
    if is_stencil:
        return _stencil_png(identity, stream, values, width, height)
    if space.kind not in _PNG_TYPES:
        image = _kept_samples(identity, stream, values, width, height, space, bits)
        return _with_mask_file(identity, image, _transparency(stream, values, space.components, bits))
    alpha = _transparency(stream, values, space.components, bits)
    if alpha is not None and alpha.plane is None:  # the mask itself is a JPEG ...: it goes beside the PNG
        return _with_mask_file(identity, _pixels_png(identity, stream, data, values, width, height, space, bits,
                                                     None), alpha)
    return _pixels_png(identity, stream, data, values, width, height, space, bits, alpha)


def _with_note(image: ExtractedImage, note: str | None) -> ExtractedImage:
    if note is None:
        return image
    return replace(image, note=" ".join(filter(None, [note, image.note])))


def _rows_complete(stream: StreamObject, space: ColorSpace, bits: int, width: int, height: int) -> bool:
    """Whether the Flate data inflates to every predicted row: damaged or short data is not passed
    through as a PNG's IDAT (a viewer would show it as a plausible image), it is decoded and reported."""
    try:
        rows = inflate(bytes(stream._data))
    except DamagedData:
        return False
    return len(rows) >= (samples.row_bytes(width, space.components, bits) + 1) * height


def _transparency(stream: StreamObject, values=None, components: int = 1, bits: int = 8) -> Alpha | None:
    """alpha_of, but a mask that cannot be read costs only the transparency, with a note, not the image."""
    try:
        return alpha_of(stream, values, components, bits)
    except Exception as error:
        kind = "soft mask" if stream.get("/SMask") is not None else "mask"
        return Alpha(kind, 0, 0, note=f"Its {kind} could not be read ({reason(error)}), so the image is shown opaque "
                                      "although the PDF's is not.")


_PNG_TYPES = {"gray": png.GRAY, "rgb": png.RGB, "indexed": png.PALETTE}


def _can_pass_rows(stream: StreamObject, space: ColorSpace, bits: int, width: int) -> bool:
    """Flate data with a PNG predictor is already a PNG's IDAT, when nothing changes the samples."""
    if filter_names(stream) != ["/FlateDecode"] or space.kind not in _PNG_TYPES:
        return False
    if space.kind == "rgb" and bits < 8 or stream.get("/SMask") is not None or stream.get("/Mask") is not None:
        return False
    indexed = space.kind == "indexed"
    if not samples.is_identity(samples.decode_pairs(stream.get("/Decode"), space.components, bits, indexed=indexed),
                               bits, indexed=indexed):
        return False
    if indexed and len(space.palette or b"") < 3 << bits:  # indices past hival need the palette padded
        return False
    params = filter_parameters(stream)[0]
    try:
        return (int(params.get("/Predictor", 1)) >= 10 and int(params.get("/Colors", 1)) == space.components
                and int(params.get("/BitsPerComponent", 8)) == bits and int(params.get("/Columns", 1)) == width)
    except (TypeError, ValueError):
        return False


def _pixels_png(identity: str, stream: StreamObject, data: bytes, values, width: int, height: int,
                space: ColorSpace, bits: int, alpha: Alpha | None) -> ExtractedImage:
    indexed = space.kind == "indexed"
    pairs = samples.decode_pairs(stream.get("/Decode"), space.components, bits, indexed=indexed)
    plane = (samples.resize_nearest(cast(bytes, alpha.plane), alpha.width, alpha.height, width, height)
             if alpha else None)
    notes = [alpha.note] if alpha and alpha.note else []
    if alpha and (alpha.width, alpha.height) != (width, height):
        notes.append(f"Its {alpha.kind} ({alpha.width}×{alpha.height}) was scaled to the image's size.")
    if indexed:
        out = _indexed_png(values, width, height, space, bits, pairs[0], plane, data)
    else:
        out = _direct_png(values, width, height, space, bits, pairs, plane, data)
    return ExtractedImage(identity + ".png", out, "image/png", width, height, " ".join(notes) or None)


def _direct_png(values, width: int, height: int, space: ColorSpace, bits: int, pairs, plane: bytes | None,
                data: bytes) -> bytes:
    color_type = _PNG_TYPES[space.kind]
    if plane is None and space.kind == "gray" and bits < 8 and pairs in ([(0.0, 1.0)], [(1.0, 0.0)]):
        packed = data if pairs == [(0.0, 1.0)] else png.invert(data)  # PNG holds 1, 2 and 4-bit grey as is
        return png.png_from_pixels(width, height, bits, color_type, packed)
    depth = 16 if bits == 16 else 8
    converted = samples.decoded(values, space.components, pairs, bits, depth)
    if plane is None:
        return png.png_from_pixels(width, height, depth, color_type, converted)
    alpha = plane if depth == 8 else samples.widen(plane)
    rgba = samples.interleave(converted, space.components, alpha, depth // 8)
    return png.png_from_pixels(width, height, depth, png.RGBA if color_type == png.RGB else png.GRAY_ALPHA, rgba)


def _indexed_png(values, width: int, height: int, space: ColorSpace, bits: int, pair, plane: bytes | None,
                 data: bytes) -> bytes:
    entries = max(len(space.palette or b"") // 3, 1)
    # an index past hival is adjusted to the nearest valid one (ISO 32000-2 §8.6.6.3): repeat the last entry
    palette = (space.palette or b"\0\0\0")
    palette = (palette + palette[-3:] * 256)[:max(3 << bits, len(palette))]
    identity = samples.is_identity([pair], bits, indexed=True)
    if plane is None and identity:
        return png.png_from_pixels(width, height, bits, png.PALETTE, data, palette)
    indices = bytes(samples.apply(values, 1, [samples.index_lookup(pair, bits, entries - 1)], 8)
                    if not identity else values)
    table = (palette + palette[-3:] * 256)[:768]
    if plane is None:
        return png.png_from_pixels(width, height, 8, png.PALETTE, indices, table)
    rgb = bytearray(3 * len(indices))
    for channel in range(3):
        rgb[channel::3] = indices.translate(table[channel::3])
    return png.png_from_pixels(width, height, 8, png.RGBA, samples.interleave(bytes(rgb), 3, plane))


def _stencil_png(identity: str, stream: StreamObject, values, width: int, height: int) -> ExtractedImage:
    """A stencil mask paints its 0 samples (after /Decode) in the fill colour and leaves the rest
    untouched: black where painted, transparent elsewhere."""
    pair = samples.decode_pairs(stream.get("/Decode"), 1, 1)[0]
    painted = samples.lookup(pair, 1, 1)
    alpha = samples.apply(values, 1, [[0 if painted[v] else 255 for v in (0, 1)]], 8)
    data = png.png_from_pixels(width, height, 8, png.GRAY_ALPHA, samples.interleave(bytes(len(alpha)), 1, alpha))
    return ExtractedImage(identity + ".png", data, "image/png", width, height,
                          "A stencil mask: the PDF paints it in the current fill colour, shown here as black; "
                          "the rest is transparent.")


def _codec_image(identity: str, stream: StreamObject, codec: str, width: int, height: int) -> ExtractedImage:
    decode = stream.get("/Decode")
    decode = decode.get_object() if decode is not None else None
    if codec == "/JBIG2Decode":
        return ExtractedImage(identity + ".jbig2", bytes(stream._data), "application/octet-stream", width, height,
                              "JBIG2 image kept as its raw stream: open it with a JBIG2 decoder.")
    if codec == "/CCITTFaxDecode":
        pair = samples.decode_pairs(decode, 1, 1)[0]
        note = None
        if bool(stream.get("/ImageMask", False)):
            note = ("A stencil mask: the PDF paints its black pixels in the current fill colour and leaves the "
                    "white ones transparent.")
        elif pair not in ((0.0, 1.0), (1.0, 0.0)):
            note = f"Its /Decode {list(pair)} could not be applied to the fax data; the TIFF shows it as stored."
        return ExtractedImage(identity + ".tiff", ccitt_tiff(stream, invert=pair == (1.0, 0.0)), "image/tiff",
                              width, height, note)
    extension, mime = CODEC_FILES[codec]
    data, note = decoded_data(stream), None
    if isinstance(decode, list) and any(float(v) != index % 2 for index, v in enumerate(decode)):
        inverted = jpeg.invert(data) if codec == "/DCTDecode" and _all_inverted(decode) else None
        if inverted is not None:
            data = inverted[0]
            note = ("Its /Decode [1 0 …] was applied by negating the JPEG's DCT coefficients (no re-compression): "
                    + ("an exact inversion" if inverted[1] else "within a level or two of an exact inversion") + ".")
        else:
            note = (f"Its /Decode {[float(v) for v in decode]} could not be applied: the {extension[1:].upper()} "
                    "file is written as stored, so its colours differ from what a viewer shows.")
    return ExtractedImage(identity + extension, data, mime, width, height, note)


def _all_inverted(decode: list) -> bool:
    return len(decode) % 2 == 0 and all(float(v) == (1 - index % 2) for index, v in enumerate(decode))


def _with_mask_file(identity: str, image: ExtractedImage, alpha: Alpha | None) -> ExtractedImage:
    """The image with its transparency as a second file, when the image itself cannot carry it."""
    if alpha is None:
        return image
    notes = [image.note] if image.note else []
    if alpha.file is not None:
        extension, data, mime = alpha.file
    elif alpha.plane is not None:
        extension, mime = ".png", "image/png"
        data = png.png_from_pixels(alpha.width, alpha.height, 8, png.GRAY, alpha.plane)
    else:
        return ExtractedImage(image.name, image.data, image.mime, image.width, image.height,
                              " ".join(notes + [alpha.note or f"Its {alpha.kind} could not be applied."]))
    mask = ExtractedImage(f"{identity}-mask{extension}", data, mime, alpha.width, alpha.height)
    notes.append(f"The image is not opaque: its {alpha.kind} ({alpha.width}×{alpha.height}, white = opaque, "
                 f"black = transparent) is the file {mask.name}; this file alone cannot carry it.")
    if alpha.note:
        notes.append(alpha.note)
    return ExtractedImage(image.name, image.data, image.mime, image.width, image.height, " ".join(notes), mask)


def color_space(value) -> ColorSpace:
    value = value.get_object() if value is not None else None
    if value is None:
        return ColorSpace("gray", 1)
    if isinstance(value, list) and value:
        family = str(value[0])
        if family == "/ICCBased":
            stream = value[1].get_object()
            count = int(stream.get("/N", 3))
            return {1: ColorSpace("gray", 1), 3: ColorSpace("rgb", 3), 4: ColorSpace("cmyk", 4)}.get(
                count, ColorSpace(f"ICC with {count} components", count))
        if family in ("/Indexed", "/I") and len(value) >= 4:
            return _indexed(value)
        if family in ("/CalRGB", "/CalGray", "/DeviceRGB", "/DeviceGray", "/DeviceCMYK"):
            return color_space(NameObject(family))
        if family == "/Lab":
            return ColorSpace("lab", 3)
        if family == "/DeviceN" and len(value) >= 2 and isinstance(value[1].get_object(), list):
            return ColorSpace("devicen", len(value[1].get_object()))
        return ColorSpace(family.lstrip("/").lower(), 1)
    name = str(value)
    return {"/DeviceGray": ColorSpace("gray", 1), "/CalGray": ColorSpace("gray", 1), "/G": ColorSpace("gray", 1),
            "/DeviceRGB": ColorSpace("rgb", 3), "/CalRGB": ColorSpace("rgb", 3), "/RGB": ColorSpace("rgb", 3),
            "/DeviceCMYK": ColorSpace("cmyk", 4), "/CMYK": ColorSpace("cmyk", 4)}.get(
        name, ColorSpace(name.lstrip("/").lower(), 1))


def _indexed(value) -> ColorSpace:
    base = color_space(value[1])
    entries = min(max(int(value[2]) + 1, 1), 256)
    lookup = value[3].get_object()
    if isinstance(lookup, StreamObject):
        table = lookup.get_data()
    elif hasattr(lookup, "original_bytes"):
        table = bytes(lookup.original_bytes)
    else:
        table = bytes(lookup)
    if base.kind == "gray":
        table = bytes(sample for gray in table[:entries] for sample in (gray, gray, gray))
    elif base.kind != "rgb":  # CMYK, Lab ...: the palette's samples are kept like those spaces' samples
        size = entries * base.components
        return ColorSpace(f"indexed {base.kind}", 1, table[:size].ljust(size, b"\0"), base.components)
    table = table[:entries * 3].ljust(entries * 3, b"\0")
    return ColorSpace("indexed", 1, table)


def _kept_samples(identity: str, stream: StreamObject, values, width: int, height: int, space: ColorSpace,
                  bits: int) -> ExtractedImage:
    """CMYK and other spaces: the samples with /Decode applied, 8 bits each (16 at 16 bits); an indexed
    space over such a base gives its palette's samples."""
    depth = 16 if bits == 16 else 8
    components = space.components
    if space.kind.startswith("indexed ") and space.palette is not None:
        components = space.palette_components
        entries = max(len(space.palette) // components, 1)
        pair = samples.decode_pairs(stream.get("/Decode"), 1, bits, indexed=True)[0]
        indices = bytes(samples.apply(values, 1, [samples.index_lookup(pair, bits, entries - 1)], 8))
        data, depth = _palette_samples(indices, space.palette, components), 8
    else:
        pairs = samples.decode_pairs(stream.get("/Decode"), components, bits)
        data = samples.decoded(values, components, pairs, bits, depth)
    name = space.kind.replace("cmyk", "CMYK")
    return ExtractedImage(identity + ".raw", data, "application/octet-stream", width, height,
                          f"Kept as decoded samples, not converted ({name}, {components} components of {depth} "
                          f"bits per pixel, /Decode applied, {width}×{height} pixels, rows top to bottom): there is "
                          "no faithful conversion without a colour management library.")


def _palette_samples(indices: bytes, palette: bytes, components: int) -> bytes:
    out = bytearray(len(indices) * components)
    table = palette + palette[-components:] * 256
    for component in range(components):
        out[component::components] = indices.translate(table[component::components][:256].ljust(256, b"\0"))
    return bytes(out)


def _kept_raw(identity: str, stream: StreamObject, width: int, height: int, space: ColorSpace,
              bits: int) -> ExtractedImage:
    what = f"{space.kind}, {bits} bits per component, {width}×{height} pixels"
    try:
        data = decoded_data(stream)
        note = f"Kept as its decoded stream, not converted ({what}): {bits} bits per component is not a " \
               "layout the PDF specification allows."
    except Exception as error:  # an undecodable filter: keep the stored bytes instead
        data = bytes(stream._data)
        note = f"Kept as its raw stream ({what}); it could not be decoded: {error}."
    return ExtractedImage(identity + ".raw", data, "application/octet-stream", width, height, note)
