"""The blob store contract every executor uses for file bytes, intermediate parts and results: an
async key-value store of bytes or strings, its in-memory twin, and the one key scheme of the app.

In the app it is IndexedDB (`dataflow.browser.blob_store`), in tests `MemoryBlobStore`; both pass
the same contract tests. Standard library only.
"""

from __future__ import annotations

from typing import Protocol

Value = bytes | str
Entry = tuple[str, Value, str | None]  # (key, value, MIME type)


def file_key(file_id: str) -> str:
    """Where the bytes of an added file live (the task input holds `file_id`, never the bytes)."""
    return f"file:{file_id}"


def result_key(task_id: str) -> str:
    """Where a task's result file lives."""
    return f"result:{task_id}"


def parts_prefix(task_id: str) -> str:
    """The prefix of every intermediate part a task stores while it runs (deleted when it ends)."""
    return f"part:{task_id}:"


def task_blobs(task_id: str) -> list[str]:
    """The key prefixes a task owns whatever its kind: its result and its parts."""
    return [result_key(task_id), parts_prefix(task_id)]


class BlobStore(Protocol):
    async def get(self, key: str) -> Value | None:
        """The stored value, or None."""

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        """Store `value` under `key` (replacing what was there); StorageFullError when over quota."""

    async def put_many(self, entries: list[Entry]) -> None:
        """Store several (key, value, mime) at once: in IndexedDB, one transaction instead of many."""

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        """The values of several keys at once, in order (None where there is none)."""

    async def keys(self, prefix: str) -> list[str]:
        """Every key that starts with `prefix`, sorted."""

    async def delete_prefix(self, prefix: str) -> None:
        """Delete every key that starts with `prefix` (a full key deletes that one entry)."""

    async def delete_keys(self, keys: list[str]) -> None:
        """Delete exactly these keys (absent ones are ignored): in IndexedDB, one transaction."""


class MemoryBlobStore:
    """The in-memory twin of the IndexedDB store."""

    def __init__(self) -> None:
        self.data: dict[str, Value] = {}
        self.mimes: dict[str, str | None] = {}
        self.calls = 0  # store calls made: in the app each is one IndexedDB transaction

    async def get(self, key: str) -> Value | None:
        self.calls += 1
        return self.data.get(key)

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        self.calls += 1
        self._set(key, value, mime)

    async def put_many(self, entries: list[Entry]) -> None:
        self.calls += 1
        for key, value, mime in entries:
            self._set(key, value, mime)

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
            self.mimes.pop(key, None)

    async def delete_keys(self, keys: list[str]) -> None:
        self.calls += 1
        for key in keys:
            self.data.pop(key, None)
            self.mimes.pop(key, None)

    def _set(self, key: str, value: Value, mime: str | None) -> None:
        if not isinstance(value, (bytes, str)):
            raise TypeError(f"a blob store holds bytes or str, not {type(value).__name__}")
        self.data[key] = value
        self.mimes[key] = mime
