"""The executors' BlobStore over a directory: one file per key, written atomically.

A key is split at its first two colons into directories, so the parts of one task share a
directory (``part:<task>:page:000001`` is ``part/<task>/page%3A000001.v``) and listing or deleting
them never scans other tasks. Each file holds one type byte (``B`` bytes, ``S`` UTF-8 text) and
the value, so a value reads back as the type it was stored as, exactly as from the page's store.
This is the seam where a shared object store (S3, GCS) would plug in for workers on many machines:
the same seven calls over a bucket (the core's `BlobStore` contract). Native ring.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import weakref
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote

from dataflow.core.blobs import BlobStore, Entry, PartMissingError, Piece, StoredPart, Value
from dataflow.core.errors import StorageFullError
from dataflow.native.atomic import FILE_MODE, write_atomically

SUFFIX = ".v"
BYTES, TEXT = b"B", b"S"


def _segment(text: str) -> str:
    name = quote(text, safe="-_.~@+=,")
    return "%2E" + name[1:] if name.startswith(".") else name or "%00"


def _unsegment(name: str) -> str:
    return "" if name == "%00" else unquote(name)


TEMPORARY = ".tmp-"  # atomic.write_atomically's temporary files: ".tmp-XXXX.part"


def remove_temporary_files(root: str | os.PathLike, *, recursive: bool = True) -> int:
    """Delete the temporary files a killed writer left under `root` (a write in progress is never
    one of them: call this only while holding the state directory's lock, before workers start).
    Returns how many were removed; a file that cannot be removed is left."""
    removed, root = 0, os.fspath(root)
    walk: list[tuple[str, list[str], list[str]]] = (
        list(os.walk(root)) if recursive else [(root, [], os.listdir(root) if os.path.isdir(root) else [])])
    for directory, _, files in walk:
        for name in files:
            if name.startswith(TEMPORARY) and name.endswith(".part"):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(directory, name))
                    removed += 1
    return removed


COPY_BYTES = 1 << 20  # a stored part is copied into a result this much at a time


class FileWriter:
    """The store's BlobWriter (core/blobs.py): the value goes into a temporary file under the store's
    root as pieces come, a StoredPart copied from its file a megabyte at a time, so memory never holds
    the value; `commit` renames the file to the key's. A writer dropped before `commit` deletes its
    file (and one a killed process left is removed by `remove_temporary_files`). A full disk raises
    StorageFullError; a part that is absent, text or not of its size, PartMissingError."""

    def __init__(self, store: FileBlobStore):
        self.store = store
        store.root.mkdir(parents=True, exist_ok=True)
        fd, self.temp = tempfile.mkstemp(dir=store.root, prefix=TEMPORARY, suffix=".part")
        self.handle: BinaryIO = os.fdopen(fd, "wb")
        self._drop = weakref.finalize(self, _discard, self.handle, self.temp)
        self._write(BYTES)

    async def append(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            if isinstance(piece, StoredPart):
                self._copy(piece)
            else:
                self._write(piece)

    async def commit(self, key: str, mime: str | None, beside: list[Entry]) -> None:
        path = self.store.path_for(key)
        try:
            self.handle.flush()
            if self.store.durable:
                os.fsync(self.handle.fileno())
            self.handle.close()
            os.chmod(self.temp, FILE_MODE)
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.temp, path)
        except OSError as error:
            _raise_if_full(error, path)
            raise
        self._drop.detach()
        await self.store.put_many(beside)

    def _copy(self, part: StoredPart) -> None:
        expected = f"not {part.stored_size:,} bytes"
        try:
            source = open(self.store.path_for(part.key), "rb")  # noqa: SIM115 (closed below)
        except (FileNotFoundError, NotADirectoryError):
            raise PartMissingError(f"the stored part {part.key} holds nothing, {expected}") from None
        with source:
            if source.read(1) != BYTES:
                raise PartMissingError(f"the stored part {part.key} holds text, {expected}")
            stored = os.fstat(source.fileno()).st_size - 1
            if stored != part.stored_size or not part.valid():
                raise PartMissingError(f"the stored part {part.key} holds {stored:,} bytes, {expected}"
                                       + ("" if part.valid() else f" with {part.size:,} at {part.offset:,}"))
            source.seek(1 + part.offset)
            left = part.size
            while left and (chunk := source.read(min(COPY_BYTES, left))):
                self._write(chunk)
                left -= len(chunk)
        if left:
            raise PartMissingError(f"the stored part {part.key} ended {left:,} bytes early")

    def _write(self, data: bytes) -> None:
        try:
            self.handle.write(data)
        except OSError as error:
            _raise_if_full(error, self.store.root)
            raise


def _raise_if_full(error: OSError, where: Path) -> None:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        raise StorageFullError(f"the disk is full: a result under {where} could not be written") from error


def _discard(handle: BinaryIO, temp: str) -> None:
    with contextlib.suppress(OSError):
        handle.close()
    with contextlib.suppress(OSError):
        os.unlink(temp)


async def export_value(store: BlobStore, key: str, target: Path) -> bool:
    """Write the value under `key` to the file `target`, atomically (text as UTF-8); False, and
    nothing written, when the store has no such key. A FileBlobStore's value (also behind a wrapper
    with an `inner` store, as native/sources.py's) is copied a megabyte at a time, never read whole."""
    inner = getattr(store, "inner", store)
    if isinstance(inner, FileBlobStore):
        return inner.copy_value(key, target)
    value = await store.get(key)
    if value is None:
        return False
    write_atomically(target, value if isinstance(value, bytes) else value.encode("utf-8"))
    return True


class FileBlobStore:
    """Blobs under `root`. `durable=True` fsyncs every write (slower; survives a power cut, where
    without it a crash of the process still loses nothing that a call had returned)."""

    def __init__(self, root: str | os.PathLike, *, durable: bool = False):
        self.root = Path(root)
        self.durable = durable

    def path_for(self, key: str) -> Path:
        *dirs, name = key.split(":", 2)
        return self.root.joinpath(*map(_segment, dirs), _segment(name) + SUFFIX)

    async def get(self, key: str) -> Value | None:
        return self._read(self.path_for(key))

    async def get_range(self, key: str, start: int, end: int) -> tuple[int, bytes] | None:
        """See core.blobs.RangeStore: only those bytes are read from the file."""
        try:
            with open(self.path_for(key), "rb") as source:
                if source.read(1) != BYTES:
                    return None
                source.seek(1 + start)
                return os.fstat(source.fileno()).st_size - 1, source.read(max(0, end - start))
        except (FileNotFoundError, NotADirectoryError):
            return None

    def copy_value(self, key: str, target: Path) -> bool:
        """As export_value: the value's file copied into `target` (durably, then renamed), or False."""
        try:
            source = open(self.path_for(key), "rb")  # noqa: SIM115 (closed below)
        except (FileNotFoundError, NotADirectoryError):
            return False
        with source:
            source.read(1)  # the type byte: text is stored as its UTF-8
            write_atomically(target, iter(lambda: source.read(COPY_BYTES), b""))
        return True

    def writer(self) -> FileWriter:
        """A BlobWriter into this store that holds no value in memory (see FileWriter)."""
        return FileWriter(self)

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        self._write(key, value)

    async def put_many(self, entries: list[Entry]) -> None:
        for key, value, _ in entries:
            self._write(key, value)

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        return [self._read(self.path_for(key)) for key in keys]

    async def keys(self, prefix: str) -> list[str]:
        return self._keys(prefix)

    async def delete_prefix(self, prefix: str) -> None:
        for key in self._keys(prefix):
            with contextlib.suppress(FileNotFoundError):
                self.path_for(key).unlink()
        self._prune(prefix)

    async def delete_keys(self, keys: list[str]) -> None:
        """Delete exactly these keys (absent ones are ignored), then directories left empty."""
        emptied = set()
        for key in keys:
            path = self.path_for(key)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            emptied.add(path.parent)
        for directory in sorted(emptied, key=lambda path: -len(path.parts)):
            while directory != self.root and self.root in directory.parents:
                try:
                    directory.rmdir()
                except OSError:  # not empty (or gone): its parents are not empty either
                    break
                directory = directory.parent

    # ---------------------------------------------------------------------------------------

    def _write(self, key: str, value: Value) -> None:
        if isinstance(value, bytes | bytearray | memoryview):
            data = BYTES + bytes(value)
        elif isinstance(value, str):
            data = TEXT + value.encode("utf-8")
        else:
            raise TypeError(f"a blob store holds bytes or str, not {type(value).__name__}")
        write_atomically(self.path_for(key), data, durable=self.durable)

    @staticmethod
    def _read(path: Path) -> Value | None:
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return data[1:].decode("utf-8") if data[:1] == TEXT else data[1:]

    def _base(self, prefix: str) -> tuple[Path, list[str]]:
        """The deepest directory that holds every key starting with `prefix`, and its key segments."""
        segments = prefix.split(":", 2)[:-1]
        return self.root.joinpath(*map(_segment, segments)), segments

    def _keys(self, prefix: str) -> list[str]:
        base, segments = self._base(prefix)
        found = []
        for directory, _, files in os.walk(base):
            relative = Path(directory).relative_to(base).parts
            for name in files:
                if name.endswith(SUFFIX) and not name.startswith(TEMPORARY):
                    parts = segments + [_unsegment(p) for p in relative] + [_unsegment(name[: -len(SUFFIX)])]
                    key = ":".join(parts)
                    if key.startswith(prefix):
                        found.append(key)
        return sorted(found)

    def _prune(self, prefix: str) -> None:
        """Remove directories left empty under the prefix's base (best effort)."""
        base, _ = self._base(prefix)
        for directory, _, _ in sorted(os.walk(base), key=lambda entry: -len(entry[0])):
            with contextlib.suppress(OSError):
                os.rmdir(directory)


