"""The blob store contract every executor uses for file bytes, intermediate parts and results: an
async key-value store of bytes or strings, its in-memory twin, and the one key scheme of the app.

In the app it is IndexedDB (`dataflow.browser.blob_store`), in tests `MemoryBlobStore`; both pass
the same contract tests. Standard library only.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from dataflow.core.errors import DataflowError

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

    async def get_range(self, key: str, start: int, end: int) -> tuple[int, bytes] | None:
        """See RangeStore."""
        self.calls += 1
        value = self.data.get(key)
        return (len(value), value[start:end]) if isinstance(value, bytes) else None

    def writer(self) -> MemoryWriter:
        """A BlobWriter that counts one store call per append and one per commit, as IndexedDB makes
        one transaction for each."""
        return MemoryWriter(self)

    def _set(self, key: str, value: Value, mime: str | None) -> None:
        if not isinstance(value, (bytes, str)):
            raise TypeError(f"a blob store holds bytes or str, not {type(value).__name__}")
        self.data[key] = value
        self.mimes[key] = mime


# Writing a value in pieces -------------------------------------------------------------------

@dataclass(frozen=True)
class StoredPart:
    """A piece of a value being written that is already stored: the bytes under `key`, which must be
    exactly `size` bytes long; or, when `within` is given, the `size` bytes at `offset` of the bytes
    under `key`, which must be exactly `within` bytes long (one of several parts stored together as
    one value, a "pack": one write instead of one per part). A store that can, appends it without
    reading it (IndexedDB: the stored Blob itself, or its slice)."""

    key: str
    size: int
    offset: int = 0
    within: int | None = None

    @property
    def stored_size(self) -> int:
        """How long the value under `key` must be, in bytes."""
        return self.size if self.within is None else self.within

    def valid(self) -> bool:
        """Whether the part lies inside its stored value (a record may be damaged)."""
        return self.size >= 0 and self.offset >= 0 and self.offset + self.size <= self.stored_size

    def cut(self, value: bytes) -> bytes:
        """The part's bytes out of its whole stored `value` (already checked to be stored_size long)."""
        return value if self.within is None else value[self.offset:self.offset + self.size]

    def joined(self, after: StoredPart) -> StoredPart | None:
        """This part and `after` as one part, when `after` starts where this one ends in the same
        stored value (adjacent slices of one pack); otherwise None."""
        if self.within is None or (after.key, after.within, after.offset) != (self.key, self.within,
                                                                            self.offset + self.size):
            return None
        return StoredPart(self.key, self.size + after.size, self.offset, self.within)


Piece = bytes | StoredPart


class PartMissingError(DataflowError):
    """A StoredPart is not stored (or not bytes, or not of its size): the value cannot be written."""


class BlobWriter(Protocol):
    """A value written front to back in pieces and stored once complete, so that no buffer holds it
    whole where the store can avoid it. Nothing is stored before `commit`; dropping a writer drops
    what it was given."""

    async def append(self, pieces: list[Piece]) -> None:
        """Add `pieces` in order; PartMissingError when a StoredPart is not as described."""

    async def commit(self, key: str, mime: str | None, beside: list[Entry]) -> None:
        """Store the value under `key`, with the `beside` entries in the same write (all or none);
        StorageFullError when over quota."""


@runtime_checkable
class RangeStore(Protocol):
    async def get_range(self, key: str, start: int, end: int) -> tuple[int, bytes] | None:
        """The length of the bytes under `key` and its bytes [start, end) (fewer past its end), read
        without reading the rest; None when `key` holds no bytes (absent, or text)."""


@runtime_checkable
class WritingStore(Protocol):
    def writer(self) -> BlobWriter:
        """A new BlobWriter into this store."""


class JoiningWriter:
    """The BlobWriter of a store that has none of its own: it reads each StoredPart when appended and
    joins the value in memory at commit (so that memory holds the whole value, as a plain `put` does)."""

    def __init__(self, store: BlobStore):
        self.store = store
        self.pieces: list[bytes] = []

    async def append(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            self.pieces.append(await read_part(self.store, piece) if isinstance(piece, StoredPart) else piece)

    async def commit(self, key: str, mime: str | None, beside: list[Entry]) -> None:
        await self.store.put_many([(key, b"".join(self.pieces), mime), *beside])
        self.pieces = []


async def read_part(store: BlobStore, part: StoredPart) -> bytes:
    """The bytes of `part` (a part of a pack read alone where the store can: RangeStore);
    PartMissingError when its stored value is absent, text, or not `part.stored_size` long, or the
    part does not lie inside it."""
    if part.within is None or not isinstance(store, RangeStore) or not part.valid():
        return _whole_part(part, await store.get(part.key))
    found = await store.get_range(part.key, part.offset, part.offset + part.size)
    if found is None or found[0] != part.within or len(found[1]) != part.size:
        what = "nothing" if found is None else f"{found[0]:,} bytes"
        raise PartMissingError(f"the stored part {part.key} holds {what}, not {part.within:,} bytes")
    return found[1]


def _whole_part(part: StoredPart, value: Value | None) -> bytes:
    if not isinstance(value, bytes) or len(value) != part.stored_size or not part.valid():
        unit = "bytes" if isinstance(value, bytes) else "characters"
        found = "nothing" if value is None else f"{len(value):,} {unit}"
        raise PartMissingError(f"the stored part {part.key} holds {found}, not {part.stored_size:,} bytes"
                               + ("" if part.valid() else f" with {part.size:,} at {part.offset:,}"))
    return part.cut(value)


@runtime_checkable
class StartingStore(Protocol):
    def put_many_now(self, entries: list[Entry]) -> Awaitable[None]:
        """Start storing `entries` as `put_many` does before returning (their bytes are the store's
        from then on: the caller may drop them) and return what to await for the write's outcome
        (StorageFullError when over quota): the caller works on while the store writes."""


def put_many_started(store: BlobStore, entries: list[Entry]) -> Awaitable[None]:
    """`store.put_many_now(entries)` where the store can start a write at once (IndexedDB), else its
    `put_many(entries)`, which writes when awaited."""
    return store.put_many_now(entries) if isinstance(store, StartingStore) else store.put_many(entries)


def writer_of(store: BlobStore) -> BlobWriter:
    """The store's own BlobWriter, or a JoiningWriter over it."""
    return store.writer() if isinstance(store, WritingStore) else JoiningWriter(store)


class BufferedWriter:
    """Gathers small pieces into appends of at most about `limit` bytes (IndexedDB: one call and one
    Blob per append, not per ZIP header), so memory holds at most `limit` bytes plus the piece being
    added; stored parts that follow each other in one stored value become one part (IndexedDB: one
    Blob slice, each costing a call to the browser process). `close()` appends what is left."""

    def __init__(self, writer: BlobWriter, *, limit: int = 1 << 20, max_parts: int = 256):
        self.writer, self.limit, self.max_parts = writer, limit, max_parts
        self.pending: list[Piece] = []
        self.pending_bytes = 0
        self.parts = 0

    async def write(self, piece: Piece) -> None:
        last = self.pending[-1] if self.pending else None
        if isinstance(piece, StoredPart) and isinstance(last, StoredPart) and (joined := last.joined(piece)):
            self.pending[-1] = joined  # adjacent slices of one stored value go in as one
            return
        self.pending.append(piece)
        if isinstance(piece, StoredPart):
            self.parts += 1
        else:
            self.pending_bytes += len(piece)
        if self.pending_bytes >= self.limit or self.parts >= self.max_parts:
            await self.close()

    async def close(self) -> None:
        if self.pending:
            pending, self.pending, self.pending_bytes, self.parts = self.pending, [], 0, 0
            await self.writer.append(pending)


class MemoryWriter:
    """The memory store's own BlobWriter (see MemoryBlobStore.writer)."""

    def __init__(self, store: MemoryBlobStore):
        self.store = store
        self.pieces: list[bytes] = []

    async def append(self, pieces: list[Piece]) -> None:
        self.store.calls += 1
        for piece in pieces:
            self.pieces.append(_whole_part(piece, self.store.data.get(piece.key))
                               if isinstance(piece, StoredPart) else piece)

    async def commit(self, key: str, mime: str | None, beside: list[Entry]) -> None:
        await self.store.put_many([(key, b"".join(self.pieces), mime), *beside])
        self.pieces = []
