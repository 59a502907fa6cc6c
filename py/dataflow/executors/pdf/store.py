"""Where the PDF service keeps files, per-page parts and results: an async key-value store of
bytes or strings. In the app it is IndexedDB (`dataflow.browser.blob_store`), in tests a dict.
Standard library only."""

from __future__ import annotations

from typing import Protocol

Value = bytes | str


def file_key(file_id: str) -> str:
    return f"file:{file_id}"


def result_key(task_id: str) -> str:
    return f"result:{task_id}"


def parts_prefix(task_id: str) -> str:
    return f"part:{task_id}:"


class BlobStore(Protocol):
    async def get(self, key: str) -> Value | None:
        """The stored value, or None."""

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        """Store `value` under `key` (replacing what was there)."""

    async def keys(self, prefix: str) -> list[str]:
        """Every key that starts with `prefix`, sorted."""

    async def delete_prefix(self, prefix: str) -> None:
        """Delete every key that starts with `prefix` (a full key deletes that one entry)."""


class MemoryBlobStore:
    """The in-memory twin of the IndexedDB store."""

    def __init__(self) -> None:
        self.data: dict[str, Value] = {}

    async def get(self, key: str) -> Value | None:
        return self.data.get(key)

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        if not isinstance(value, (bytes, str)):
            raise TypeError(f"a blob store holds bytes or str, not {type(value).__name__}")
        self.data[key] = bytes(value) if isinstance(value, (bytearray, memoryview)) else value

    async def keys(self, prefix: str) -> list[str]:
        return sorted(key for key in self.data if key.startswith(prefix))

    async def delete_prefix(self, prefix: str) -> None:
        for key in [key for key in self.data if key.startswith(prefix)]:
            del self.data[key]
