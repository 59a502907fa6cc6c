"""PDFs made on the fly for tests and benchmarks (fpdf2 and pypdf), so no binary fixture is needed.

Each builder returns bytes. The images are small and made with Pillow, which is a test dependency
only: the app itself never needs Pillow.
"""

from __future__ import annotations

import io
import random
import zlib

from fpdf import FPDF
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
         "sigma tau upsilon phi chi psi omega").split()


def page_words(page: int, count: int = 40) -> str:
    return " ".join(WORDS[(page * 7 + i) % len(WORDS)] for i in range(count))


def text_pdf(pages: int = 3, *, title: str = "Test document", author: str = "DataFlow tests",
             sections: bool = True, words: int = 40) -> bytes:
    """`pages` pages of text; page k starts with "Page k." and each page is a section of the outline."""
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_font("helvetica", size=11)
    for page in range(1, pages + 1):
        pdf.add_page()
        if sections:
            pdf.start_section(f"Chapter {page}")
        pdf.multi_cell(0, 6, f"Page {page}. {page_words(page, words)}")
    return bytes(pdf.output())


def png_bytes(mode: str, size=(24, 16), seed: int = 1) -> bytes:
    image = Image.new(mode, size)
    width, height = size
    pixels = []
    for y in range(height):
        for x in range(width):
            value = (x * 11 + y * 7 + seed * 13) % 256
            pixels.append({"RGB": (value, 255 - value, (value * 3) % 256), "RGBA": (value, 40, 200, (x * 10) % 256),
                           "L": value, "P": value % 4, "1": 255 if (x + y) % 3 else 0}[mode])
    image.putdata(pixels)
    if mode == "P":
        image.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 250, 250, 0] + [0] * (256 * 3 - 12))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size=(32, 24)) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    for x in range(size[0]):
        image.putpixel((x, x % size[1]), (250, 250, 250))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def images_pdf() -> bytes:
    """Page 1: RGB, RGBA (soft mask), palette, grey PNGs and a JPEG; page 2: the RGB image again
    (the same object) and a 1-bit image; page 3: text only."""
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 10, "Images page 1")
    rgb = io.BytesIO(png_bytes("RGB"))
    for index, data in enumerate([rgb, png_bytes("RGBA"), png_bytes("P"), png_bytes("L"), jpeg_bytes()]):
        pdf.image(io.BytesIO(data) if isinstance(data, bytes) else data, x=10 + index * 35, y=30, w=30)
    pdf.add_page()
    pdf.cell(0, 10, "Images page 2")
    rgb.seek(0)
    pdf.image(rgb, x=10, y=30, w=30)
    pdf.image(io.BytesIO(png_bytes("1")), x=50, y=30, w=30)
    pdf.add_page()
    pdf.cell(0, 10, "Page 3 has no image")
    return bytes(pdf.output())


def encrypted_pdf(user_password: str = "secret", pages: int = 2) -> bytes:
    """RC4-128, which pypdf decrypts without a cryptography library."""
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf(pages)))
    writer.encrypt(user_password=user_password, owner_password="owner-" + user_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf(pages: int = 6) -> bytes:
    data = text_pdf(pages)
    return data[: len(data) * 2 // 3]


def _image_stream(width: int, height: int, samples: bytes, **entries) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(samples)
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                   NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height)})
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return stream.flate_encode()


def crafted_images_pdf() -> bytes:
    """Cases fpdf2 does not make: CMYK, an image mask with /Decode [1 0], grey /Decode [1 0],
    a gray-based /Indexed space, an image inside a form XObject, and an inline image."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    gray = bytes((x * 20) % 256 for x in range(8 * 4))
    xobjects = {
        "/Cmyk": _image_stream(4, 2, bytes(range(32)), ColorSpace=NameObject("/DeviceCMYK"),
                               BitsPerComponent=NumberObject(8)),
        "/Mask": _image_stream(8, 2, b"\xf0\x0f", ImageMask=_true(),
                               Decode=ArrayObject([NumberObject(1), NumberObject(0)])),
        "/Inverted": _image_stream(8, 4, gray, ColorSpace=NameObject("/DeviceGray"),
                                   BitsPerComponent=NumberObject(8),
                                   Decode=ArrayObject([NumberObject(1), NumberObject(0)])),
        "/Indexed": _image_stream(4, 2, bytes([0, 1, 2, 1, 2, 0, 1, 1]), BitsPerComponent=NumberObject(8),
                                  ColorSpace=ArrayObject([NameObject("/Indexed"), NameObject("/DeviceGray"),
                                                          NumberObject(2), _bytes_object(b"\x00\x80\xff")])),
    }
    refs = {name: writer._add_object(stream) for name, stream in xobjects.items()}
    form_image = writer._add_object(_image_stream(3, 3, bytes(range(27)), ColorSpace=NameObject("/DeviceRGB"),
                                                  BitsPerComponent=NumberObject(8)))
    form = DecodedStreamObject()
    form.set_data(b"q 10 0 0 10 0 0 cm /Inner Do Q")
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([NumberObject(0)] * 2 + [NumberObject(10)] * 2),
                 NameObject("/Resources"): DictionaryObject({NameObject("/XObject"): DictionaryObject(
                     {NameObject("/Inner"): form_image})})})
    refs["/Form"] = writer._add_object(form)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject(name): ref for name, ref in refs.items()})})
    inline = b"BI /W 2 /H 2 /CS /RGB /BPC 8 ID " + bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]) + b"\nEI"
    content = b"q 20 0 0 20 10 10 cm " + b" ".join(n.encode() + b" Do" for n in refs) + b" Q q 5 0 0 5 0 0 cm " \
        + inline + b" Q"
    contents = DecodedStreamObject()
    contents.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(contents)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _true():
    from pypdf.generic import BooleanObject

    return BooleanObject(True)


def _bytes_object(data: bytes):
    from pypdf.generic import ByteStringObject

    return ByteStringObject(data)


def many_pages_pdf(pages: int = 120, words: int = 120) -> bytes:
    return text_pdf(pages, sections=False, words=words)


def zlib_bomb_pdf(megabytes: int = 120) -> bytes:
    """A page whose content stream inflates to more than pypdf's 75 MB limit."""
    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    raw = zlib.compress(b" " * (megabytes * 1024 * 1024), 9)
    stream = DecodedStreamObject()
    stream._data = raw
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    from pypdf.generic import EncodedStreamObject

    encoded = EncodedStreamObject()
    encoded._data = raw
    encoded[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(encoded)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def slow_page_pdf(operators: int = 300_000) -> bytes:
    """One small page whose content stream holds so many text operators that extracting it takes
    seconds: a stand-in for a file built to hang readers."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 1 Tf " + b"(ab) Tj 1 0 Td " * operators + b"ET")
    page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def noise_pdf(pages: int, side: int = 600, seed: int = 1) -> bytes:
    """`pages` pages, each one distinct JPEG of noise (about 0.4 MB at 600 px): its images come out of
    the PDF as big as they went in, so extracting them stores about the file's size again."""
    pdf = FPDF(unit="pt", format=(595, 842))
    for page in range(pages):
        image = Image.frombytes("RGB", (side, side), random.Random(seed + page).randbytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=90)
        pdf.add_page()
        pdf.image(out, x=0, y=0, w=595, h=842)
    return bytes(pdf.output())
