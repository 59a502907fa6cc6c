"""Which files a command line names, and the tasks they become: discovery of PDFs in folders,
the task input (a path reference, never the bytes), a task's identity for "skip what is done",
and the output file name each task claims. Native ring; no I/O beyond stat and directory walks.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from dataflow.core import errors as core_errors
from dataflow.core.model import TaskState
from dataflow.executors.pdf.errors import PDF_ERRORS
from dataflow.executors.pdf.executor import pdf_task_input
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.output import stem
from dataflow.native.sources import path_file_id

KIND_BY_SUFFIX = {".pdf": "pdf"}
KINDS = tuple(sorted(set(KIND_BY_SUFFIX.values())))
# Files the page takes but the command line does not yet (issue 15: the JSON executor's host wiring)
NOT_YET = {suffix: "JSON" for suffix in (".json", ".jsonl", ".ndjson", ".zst")}


# The error types a task of each kind can fail with (what --non-retryable-error-types may name):
# the kind's own errors and the core's errors of workers, storage and secrets.
CORE_TASK_ERRORS: tuple[type[Exception], ...] = (
    core_errors.WorkerError, core_errors.WorkerTimeoutError, core_errors.WorkerRejectedError,
    core_errors.StorageFullError, core_errors.RetryAfterError, core_errors.InputMissingError,
    core_errors.SecretMissingError, core_errors.UnsupportedFileError,
)
ERRORS_BY_KIND: dict[str, tuple[type[Exception], ...]] = {"pdf": PDF_ERRORS + CORE_TASK_ERRORS}


def error_type_names(kind: str | None = None) -> set[str]:
    """The error type names tasks of `kind` (None: of any kind) can fail with."""
    kinds = [kind] if kind else list(ERRORS_BY_KIND)
    return {error.__name__ for name in kinds for error in ERRORS_BY_KIND.get(name, ())}


class UsageError(ValueError):
    """A command line that cannot be carried out (a missing file, an unknown kind)."""


HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """A file as found: where, which kind, and its version (size, modification time, content hash)."""

    path: Path
    kind: str
    size: int
    mtime_ns: int

    @cached_property
    def sha256(self) -> str:
        """The content's SHA-256 (hex), read once in 1 MiB chunks when first asked for."""
        return file_sha256(self.path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def discover(arguments: list[str], *, kind: str | None = None) -> list[Source]:
    """Every file named, and every file of a known kind inside the folders named, in a stable order.

    A named file's kind comes from its suffix, else from `kind`; inside folders only files whose
    suffix names a kind (that kind, when given) are taken. Raises UsageError for a path that does
    not exist, an unknown `kind`, or a named file whose kind is unclear."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}.")
    found: dict[Path, Source] = {}
    for argument in arguments:
        path = Path(argument).resolve()
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                child_kind = KIND_BY_SUFFIX.get(child.suffix.lower())
                if child_kind is not None and kind in (None, child_kind):
                    found.setdefault(child, _source(child, child_kind))
        elif path.is_file():
            file_kind = KIND_BY_SUFFIX.get(path.suffix.lower()) or kind
            if file_kind is None and path.suffix.lower() in NOT_YET:
                raise UsageError(f"{argument}: {NOT_YET[path.suffix.lower()]} files are processed by the page's "
                                 "JSON workbench, not yet by the command line (it runs PDF files).")
            if file_kind is None:
                raise UsageError(f"{argument}: the kind of this file is not clear from its name; only "
                                 f"{', '.join(KINDS)} files are processed here (--kind {'|'.join(KINDS)} "
                                 "takes a file of another name as that kind).")
            found.setdefault(path, _source(path, file_kind))
        else:
            raise UsageError(f"{argument}: no such file or folder.")
    return list(found.values())


def _source(path: Path, kind: str) -> Source:
    stat = path.stat()
    return Source(path=path, kind=kind, size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def source_of(data: Any, kind: str) -> Source | None:
    """The file a task's input names, as it is on disk now; None if the input names none or it is gone."""
    path = data.get("path") if isinstance(data, dict) else None
    if not path:
        return None
    try:
        return _source(Path(path), kind)
    except OSError:
        return None


def task_input(source: Source, options: PdfOptions) -> dict[str, Any]:
    """The PDF task input of the page, plus where the file is and which version of it this is
    (size, mtime_ns, sha256: see `changed`)."""
    data = pdf_task_input(path_file_id(source.path), source.path.name, source.size, options)
    data["path"] = str(source.path)
    data["mtime_ns"] = source.mtime_ns
    data["sha256"] = source.sha256
    return data


def changed(data: Any, source: Source, *, check_content: bool) -> str | None:
    """How the file differs from the version a task's input recorded, or None if it is the same.

    A different size is a change; so is a different modification time unless the content hash is
    the same (a `touch`). With `check_content` (a task that has begun: its parts come from the
    recorded version) the hash is compared even when size and time agree."""
    if not isinstance(data, dict):
        return None
    if data.get("size") != source.size:
        return f"its size went from {data.get('size')} to {source.size} bytes"
    if data.get("mtime_ns") == source.mtime_ns and not check_content:
        return None
    recorded = data.get("sha256")
    if recorded is None:  # a record from before hashes were kept: the time is all we know
        return None if data.get("mtime_ns") == source.mtime_ns else "it was modified"
    return None if recorded == source.sha256 else "its content changed"


def same_work(kind: str, data: Any, other_kind: str, other: Any) -> bool:
    """Same kind and options (the file is compared by `changed`)."""
    options = data.get("options") if isinstance(data, dict) else data
    other_options = other.get("options") if isinstance(other, dict) else other
    return kind == other_kind and json.dumps(options, sort_keys=True) == json.dumps(other_options, sort_keys=True)


def input_path(data: Any) -> str | None:
    return str(data["path"]) if isinstance(data, dict) and data.get("path") else None


def output_name(source: Source, options: PdfOptions, taken: set[str],
                foreign: Callable[[str], bool] = lambda name: False) -> str:
    """The result's own file name (as the page names downloads), made unique among `taken` and
    avoiding names for which `foreign(name)` is true (a file there that is not ours)."""
    base, extension = stem(source.path.name), options.format
    name, number = f"{base}.{extension}", 2
    while name in taken or foreign(name):
        name, number = f"{base}-{number}.{extension}", number + 1
    return name


def claimed_names(tasks: list[TaskState]) -> set[str]:
    return {str(task.metadata["output"]) for task in tasks if task.metadata.get("output")}


def default_state_dir(out: str | os.PathLike) -> Path:
    return Path(out) / ".dataflow"
