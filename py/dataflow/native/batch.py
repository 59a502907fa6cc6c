"""Which files a command line names, and the tasks they become: the kinds the command line runs
(PDF, JSON: the page's own ExecutorKinds), discovery of their files in folders, the task input (a
path reference, never the bytes), a task's identity for "skip what is done", and the output files
each task claims. Native ring; no I/O beyond stat and directory walks.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from dataflow.core import errors as core_errors
from dataflow.core.kinds import Download, ExecutorKind, KindRegistry, Options, StoredFile
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.json import output as json_output
from dataflow.executors.json.kind import JsonKind
from dataflow.executors.pdf import output as pdf_output
from dataflow.executors.pdf.kind import PdfKind
from dataflow.native.folder_walk import Scan, files_below
from dataflow.native.sources import path_file_id


def native_kinds() -> KindRegistry:
    """The kinds the command line and Temporal run, as the page describes them (files, options, errors)."""
    registry = KindRegistry()
    registry.register(PdfKind())
    registry.register(JsonKind())
    return registry


NATIVE = native_kinds()
KINDS = tuple(kind.kind for kind in NATIVE)
OptionsByKind = Mapping[str, Options]  # each kind's options (PdfOptions, JsonOptions), by kind name


def kind_of(name: str) -> str | None:
    """The kind that takes a file called `name`, by its extension (as the page's intake decides)."""
    kind = NATIVE.for_file(name, "")
    return kind.kind if kind is not None else None


def default_options() -> dict[str, Options]:
    return {kind.kind: kind.default_options() for kind in NATIVE}


def by_kind(options: Options | OptionsByKind) -> dict[str, Options]:
    """`options` by kind: a mapping as it is (defaults for the kinds it lacks), or one kind's options."""
    chosen = default_options()
    if isinstance(options, Mapping):
        chosen.update(options)
        return chosen
    for kind in NATIVE:
        if isinstance(options, type(kind.default_options())):
            chosen[kind.kind] = options
    return chosen


# The error types a task of each kind can fail with (what --non-retryable-error-types may name):
# the kind's own errors and the core's errors of workers, storage and secrets.
CORE_TASK_ERRORS: tuple[type[Exception], ...] = (
    core_errors.WorkerError, core_errors.WorkerTimeoutError, core_errors.WorkerRejectedError,
    core_errors.StorageFullError, core_errors.RetryAfterError, core_errors.InputMissingError,
    core_errors.InputUnreadableError, core_errors.SecretMissingError, core_errors.UnsupportedFileError,
)
ERRORS_BY_KIND: dict[str, tuple[type[Exception], ...]] = {kind.kind: kind.errors + CORE_TASK_ERRORS for kind in NATIVE}


def error_type_names(kind: str | None = None) -> set[str]:
    """The error type names tasks of `kind` (None: of any kind) can fail with."""
    kinds = [kind] if kind else list(ERRORS_BY_KIND)
    return {error.__name__ for name in kinds for error in ERRORS_BY_KIND.get(name, ())}


class UsageError(ValueError):
    """A command line that cannot be carried out (a missing file, an unknown kind)."""


def nothing_found(paths: list[str], notes: list[str]) -> UsageError:
    """The error when no file of a known kind was found in `paths`: that, then each note (a skipped
    loop or unreadable file) on a line of its own."""
    return UsageError("\n".join(["no files of a known kind were found in " + ", ".join(paths) + ".", *notes]))


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
    """The sources of `find_sources` (what it notes is left out)."""
    return find_sources(arguments, kind=kind).sources


@dataclass(frozen=True)
class Found:
    """The files a command line names, and lines for a person on what the search skipped (loops, then
    files and folders it could not read: `unreadable` of them)."""

    sources: list[Source]
    notes: list[str]
    unreadable: int = 0


def find_sources(arguments: list[str], *, kind: str | None = None) -> Found:
    """Every file named, and every file of a known kind inside the folders named, in a stable order.

    A named file's kind is `kind` when given, else its suffix's (.pdf; .json, .jsonl, .ndjson and
    the same as .zst); inside folders only files whose suffix names a kind (that kind, when given)
    are taken, and hidden files and folders (.git, a run's .dataflow state) and folders that hold
    another run's state (its --out) are skipped (`files_inside`). Links to folders and files are
    followed, each folder and file taken once; a link loop is skipped with a note, and so is a file
    or folder that cannot be read (permission denied, an I/O error: OSError). Raises UsageError for a
    path that does not exist, an unknown `kind`, or a named file whose kind is unclear."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}.")
    found: dict[Path, Source] = {}
    scan = Scan()
    for argument in arguments:
        try:
            _find(argument, kind, scan, found)
        except OSError as error:  # a named path that cannot be looked at (EACCES, ENAMETOOLONG, EIO)
            scan.cannot_read(argument, error)
        except RuntimeError:  # Path.resolve before Python 3.13 on a link loop
            raise UsageError(f"{argument}: a symbolic link that leads back to itself (a loop).") from None
    return Found(list(found.values()), scan.loops + scan.unreadable, len(scan.unreadable))


def _find(argument: str, kind: str | None, scan: Scan, found: dict[Path, Source]) -> None:
    """Add the sources `argument` names to `found` (see find_sources); OSError if it cannot be read."""
    path = Path(argument).resolve()
    if path.is_dir():
        for child in files_inside(path, scan, want=lambda name: _folder_kind(name, kind) is not None):
            try:
                found.setdefault(child, _source(child, _folder_kind(child.name, kind) or ""))
            except OSError as error:
                scan.cannot_read(child, error)
    elif path.is_file():
        file_kind = kind or kind_of(path.name)
        if file_kind is None:
            raise UsageError(f"{argument}: the kind of this file is not clear from its name; "
                             f"{NATIVE.accepted_label()} are processed here (--kind {'|'.join(KINDS)} "
                             "takes a file of another name as that kind).")
        if scan.take_file(str(path)):  # resolved: its real path
            found[path] = _source(path, file_kind)
    else:
        raise UsageError(f"{argument}: no such file or folder.")


def _folder_kind(name: str, kind: str | None) -> str | None:
    """The kind of a file called `name` in a folder: its suffix's, if that is `kind` (when given)."""
    found = kind_of(name)
    return found if kind in (None, found) else None


def files_inside(folder: Path, scan: Scan | None = None, *,
                 want: Callable[[str], bool] = lambda name: True) -> list[Path]:
    """The files below `folder` whose name `want`s (see folder_walk.files_below: links followed, each
    file once, loops noted in `scan`), sorted, without hidden files and folders (a name starting with
    ".") and without folders holding a run's state directory (another run's output folder)."""
    return files_below(folder, scan or Scan(), want=lambda path: want(path.name),
                       skip=lambda path: default_state_dir(path).is_dir())


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


def task_input(source: Source, options: Options) -> dict[str, Any]:
    """The page's task input of the source's kind (`options` are that kind's), plus where the file is
    and which version of it this is (size, mtime_ns, sha256: see `changed`)."""
    kind = _kind(source.kind)
    stored = StoredFile(path_file_id(source.path), source.path.name, source.size, "")
    data = dict(kind.task_input(stored, options))
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


def input_gone(task: TaskState) -> bool:
    """True for a task not completed whose input file is no longer where its input says (deleted,
    moved, an unmounted drive). A completed task's file does not matter: its result is out."""
    path = input_path(task.input)
    return task.status is not TaskStatus.COMPLETED and path is not None and not os.path.lexists(path)


def _kind(name: str) -> ExecutorKind[Any]:
    kind = NATIVE.get(name)
    if kind is None:
        raise UsageError(f"unknown kind {name!r}; known: {', '.join(KINDS)}.")
    return kind


def _name_parts(source: Source, options: Options) -> tuple[str, str]:
    """(stem, rest): the output name a task claims is stem + rest, and every file it writes starts
    with the stem (the page's download names). A PDF claims its result (`report.zip`); a JSON file
    claims its report (`data.json.report.json`), the one name known before the file is read (the data
    file's name depends on the records found: `data.clean.jsonl`)."""
    if source.kind == JsonKind.kind:
        base, stem = json_output.base_name(source.path.name), json_output.stem(source.path.name)
        rest = base[len(stem):] if base.startswith(stem) else ""
        return stem, rest + ".report.json"
    return pdf_output.stem(source.path.name), "." + str(options.to_dict()["format"])


STEM_MARK = "stem:"  # in a set of claimed names: a stem some task's files start with (see stem_claim)


def stem_claim(stem: str) -> str:
    """How a claimed stem is written among claimed names: every file of a task starts with its stem,
    so two tasks never share one (`data.json` and `data.jsonl` inspected would both write
    `data.inspect.json`; a PDF's `data.json` and a JSONL file's conversion too)."""
    return STEM_MARK + stem


def output_name(source: Source, options: Options, taken: set[str],
                foreign: Callable[[str], bool] = lambda name: False) -> str:
    """The result's own file name (as the page names downloads), made unique among `taken` (names and
    stem claims) and avoiding names for which `foreign(name)` is true (a file there that is not ours;
    it is asked about the name, and about the stem claim of a kind whose data file's name is not
    known before its run)."""
    base, rest = _name_parts(source, options)
    stem, number = base, 2
    while (f"{stem}{rest}" in taken or stem_claim(stem) in taken or foreign(f"{stem}{rest}")
           or (source.kind == JsonKind.kind and foreign(stem_claim(stem)))):
        stem, number = f"{base}-{number}", number + 1
    return f"{stem}{rest}"


def output_metadata(source: Source, options: Options, name: str) -> dict[str, Any]:
    """What a task's metadata records of its outputs: the name it claims, and the stem its files
    take instead of the page's (["report", "report-2"]) when that name was made unique."""
    stem, rest = _name_parts(source, options)
    return {"output": name, "stem": [stem, name[: len(name) - len(rest)]]}


def output_files(task: TaskState) -> list[tuple[Download, str]]:
    """A completed task's result files (the page's downloads: the data, then a JSON report) with the
    name each takes in the output folder: the download's, its stem as the task's metadata says."""
    kind = NATIVE.get(task.kind)
    if kind is None or not isinstance(task.result, dict):
        return []
    stem = task.metadata.get("stem")
    files = []
    for index, download in enumerate(kind.downloads(task)):
        name = download.filename
        if isinstance(stem, list) and len(stem) == 2 and name.startswith(str(stem[0])):
            name = str(stem[1]) + name[len(str(stem[0])):]
        elif index == 0 and task.metadata.get("output"):  # a record from before stems were kept
            name = str(task.metadata["output"])
        files.append((download, name))
    return files


def output_names(task: TaskState) -> list[str]:
    """The names in the output folder a task writes (completed) or claims (before its result)."""
    names = [name for _, name in output_files(task)]
    return names or ([str(task.metadata["output"])] if task.metadata.get("output") else [])


def stems_of(folder: Path) -> dict[str, list[str]]:
    """The files of `folder` (not its subfolders) by every stem they may start with: `a.b.json` under
    "a" and "a.b". Empty if the folder is missing."""
    found: dict[str, list[str]] = {}
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return found
    for name in names:
        for index, char in enumerate(name):
            if char == "." and index:
                found.setdefault(name[:index], []).append(name)
    return found


def claimed_names(tasks: list[TaskState]) -> set[str]:
    """The output names and the stem claims (see stem_claim) of `tasks`."""
    names = {name for task in tasks for name in output_names(task)}
    stems = {stem_claim(str(task.metadata["stem"][1])) for task in tasks
             if isinstance(task.metadata.get("stem"), list) and len(task.metadata["stem"]) == 2}
    return names | stems


def default_state_dir(out: str | os.PathLike) -> Path:
    return Path(out) / ".dataflow"
