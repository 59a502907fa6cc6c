"""A PDF service over an in-memory store, with helpers to store a file and run a whole document."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from dataflow.core.blobs import MemoryBlobStore, file_key
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
        for start in range(0, info["pages"], chunk):
            await service.process(task_id, start, start + chunk)
        result = await service.finish(task_id)
        return result, store.data[result["result_key"]]

    return run


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def metadata_of(data: bytes) -> dict:
    return json.loads(unzip(data)["metadata.json"])
