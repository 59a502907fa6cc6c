"""A stored result (a JS Blob from IndexedDB) as a `ResultSource`: a ZIP is read by its central
directory (in parts, yielding to the browser between them, so a 2,000-page result's directory is no
long task) and each entry by a `slice()` of the Blob when it is asked for, so opening a large result
never copies all of it into Python. Browser ring; the byte ranges come from an injected reader (and
other blobs from an injected lookup), so the logic runs over plain bytes under CPython."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from dataflow.browser.ffi import is_null
from dataflow.core.zipdir import (
    LOCAL_HEADER_SIZE,
    STORED,
    TAIL_BYTES,
    ZipEntry,
    ZipFormatError,
    data_start,
    decompress,
    find_directory,
    read_directory_part,
)

ReadRange = Callable[[int, int], Awaitable[bytes]]  # (start, end) -> bytes[start:end]
Lookup = Callable[[str], Awaitable["BlobSource | None"]]  # another stored blob by key
DIRECTORY_BATCH = 250  # directory entries read between two yields to the browser
READ_AHEAD = 256 * 1024  # bytes read at least at a time for entries (the next pages come with a page)


async def _nothing(key: str) -> BlobSource | None:
    return None


class BlobSource:
    """`size` bytes read through `read_range`; the directory is read once, on first use; `lookup`
    finds the task's other stored blobs (none by default)."""

    def __init__(self, size: int, read_range: ReadRange, lookup: Lookup = _nothing):
        self.size, self.read_range, self.lookup = size, read_range, lookup
        self._entries: dict[str, ZipEntry] | None = None
        self._chunk_start, self._chunk = 0, b""

    async def entries(self) -> dict[str, ZipEntry]:
        if self._entries is None:
            start = max(0, self.size - TAIL_BYTES)
            directory = find_directory(await self.read_range(start, self.size), self.size)
            data = await self.read_range(directory.offset, directory.offset + directory.size)
            entries: dict[str, ZipEntry] = {}
            at, left = 0, directory.count
            while left > 0:
                part, at = read_directory_part(data, min(left, DIRECTORY_BATCH), at)
                entries.update((entry.name, entry) for entry in part)
                left -= len(part)
                if left > 0:
                    await asyncio.sleep(0)
            self._entries = entries
        return self._entries

    async def names(self) -> list[str]:
        return list(await self.entries())

    async def read(self, name: str) -> bytes | None:
        entry = (await self.entries()).get(name)
        if entry is None:
            return None
        # The local header's name and extra field may differ in length from the directory's: read it.
        header = await self._bytes(entry.header_offset, entry.header_offset + LOCAL_HEADER_SIZE)
        start = data_start(entry, header)
        return decompress(entry, await self._bytes(start, start + entry.compressed_size))

    async def _bytes(self, start: int, end: int) -> bytes:
        """bytes[start:end], from the chunk read last when it holds them, else from a new chunk of at
        least READ_AHEAD bytes: entries read in order (the pages of a search) cost one read per chunk."""
        if not (self._chunk_start <= start and end <= self._chunk_start + len(self._chunk)):
            chunk = await self.read_range(start, min(self.size, max(end, start + READ_AHEAD)))
            self._chunk_start, self._chunk = start, chunk  # together, after the read: reads may overlap
        return self._chunk[start - self._chunk_start:end - self._chunk_start]

    async def whole(self) -> bytes:
        return await self.read_range(0, self.size)

    async def head(self, size: int, name: str | None = None) -> bytes:
        if name is None:
            return await self.read_range(0, min(size, self.size))
        entry = (await self.entries()).get(name)
        if entry is None:
            return b""
        header = await self.read_range(entry.header_offset, entry.header_offset + LOCAL_HEADER_SIZE)
        start = data_start(entry, header)
        # Deflate rarely grows data, so `size` compressed bytes (plus a margin) give `size` bytes or all.
        raw = await self.read_range(start, start + min(entry.compressed_size, size + 1024))
        if entry.method == STORED:
            return raw[:size]
        if raw and len(raw) == entry.compressed_size:
            return decompress(entry, raw)[:size]
        try:
            return zlib.decompressobj(-15).decompress(raw, size)
        except zlib.error as error:
            raise ZipFormatError(f"the ZIP entry {entry.name!r} is damaged: {error}") from error

    async def other(self, key: str) -> BlobSource | None:
        return await self.lookup(key)


def blob_source(blob: Any, fetch: Callable[[str], Awaitable[Any]] | None = None) -> BlobSource:
    """A BlobSource over a JS Blob: each range is one `slice().arrayBuffer()`; `fetch(key)` (a JS
    Blob or null) finds the task's other blobs."""

    async def read_range(start: int, end: int) -> bytes:
        return bytes((await blob.slice(start, end).arrayBuffer()).to_bytes())

    async def lookup(key: str) -> BlobSource | None:
        if fetch is None:
            return None
        found = await fetch(key)
        return None if found is None or is_null(found) else blob_source(found, fetch)

    return BlobSource(int(blob.size), read_range, lookup)
