"""Small PDFs built by code after public bug reports of PDF libraries (no downloaded fixture): one per
case of issue 12, and the image layouts of the generated matrix. Each builder returns bytes."""

from __future__ import annotations

import io
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    NameObject,
    NumberObject,
)

TO_UNICODE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Fidelity def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
3 beginbfchar <21> <D83D> <22> <0041> <23> <D83DDE00> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end"""


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stream(data: bytes, **entries) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return stream


def _text_page(writer: PdfWriter, content: bytes, font_entries: dict | None = None):
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    font.update(font_entries or {})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    page[NameObject("/Contents")] = writer._add_object(_stream(content))
    return page


def lone_surrogate_pdf() -> bytes:
    """Case 1: a ToUnicode map sends code 0x21 to the lone surrogate <D83D> (and 0x23 to a proper
    pair, 😀); the page shows "!"#!" so pypdf's text holds two unpaired surrogates."""
    writer = PdfWriter()
    cmap = writer._add_object(_stream(TO_UNICODE))
    _text_page(writer, b'BT /F1 12 Tf 20 100 Td (!"#!) Tj ET', {NameObject("/ToUnicode"): cmap})
    # a title in UTF-16BE holding the same lone surrogate
    writer._info.get_object()[NameObject("/Title")] = ByteStringObject(
        b"\xfe\xff" + "Surrogate ".encode("utf-16-be") + b"\xd8\x3d" + " title".encode("utf-16-be"))
    return _write(writer)


def no_mediabox_pdf() -> bytes:
    """Case 2: one page with text and no /MediaBox on the page or its parents."""
    writer = PdfWriter()
    page = _text_page(writer, b"BT /F1 12 Tf 20 100 Td (No box here) Tj ET")
    del page[NameObject("/MediaBox")]
    return _write(writer)


def misplaced_root_pdf() -> bytes:
    """Case 6: the trailer's /Root names an object that is not the catalog; pypdf finds the catalog
    by scanning and logs "Root found at IndirectObject(n, 0, <id of the reader>)"."""
    writer = PdfWriter()
    _text_page(writer, b"BT /F1 12 Tf 20 100 Td (Root elsewhere) Tj ET")
    data = _write(writer)
    trailer = data.rindex(b"trailer")
    root = data.index(b"/Root", trailer)
    end = data.index(b" R", root) + 2
    last = int(data[data.index(b"/Size", trailer) + 5:].split()[0]) - 1  # the content stream
    return data[:root] + b"/Root %d 0 R" % last + b" " * (end - root - len(b"/Root %d 0 R" % last)) + data[end:]


def image_page_pdf(images: dict[str, object], inline: bytes | None = None) -> bytes:
    """One page drawing each image XObject of `images` ({name: stream}) and an optional inline image
    (the bytes from BI to EI)."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    refs = {name: writer._add_object(stream) for name, stream in images.items()}
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/" + name): ref for name, ref in refs.items()})})
    content = b" ".join(b"q 20 0 0 20 10 10 cm /" + name.encode() + b" Do Q" for name in refs)
    if inline is not None:
        content += b" q 5 0 0 5 0 0 cm " + inline + b" Q"
    page[NameObject("/Contents")] = writer._add_object(_stream(content))
    return _write(writer)


def encoded(data: bytes, filters: list[str], parms: list | None = None, **entries) -> EncodedStreamObject:
    """An image XObject whose stored bytes are `data` (already encoded by the caller) and whose
    /Filter is `filters`."""
    stream = EncodedStreamObject()
    stream._data = data
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image")})
    if filters:
        stream[NameObject("/Filter")] = ArrayObject([NameObject(f) for f in filters]) if len(filters) > 1 \
            else NameObject(filters[0])
    if parms:
        stream[NameObject("/DecodeParms")] = ArrayObject(parms) if len(parms) > 1 else parms[0]
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return stream


def flate(data: bytes) -> bytes:
    return zlib.compress(data, 6)


def numbers(*values) -> ArrayObject:
    return ArrayObject([NumberObject(v) if float(v).is_integer() else FloatObject(v) for v in values])


def names(**entries) -> DictionaryObject:
    return DictionaryObject({NameObject("/" + k): v for k, v in entries.items()})


def true() -> BooleanObject:
    return BooleanObject(True)


def string(data: bytes) -> ByteStringObject:
    return ByteStringObject(data)


# Images ---------------------------------------------------------------------------------------------

def pattern(width: int, height: int, components: int, maximum: int = 255, seed: int = 0) -> list[int]:
    """Sample values 0..maximum, varied across pixels and components (row by row)."""
    return [((x * 37 + y * 91 + c * 53 + seed * 29) * 7919) % (maximum + 1)
            for y in range(height) for x in range(width) for c in range(components)]


def pack(values: list[int], width: int, components: int, bits: int) -> bytes:
    """Samples packed `bits` to a sample, each row padded to a byte (ISO 32000-2 §8.9.3)."""
    per_row = width * components
    out = bytearray()
    for start in range(0, len(values), per_row):
        row = values[start:start + per_row]
        if bits == 16:
            out += b"".join(v.to_bytes(2, "big") for v in row)
            continue
        accumulator, filled = 0, 0
        for value in row:
            accumulator, filled = accumulator << bits | value, filled + bits
        if filled % 8:
            accumulator <<= 8 - filled % 8
            filled += 8 - filled % 8
        out += accumulator.to_bytes(filled // 8, "big") if filled else b""
    return bytes(out)


def jpeg_with_soft_mask_pdf() -> tuple[bytes, bytes, bytes]:
    """Case 3: an RGB JPEG (/DCTDecode) whose Flate /SMask is 255 on the left half and 0 on the right.
    Returns (pdf, the JPEG, the mask's samples)."""
    from PIL import Image

    width, height = 16, 8
    image = Image.new("RGB", (width, height))
    image.putdata([(x * 16, y * 32, 128) for y in range(height) for x in range(width)])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    alpha = bytes(255 if x < width // 2 else 0 for _ in range(height) for x in range(width))
    smask = encoded(flate(alpha), ["/FlateDecode"], Width=NumberObject(width), Height=NumberObject(height),
                    ColorSpace=NameObject("/DeviceGray"), BitsPerComponent=NumberObject(8))
    jpeg = encoded(out.getvalue(), ["/DCTDecode"], Width=NumberObject(width), Height=NumberObject(height),
                   ColorSpace=NameObject("/DeviceRGB"), BitsPerComponent=NumberObject(8), SMask=smask)
    return image_page_pdf({"Photo": jpeg}), out.getvalue(), alpha


def inline_rgb_4_bit_pdf() -> tuple[bytes, list[int]]:
    """Case 4: an inline image with /BPC 4 /CS /RGB (5×3 pixels, so rows end on half a byte).
    Returns (pdf, its sample values)."""
    width, height = 5, 3
    values = pattern(width, height, 3, 15)
    data = pack(values, width, 3, 4)
    inline = b"BI /W %d /H %d /BPC 4 /CS /RGB ID " % (width, height) + data + b"\nEI"
    return image_page_pdf({}, inline), values


def ccitt_g4_bytes(width: int, height: int) -> tuple[bytes, list[int]]:
    """(CCITT G4 data of a 1-bit picture, its pixels as 0 black / 1 white), made by Pillow's libtiff."""
    from PIL import Image

    pixels = [1 if (x // 3 + y // 2) % 2 or x == y else 0 for y in range(height) for x in range(width)]
    image = Image.new("1", (width, height))
    image.putdata([255 * (1 - p) for p in pixels])  # libtiff codes Pillow's black as the fax's white
    out = io.BytesIO()
    image.save(out, format="TIFF", compression="group4")
    tiff = Image.open(io.BytesIO(out.getvalue()))
    offset, count = tiff.tag_v2[273][0], tiff.tag_v2[279][0]
    return out.getvalue()[offset:offset + count], pixels


def ccitt_pdf(decode: list | None = None, *, width: int = 24, height: int = 10) -> tuple[bytes, list[int]]:
    """Case 5: a CCITT G4 1-bit grey image, with `decode` as its /Decode. Returns (pdf, pixels 0/1)."""
    data, pixels = ccitt_g4_bytes(width, height)
    params = names(K=NumberObject(-1), Columns=NumberObject(width), Rows=NumberObject(height),
                   BlackIs1=BooleanObject(False))
    entries = {"Width": NumberObject(width), "Height": NumberObject(height), "BitsPerComponent": NumberObject(1),
               "ColorSpace": NameObject("/DeviceGray")}
    if decode is not None:
        entries["Decode"] = numbers(*decode)
    return image_page_pdf({"Fax": encoded(data, ["/CCITTFaxDecode"], [params], **entries)}), pixels


# Encoders for the matrix: the inverse of each filter and predictor, written from the specs -----------

def png_predict(data: bytes, colors: int, bits: int, columns: int) -> bytes:
    """PNG predictor rows (PNG spec §9.2), cycling through filter types 0-4 row by row."""
    stride = (colors * bits * columns + 7) // 8
    bpp = max(1, colors * bits // 8)
    previous = bytes(stride)
    out = bytearray()
    for number, start in enumerate(range(0, len(data), stride)):
        row = data[start:start + stride]
        kind = number % 5
        encoded_row = bytearray()
        for i, value in enumerate(row):
            left = row[i - bpp] if i >= bpp else 0
            up = previous[i]
            upleft = previous[i - bpp] if i >= bpp else 0
            guess = [0, left, up, (left + up) // 2, _paeth(left, up, upleft)][kind]
            encoded_row.append((value - guess) & 0xFF)
        out += bytes([kind]) + encoded_row
        previous = row
    return bytes(out)


def _paeth(left: int, up: int, upleft: int) -> int:
    estimate = left + up - upleft
    a, b, c = abs(estimate - left), abs(estimate - up), abs(estimate - upleft)
    return left if a <= b and a <= c else (up if b <= c else upleft)


def tiff_predict(values: list[int], width: int, components: int, bits: int) -> bytes:
    """TIFF predictor 2 (TIFF 6.0 §14): each sample minus the same component of the pixel to its
    left, modulo 2**bits, packed like the samples."""
    per_row, top = width * components, (1 << bits) - 1
    differences = [(v - values[i - components]) & top if i % per_row >= components else v
                   for i, v in enumerate(values)]
    return pack(differences, width, components, bits)


def run_length(data: bytes) -> bytes:
    """RunLengthDecode's encoding (ISO 32000-2 §7.4.5): literal runs of up to 128 bytes, then EOD."""
    out = bytearray()
    for start in range(0, len(data), 128):
        chunk = data[start:start + 128]
        out += bytes([len(chunk) - 1]) + chunk
    return bytes(out + b"\x80")


def inverted_jpeg_pdf() -> tuple[bytes, bytes]:
    """An RGB JPEG drawn with /Decode [1 0 1 0 1 0] (a viewer shows it inverted). Returns (pdf, the JPEG)."""
    from PIL import Image

    image = Image.new("RGB", (24, 16))
    image.putdata([(x * 10, y * 15, 200 - x * 5) for y in range(16) for x in range(24)])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=75)
    stream = encoded(out.getvalue(), ["/DCTDecode"], Width=NumberObject(24), Height=NumberObject(16),
                     ColorSpace=NameObject("/DeviceRGB"), BitsPerComponent=NumberObject(8),
                     Decode=numbers(1, 0, 1, 0, 1, 0))
    return image_page_pdf({"Negative": stream}), out.getvalue()
