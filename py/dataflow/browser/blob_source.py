"""A stored result (a JS Blob from IndexedDB) as a `ResultSource`: a ZIP is read by its central
directory and each entry by a `slice()` of the Blob when it is asked for, so opening a large result
never copies all of it into Python. Browser ring; the byte ranges come from an injected reader, so
the logic runs over plain bytes under CPython."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from dataflow.core.zipdir import (
    LOCAL_HEADER_SIZE,
    TAIL_BYTES,
    ZipEntry,
    data_start,
    decompress,
    find_directory,
    read_directory,
)

ReadRange = Callable[[int, int], Awaitable[bytes]]  # (start, end) -> bytes[start:end]


class BlobSource:
    """`size` bytes read through `read_range`; the directory is read once, on first use."""

    def __init__(self, size: int, read_range: ReadRange):
        self.size, self.read_range = size, read_range
        self._entries: dict[str, ZipEntry] | None = None

    async def entries(self) -> dict[str, ZipEntry]:
        if self._entries is None:
            start = max(0, self.size - TAIL_BYTES)
            directory = find_directory(await self.read_range(start, self.size), self.size)
            data = await self.read_range(directory.offset, directory.offset + directory.size)
            self._entries = {entry.name: entry for entry in read_directory(data, directory.count)}
        return self._entries

    async def names(self) -> list[str]:
        return list(await self.entries())

    async def read(self, name: str) -> bytes | None:
        entry = (await self.entries()).get(name)
        if entry is None:
            return None
        # The local header's name and extra field may differ in length from the directory's: read it.
        header = await self.read_range(entry.header_offset, entry.header_offset + LOCAL_HEADER_SIZE)
        start = data_start(entry, header)
        return decompress(entry, await self.read_range(start, start + entry.compressed_size))

    async def whole(self) -> bytes:
        return await self.read_range(0, self.size)


def blob_source(blob: Any) -> BlobSource:
    """A BlobSource over a JS Blob: each range is one `slice().arrayBuffer()`."""

    async def read_range(start: int, end: int) -> bytes:
        return bytes((await blob.slice(start, end).arrayBuffer()).to_bytes())

    return BlobSource(int(blob.size), read_range)
