"""The core's Storage over a directory: one JSON file per key, written atomically.

A key such as ``dataflow.task.<id>`` becomes the file ``dataflow.task.<id>.json`` (characters
that a file name cannot hold are %-escaped), and its content is exactly the string the page keeps
in localStorage under that key, so a record moves between the two unchanged. Native ring.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

from dataflow.core.errors import StorageFullError
from dataflow.core.persistence import BACKUP_PREFIX
from dataflow.native.atomic import write_atomically

SUFFIX = ".json"
EMPTY = "%00"  # the empty key (a NUL cannot be part of a real key's name)


def file_name_for(key: str) -> str:
    """A file name for `key` that round-trips through `key_for` (no "/", no leading dot)."""
    name = quote(key, safe="-_.~@+=,") or EMPTY
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name + SUFFIX


def key_for(file_name: str) -> str | None:
    if not file_name.endswith(SUFFIX) or file_name.startswith("."):
        return None
    name = file_name[: -len(SUFFIX)]
    return "" if name == EMPTY else unquote(name)


class FileStorage:
    """Storage in `directory` (created on first write). `quota` in characters, as localStorage counts.

    Writes are atomic (temp file + os.replace) and fsynced unless `durable=False`; a full disk or
    the quota raises StorageFullError and leaves the old value in place.
    """

    def __init__(self, directory: str | os.PathLike, *, quota: int | None = None, durable: bool = True):
        self.directory = Path(directory)
        self.quota = quota
        self.durable = durable

    def get(self, key: str) -> str | None:
        try:
            return (self.directory / file_name_for(key)).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def set(self, key: str, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"storage holds strings, not {type(value).__name__}")
        if self.quota is not None:
            used = sum(len(k) + len(self.get(k) or "") for k in self.keys() if k != key)
            if used + len(key) + len(value) > self.quota:
                raise StorageFullError(f"storage quota of {self.quota} characters exceeded")
        write_atomically(self.directory / file_name_for(key), value.encode("utf-8"), durable=self.durable)

    def remove(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.directory / file_name_for(key)).unlink()

    def keys(self) -> list[str]:
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        return [key for key in map(key_for, names) if key is not None]


_SET_ASIDE = re.compile(r"A saved task could not be read \((?P<why>.*)\); it was set aside as '(?P<backup>[^']+)'\.")


def file_path_warning(message: str, directory: Path) -> str:
    """The core's "set aside" warning (it names storage keys) told with this directory's file names."""
    match = _SET_ASIDE.fullmatch(message)
    if match is None or not match["backup"].startswith(BACKUP_PREFIX):
        return message
    backup = match["backup"]
    original = directory / file_name_for(backup[len(BACKUP_PREFIX):])
    return (f"The task record {original} could not be read ({match['why']}); it was moved to "
            f"{directory / file_name_for(backup)} and that task is left out: a `dataflow run` that names its "
            "file processes it again, into the output this state directory wrote for it.")


def read_only_warning(message: str, directory: Path) -> str:
    """The core's "set aside" warning as a read-only load (`dataflow status`) must tell it: nothing moved."""
    match = _SET_ASIDE.fullmatch(message)
    if match is None or not match["backup"].startswith(BACKUP_PREFIX):
        return message
    original = directory / file_name_for(match["backup"][len(BACKUP_PREFIX):])
    return (f"The task record {original} could not be read ({match['why']}); it is left as it is and not listed "
            "(the next `dataflow run` moves it aside and processes its file again).")


class ReadOnlyStorage:
    """A storage's reads; writes and removals are dropped (a read-only command moves nothing)."""

    def __init__(self, storage: FileStorage):
        self.storage = storage

    def get(self, key: str) -> str | None:
        return self.storage.get(key)

    def set(self, key: str, value: str) -> None:
        pass

    def remove(self, key: str) -> None:
        pass

    def keys(self) -> list[str]:
        return self.storage.keys()
