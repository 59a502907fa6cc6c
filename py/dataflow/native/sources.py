"""Input files read where they lie: a task's file id ``path:/abs/file.pdf`` names the file on disk,
so ten thousand PDFs are never copied into the state directory. The store wrapper answers the
executors' ``file:<id>`` key from the disk and passes every other key to the blob store. Native ring.
"""

from __future__ import annotations

import os
from pathlib import Path

from dataflow.core.blobs import BlobStore, BlobWriter, Entry, RangeStore, Value, file_key, writer_of
from dataflow.core.errors import InputUnreadableError

PATH_SCHEME = "path:"
PATH_FILE_PREFIX = file_key(PATH_SCHEME)


def path_file_id(path: str | os.PathLike) -> str:
    """The file id of a file on disk (absolute, so it means the same from any working directory)."""
    return PATH_SCHEME + str(Path(path).resolve())


class WithSourceFiles:
    """A BlobStore whose ``file:path:...`` keys read the named file (read-only); None if it is gone."""

    def __init__(self, inner: BlobStore):
        self.inner = inner

    async def get(self, key: str) -> Value | None:
        """The value of `key`; a source file's bytes, None if it is gone. Raises InputUnreadableError,
        naming the file, if it is there but cannot be read (its permissions changed since it was
        found, an I/O error)."""
        if key.startswith(PATH_FILE_PREFIX):
            path = key[len(PATH_FILE_PREFIX):]
            try:
                return Path(path).read_bytes()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                return None
            except OSError as error:
                raise InputUnreadableError(f"{path} cannot be read ({error.strerror or error}); make it readable "
                                           "again, then retry it.") from None
        return await self.inner.get(key)

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        await self.inner.put(key, value, mime)

    def writer(self) -> BlobWriter:
        """The inner store's BlobWriter (a result written in pieces never reads a source file)."""
        return writer_of(self.inner)

    async def get_range(self, key: str, start: int, end: int) -> tuple[int, bytes] | None:
        """The inner store's range (see core.blobs.RangeStore), or its value's (a source file is
        never a part)."""
        if isinstance(self.inner, RangeStore):
            return await self.inner.get_range(key, start, end)
        value = await self.inner.get(key)
        return (len(value), value[start:end]) if isinstance(value, bytes) else None

    async def put_many(self, entries: list[Entry]) -> None:
        await self.inner.put_many(entries)

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        return await self.inner.get_many(keys)

    async def keys(self, prefix: str) -> list[str]:
        return await self.inner.keys(prefix)

    async def delete_prefix(self, prefix: str) -> None:
        await self.inner.delete_prefix(prefix)

    async def delete_keys(self, keys: list[str]) -> None:
        await self.inner.delete_keys(keys)
