"""The storage interface (get/set/remove of strings) and its in-memory twin. Standard library only.

The browser's localStorage adapter lives in `dataflow.browser.local_storage` and passes the same
contract tests as MemoryStorage.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from dataflow.core.errors import StorageFullError


class Storage(Protocol):
    def get(self, key: str) -> str | None:
        """The stored string, or None if there is none."""

    def set(self, key: str, value: str) -> None:
        """Store `value`; raise StorageFullError when the quota is used up (nothing changes then)."""

    def remove(self, key: str) -> None:
        """Forget `key`; no error if it is not there."""

    def keys(self) -> list[str]:
        """Every stored key."""


class MemoryStorage:
    """Storage in a dict, with an optional quota in characters (as localStorage counts them)."""

    def __init__(self, *, quota: int | None = None):
        self.data: dict[str, str] = {}
        self.quota = quota
        self.writes = 0

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def set(self, key: str, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"storage holds strings, not {type(value).__name__}")
        if self.quota is not None:
            used = sum(len(k) + len(v) for k, v in self.data.items() if k != key)
            if used + len(key) + len(value) > self.quota:
                raise StorageFullError(f"storage quota of {self.quota} characters exceeded")
        self.data[key] = value
        self.writes += 1

    def remove(self, key: str) -> None:
        self.data.pop(key, None)

    def keys(self) -> list[str]:
        return list(self.data)

    def items(self, prefix: str) -> list[tuple[str, str]]:
        """Every (key, value) whose key starts with `prefix` (see `entries`)."""
        return [(key, value) for key, value in self.data.items() if key.startswith(prefix)]


def entries(storage: Storage, prefix: str) -> Iterator[tuple[str, str]]:
    """Every (key, value) of `storage` whose key starts with `prefix`, in no particular order, read as
    the iterator is consumed (so a loop in slices, core/slices.py, also spreads the reading).

    The keys are listed when the iteration starts. Through `items(prefix)` when the storage has it
    (MemoryStorage; localStorage, where it is one call into JS for the listing instead of one per
    key); else key by key through `keys()` and `get()`, which any Storage has."""
    bulk = getattr(storage, "items", None)
    if callable(bulk):
        yield from bulk(prefix)
        return
    listed = storage.keys()
    for key in listed:
        value = storage.get(key) if key.startswith(prefix) else None
        if value is not None:
            yield key, value
