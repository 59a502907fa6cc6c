"""The benchmark corpus, generated: a report-like text document and an image-heavy one.

"report": pages with a heading, paragraphs in two sizes and a table, in an embedded TrueType font
(DejaVu or Liberation when the machine has one, as real documents embed theirs; else Helvetica).
"images": pages with three distinct images each (an RGB PNG, a JPEG and a grey PNG).
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from PIL import Image

FONT_CANDIDATES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                   "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"]
WORDS = ("throughput latency orchestrator checkpoint worker retry backoff progress storage browser offline "
         "document extraction metadata outline quarterly revenue analysis summary appendix figure").split()


def font_used() -> str:
    return next((Path(p).name for p in FONT_CANDIDATES if Path(p).exists()), "Helvetica (core font)")


def _font(pdf: FPDF) -> str:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            pdf.add_font("Body", "", path)
            return "Body"
    return "helvetica"


def _sentence(seed: int, count: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(count)).capitalize() + "."


def report_pdf(pages: int) -> bytes:
    pdf = FPDF()
    family = _font(pdf)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font(family, size=16)
        pdf.cell(0, 10, f"Section {page}: {_sentence(page, 4)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=10)
        for paragraph in range(3):
            pdf.multi_cell(0, 5, " ".join(_sentence(page + paragraph + s, 14) for s in range(4)))
            pdf.ln(2)
        pdf.set_font(family, size=8)
        for row in range(6):
            for column in range(4):
                pdf.cell(45, 6, f"{WORDS[(row + column + page) % len(WORDS)]} {row * column + page}", border=1)
            pdf.ln(6)
    return bytes(pdf.output())


def _image(seed: int, mode: str, fmt: str) -> bytes:
    image = Image.new(mode, (200, 150))
    image.putdata([((x * seed + y) % 256, (y * 3 + seed) % 256, (x + y * seed) % 256) if mode == "RGB"
                   else (x * y + seed) % 256 for y in range(150) for x in range(200)])
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def images_pdf(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 8, f"Figures of page {page}")
        for index, (mode, fmt) in enumerate([("RGB", "PNG"), ("RGB", "JPEG"), ("L", "PNG")]):
            pdf.image(io.BytesIO(_image(page * 3 + index, mode, fmt)), x=10 + index * 65, y=30, w=60)
    return bytes(pdf.output())


def _noise_jpeg(width: int, height: int, seed: int) -> bytes:
    """A JPEG of blocky noise (a scan's worth of detail: it barely compresses)."""
    import random

    rng = random.Random(seed)
    small = Image.new("L", (width // 4, height // 4))
    small.putdata([rng.randrange(256) for _ in range(small.width * small.height)])
    out = io.BytesIO()
    small.resize((width, height)).convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()


def scanned_pdf(pages: int, jpeg_bytes: int = 500_000) -> bytes:
    """A scanned-style document: `pages` pages, each one full-page JPEG of about `jpeg_bytes` bytes (a
    distinct file per page: the same noise with a page-numbered comment segment, so nothing is shared)."""
    side = 400
    base = _noise_jpeg(side, side, 1)
    while len(base) < jpeg_bytes:  # grow the picture until one page's JPEG is big enough
        side = int(side * 1.3)
        base = _noise_jpeg(side, side, 1)
    pdf = FPDF(unit="pt", format=(595, 842))
    for page in range(1, pages + 1):
        comment = f"page {page}".encode()
        jpeg = base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]
        pdf.add_page()
        pdf.image(io.BytesIO(jpeg), x=0, y=0, w=595, h=842)
    return bytes(pdf.output())
