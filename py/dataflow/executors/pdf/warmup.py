"""A PDF worker's warm-up: a small built-in document run once through the service before the first task.

Why: in the browser, Python is compiled WebAssembly that V8 optimizes as it runs (dynamic tiering),
and recent V8 also deoptimizes optimized code when it meets calls it had not seen (speculative
inlining of indirect calls, `--wasm-deopt`, on by default in Chromium 156). A worker's first task met
every call of the extraction path for the first time: V8 recompiled the interpreter's main loop (one
function of 79 KB of WebAssembly, 250-400 ms on a background thread) in the middle of it while that
loop ran unoptimized, so the first image task after a worker started took 0.89-1.10 s and the next ones
0.66-0.84 s on the same 300-page document (`bench/image_bench.py`'s corpus; with `--js-flags=
--no-wasm-deopt` the first one took 0.70 s). Running these paths once at start-up moves that cost
into the worker's boot, off any task. Elsewhere (CPython: the command line, Temporal) it is not needed.

The document is made here with pypdf (no file is shipped): one page of text in a standard font, a
Flate-encoded RGB image and a grey one (written as PNG) and a JPEG (kept as it is), the kinds of image
the image path converts most. The service writes into a store of its own in memory: nothing of the
warm-up reaches the user's storage. Executors ring.
"""

from __future__ import annotations

import base64
import io

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.pdf.service import PdfService

TASK = "warm-up"
SIDE = (200, 150)  # pixels of each image: the size of the benchmark corpus's images
JPEG = base64.b64decode(  # a 16x16 RGB baseline JPEG (Pillow, quality 50)
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hn"
    "Pk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2P/wAARCAAQABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQID"
    "AAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlq"
    "c3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3"
    "+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEI"
    "FEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImK"
    "kpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDn"
    "7ex6cVp29j04rTt7HpxWnb2PTiqq4sMvx22p/9k=")


def _image(data: bytes, width: int, height: int, color_space: str, *, flate: bool) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                   NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height),
                   NameObject("/ColorSpace"): NameObject(color_space),
                   NameObject("/BitsPerComponent"): NumberObject(8)})
    if flate:
        return stream.flate_encode()  # type: ignore[return-value]  # an EncodedStreamObject, /Filter /FlateDecode
    stream[NameObject("/Filter")] = NameObject("/DCTDecode")
    return stream


def warm_document() -> bytes:
    """The warm-up document's bytes (a 1-page PDF, about 70 KB)."""
    width, height = SIDE
    rgb = bytes((i * i * 31 + i // 600) % 251 for i in range(width * height * 3))  # detail that compresses little,
    grey = bytes((i * i * 17 + i // 200) % 241 for i in range(width * height))  # as photographs and scans do
    writer = PdfWriter()  # its _add_object: pypdf 7.1 has no public way to add an indirect object
    page = writer.add_blank_page(width=595, height=842)
    images = {"/Im0": _image(rgb, width, height, "/DeviceRGB", flate=True),
              "/Im1": _image(JPEG, 16, 16, "/DeviceRGB", flate=False),
              "/Im2": _image(grey, width, height, "/DeviceGray", flate=True)}
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/XObject"): DictionaryObject({NameObject(name): writer._add_object(image)
                                                  for name, image in images.items()}),
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    drawing = b"BT /F1 12 Tf 40 800 Td (Figures of the warm-up page) Tj ET\n" + b"".join(
        b"q 160 0 0 120 %d 600 cm %s Do Q\n" % (40 + index * 180, name.encode()) for index, name in enumerate(images))
    contents = DecodedStreamObject()
    contents.set_data(drawing)
    page[NameObject("/Contents")] = writer._add_object(contents)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def warm_up(rounds: int = 2) -> dict:
    """Run the warm-up document `rounds` times through a PdfService over a store in memory (open, its
    page, finish: the paths of a task in the "complete" mode, text and images); returns the last
    result's summary. Raises what the service raises (a bug: the document is valid)."""
    store = MemoryBlobStore()
    await store.put(file_key(TASK), warm_document())
    service = PdfService(store)
    summary: dict = {}
    for run in range(rounds):
        await service.open(TASK, TASK, {"mode": "complete"}, source="warm-up.pdf")
        await service.process(TASK, 0, 1, 0.1)
        summary = dict(await service.finish(TASK, str(run)))
        service.forget(TASK)
    return summary

