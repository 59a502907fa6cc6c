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
import os
from pathlib import Path
from urllib.parse import quote, unquote

from dataflow.core.blobs import Entry, Value
from dataflow.native.atomic import write_atomically

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


