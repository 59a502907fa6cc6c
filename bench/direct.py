"""pypdf called directly, with no orchestrator, worker protocol or storage: the baseline that our
worker path is compared against (in a worker and, naively, on the main thread). Also our PdfService
over an in-memory store in the same place, which tells the cost of the service itself (records,
result file) from the cost of the app around it (worker calls, IndexedDB). Benchmark only."""

import base64
import io
import json
import time

from pypdf import PdfReader

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.pdf.images import convert_image, page_image_streams
from dataflow.executors.pdf.service import PdfService


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


async def service(data: bytes, mode: str) -> dict:
    """Our PdfService over a MemoryBlobStore: open, every page in as few calls as it takes, finish (the
    result file)."""
    store = MemoryBlobStore()
    await store.put(file_key("f"), data)
    pdf = PdfService(store)
    started = time.perf_counter()
    info = await pdf.open("t", "f", {"mode": mode, "max_images": 1000}, source="x.pdf")
    done = 0
    while done < info["pages"]:  # a call may end early (a chunk's images reach PACK_BYTES)
        done = (await pdf.process("t", done, info["pages"]))["next_page"]
    result = await pdf.finish("t")
    return {"seconds": time.perf_counter() - started, "pages": info["pages"], "bytes": result["size"]}


def run(b64: str, mode: str) -> str:
    return json.dumps(extract(base64.b64decode(b64), mode))


async def run_service(b64: str, mode: str) -> str:
    return json.dumps(await service(base64.b64decode(b64), mode))
