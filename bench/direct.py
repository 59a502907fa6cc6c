"""pypdf called directly, with no orchestrator, worker protocol or storage: the baseline that our
worker path is compared against (in a worker and, naively, on the main thread). Benchmark only."""

import base64
import io
import json
import time

from pypdf import PdfReader

from dataflow.executors.pdf.images import convert_image, page_image_streams


def extract(data: bytes, mode: str) -> dict:
    started = time.perf_counter()
    reader = PdfReader(io.BytesIO(data))
    chars = images = 0
    seen = set()
    for number, page in enumerate(reader.pages, start=1):
        if mode == "text":
            chars += len(page.extract_text() or "")
        else:
            for identity, stream in page_image_streams(page, number):
                if identity not in seen:
                    seen.add(identity)
                    images += len(convert_image(identity, stream).data) > 0
    return {"seconds": time.perf_counter() - started, "pages": len(reader.pages), "chars": chars, "images": images}


def run(b64: str, mode: str) -> str:
    return json.dumps(extract(base64.b64decode(b64), mode))
