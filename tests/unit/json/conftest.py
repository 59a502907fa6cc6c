"""A JSON service over an in-memory store, with helpers to store a file and run it step by step,
and generators of the fixtures (records, files) built in code."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.json.service import JsonService


def make_records(count: int, *, start: int = 0) -> list[dict]:
    """Records like an export of tickets: ids, names with accents, e-mails, dates, nested tags."""
    return [{"id": i, "name": f"Zoë {i}", "email": f"user{i}@example.com", "created": f"2024-03-{i % 28 + 1:02d}",
             "score": i * 0.5, "tags": ["a", "b"][: i % 3], "meta": {"ok": i % 2 == 0, "note": None}}
            for i in range(start, start + count)]


def as_array(records: list, **dumps) -> bytes:
    return json.dumps(records, ensure_ascii=False, **dumps).encode("utf-8")


def as_jsonl(records: list) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def store():
    return MemoryBlobStore()


@pytest.fixture
def service(store):
    return JsonService(store, monotonic=lambda: 0.0)


@pytest.fixture
def run_file(store, service):
    """Store `data` as `name`, open it and run steps of `budget` bytes to the end; returns
    (open info, finish info, result bytes, report dict)."""

    async def run(data: bytes, options: dict | None = None, *, name: str = "data.json", budget: int = 1 << 30,
                  task_id: str = "t1"):
        await store.put(file_key("f-" + task_id), data)
        info = await service.open(task_id, "f-" + task_id, options or {}, source=name)
        position = {"step": 0, "offset": None, "index": 0}
        for _ in range(100_000):
            outcome = await service.process(task_id, position, budget)
            position = {key: outcome[key] for key in ("step", "offset", "index")}
            if outcome["done"]:
                break
        result = await service.finish(task_id)
        return info, result, store.data[result["result_key"]], json.loads(store.data[result["report_key"]])

    return run
