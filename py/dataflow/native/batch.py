"""Which files a command line names, and the tasks they become: discovery of PDFs in folders,
the task input (a path reference, never the bytes), a task's identity for "skip what is done",
and the output file name each task claims. Native ring; no I/O beyond stat and directory walks.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataflow.core.model import TaskState
from dataflow.executors.pdf.executor import pdf_task_input
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.output import stem
from dataflow.native.sources import path_file_id

KIND_BY_SUFFIX = {".pdf": "pdf"}
KINDS = tuple(sorted(set(KIND_BY_SUFFIX.values())))


class UsageError(ValueError):
    """A command line that cannot be carried out (a missing file, an unknown kind)."""


@dataclass(frozen=True)
class Source:
    path: Path
    kind: str
    size: int
    mtime_ns: int


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
            if file_kind is None:
                raise UsageError(f"{argument}: the kind of this file is not clear from its name; "
                                 f"pass --kind ({', '.join(KINDS)}).")
            found.setdefault(path, _source(path, file_kind))
        else:
            raise UsageError(f"{argument}: no such file or folder.")
    return list(found.values())


def _source(path: Path, kind: str) -> Source:
    stat = path.stat()
    return Source(path=path, kind=kind, size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def task_input(source: Source, options: PdfOptions) -> dict[str, Any]:
    """The PDF task input of the page, plus where the file is and which version of it this is."""
    data = pdf_task_input(path_file_id(source.path), source.path.name, source.size, options)
    data["path"] = str(source.path)
    data["mtime_ns"] = source.mtime_ns
    return data


def identity(kind: str, data: Any) -> str:
    """Two tasks with the same identity do the same work: same file (path, size, time), kind, options."""
    if not isinstance(data, dict):
        return json.dumps([kind, data], sort_keys=True)
    keep = {k: data.get(k) for k in ("path", "size", "mtime_ns", "options")}
    return json.dumps([kind, keep], sort_keys=True)


def output_name(source: Source, options: PdfOptions, taken: set[str]) -> str:
    """The result's own file name (as the page names downloads), made unique among `taken`."""
    base, extension = stem(source.path.name), options.format
    name, number = f"{base}.{extension}", 2
    while name in taken:
        name, number = f"{base}-{number}.{extension}", number + 1
    return name


def claimed_names(tasks: list[TaskState]) -> set[str]:
    return {str(task.metadata["output"]) for task in tasks if task.metadata.get("output")}


def default_state_dir(out: str | os.PathLike) -> Path:
    return Path(out) / ".dataflow"
