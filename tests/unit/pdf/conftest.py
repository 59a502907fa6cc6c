"""A PDF service over an in-memory store, with helpers to store a file and run a whole document."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.pdf.output import Collected, mask_identity, summary, valid_collected
from dataflow.executors.pdf.service import PdfService


@pytest.fixture
def store():
    return MemoryBlobStore()


@pytest.fixture
def service(store):
    return PdfService(store)


@pytest.fixture
def run_document(store, service):
    """Store `data`, open it and process it in chunks of `chunk` pages; returns (finish info, bytes)."""

    async def run(data: bytes, options: dict | None = None, *, chunk: int = 100, task_id: str = "t1",
                  source: str = "doc.pdf", password: str | None = None):
        await store.put(file_key("f-" + task_id), data)
        info = await service.open(task_id, "f-" + task_id, options or {}, source=source, password=password)
        done = 0
        while done < info["pages"]:  # as the executor does: a call may end before its chunk's end
            done = (await service.process(task_id, done, done + chunk))["next_page"]
        result = await service.finish(task_id)
        return result, store.data[result["result_key"]]

    return run


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def metadata_of(data: bytes) -> dict:
    return json.loads(unzip(data)["metadata.json"])


def zipfile_zip(collected: Collected) -> bytes:
    """The ZIP result as build_zip wrote it with zipfile before it was written in pieces: the oracle."""
    collected = valid_collected(collected)
    buffer = io.BytesIO()

    def write(archive, name, data, stored=False):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, data)

    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for page in collected.pages:
            if page.get("text") is not None:
                write(archive, f"text/page-{page['page']:04d}.txt", page["text"].encode("utf-8"))
        for image in collected.images:
            data = collected.image_data.get(image["identity"])
            if data is not None:
                write(archive, f"images/{image['name']}", data, stored=image["mime"] in ("image/jpeg", "image/png"))
            mask = collected.image_data.get(mask_identity(image["identity"]))
            if mask is not None and image.get("mask"):
                write(archive, f"images/{image['mask']['name']}", mask,
                      stored=image["mask"]["mime"] in ("image/jpeg", "image/png"))
        write(archive, "metadata.json", json.dumps(summary(collected), indent=2, ensure_ascii=False).encode())
    return buffer.getvalue()
