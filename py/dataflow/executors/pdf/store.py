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

    async def put_many(self, entries: list[tuple[str, Value, str | None]]) -> None:
        """Store several (key, value, mime) at once: in IndexedDB, one transaction instead of many."""

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        """The values of several keys at once, in order (None where there is none)."""

    async def keys(self, prefix: str) -> list[str]:
        """Every key that starts with `prefix`, sorted."""

    async def delete_prefix(self, prefix: str) -> None:
        """Delete every key that starts with `prefix` (a full key deletes that one entry)."""


class MemoryBlobStore:
    """The in-memory twin of the IndexedDB store."""

    def __init__(self) -> None:
        self.data: dict[str, Value] = {}
        self.calls = 0  # store calls made: in the app each is one IndexedDB transaction

    async def get(self, key: str) -> Value | None:
        self.calls += 1
        return self.data.get(key)

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        self.calls += 1
        self._set(key, value)

    async def put_many(self, entries: list[tuple[str, Value, str | None]]) -> None:
        self.calls += 1
        for key, value, _ in entries:
            self._set(key, value)

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        self.calls += 1
        return [self.data.get(key) for key in keys]

    async def keys(self, prefix: str) -> list[str]:
        self.calls += 1
        return sorted(key for key in self.data if key.startswith(prefix))

    async def delete_prefix(self, prefix: str) -> None:
        self.calls += 1
        for key in [key for key in self.data if key.startswith(prefix)]:
            del self.data[key]

    def _set(self, key: str, value: Value) -> None:
        if not isinstance(value, (bytes, str)):
            raise TypeError(f"a blob store holds bytes or str, not {type(value).__name__}")
        self.data[key] = value
