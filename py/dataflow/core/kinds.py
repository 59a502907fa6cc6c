"""How an executor describes itself to the generic app: an ExecutorKind per kind of task, and the
registry the app builds its intake, options and row texts from.

A kind names itself, says which files it takes, parses and validates its options (a frozen
dataclass with defaults), builds a task's input from a stored file, lists the blobs a task owns
(removal deletes them), summarises a result (or how far a cancelled task got) for its row, says
where its result files are, and which of its errors need something from the user (a secret such as
a password). Standard library only: nothing here knows any particular kind.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.blobs import file_key, parts_prefix, task_blobs
from dataflow.core.errors import FileNotSavedError, SecretMissingError, UnsupportedFileError, secret_missing_message
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.core.text import display_name
from dataflow.core.views import ResultSource, ResultView

JSON = Any


class Options(Protocol):
    """A kind's options: a frozen dataclass whose `to_dict()` is JSON."""

    def to_dict(self) -> dict[str, JSON]: ...


OptionsT = TypeVar("OptionsT", bound=Options)


@dataclass(frozen=True)
class Accepts:
    """The files a kind takes: by MIME type or by extension (lower case, with the dot).
    `label` names them for people, e.g. "CSV files (.csv)"."""

    mime_types: tuple[str, ...]
    extensions: tuple[str, ...]
    label: str

    def matches(self, name: str, mime: str) -> bool:
        """True if a file called `name` of type `mime` (may be empty) is one of these."""
        lowered = name.lower()
        return mime.lower() in self.mime_types or any(lowered.endswith(ext) for ext in self.extensions)


@dataclass(frozen=True)
class SecretPrompt:
    """A secret a kind may need from the user: `name` is its key in `ctx.secrets`; the row asks for
    it with `label` and `placeholder` and a `submit` button when the task failed with one of `errors`
    (error type names) or lacks it after a reload."""

    name: str
    label: str
    placeholder: str
    submit: str
    errors: frozenset[str] = field(default_factory=frozenset)

    @property
    def noun(self) -> str:
        """The label inside a sentence: "Password" -> "password"; "API key" keeps its capitals."""
        return self.label if self.label[:2].isupper() else self.label[:1].lower() + self.label[1:]

    def missing_message(self) -> str:
        """What a task that lost this secret in a reload says, in the label's words."""
        return secret_missing_message(self.noun)


@dataclass(frozen=True)
class OptionField:
    """One control of a kind's options form: `name` is the key in the options' `to_dict()`. With
    `choices` ((value, label) pairs) it is a list to pick from; with `text` "line" a text field,
    "lines" a multi-line text field (empty text means None, the option's default); else a whole
    number from `minimum` to `maximum`. `hint` is the text field's placeholder."""

    name: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = 0
    maximum: int | None = None
    text: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        if self.text not in ("", "line", "lines"):
            raise ValueError(f"an option field's text is 'line', 'lines' or empty; got {self.text!r}")

    @property
    def control(self) -> str:
        """The form control: "select", "text", "textarea" or "number"."""
        if self.choices:
            return "select"
        return {"line": "text", "lines": "textarea"}.get(self.text, "number")

    def message(self) -> str:
        """What a whole-number field asks for, e.g. "Maximum images: enter a whole number from 0 to 10,000."."""
        if self.minimum is not None and self.maximum is not None:
            wanted = f"from {self.minimum:,} to {self.maximum:,}"
        elif self.minimum is not None:
            wanted = f"of at least {self.minimum:,}"
        else:
            wanted = f"of at most {self.maximum:,}" if self.maximum is not None else ""
        return f"{self.label}: enter a whole number {wanted}".rstrip() + "."

    def parse(self, raw: str) -> JSON:
        """The option's value from its control's text: a choice as it is, text as it is (None when
        empty or blank), a whole number within the bounds. Raises ValueError with `message()` for a
        number that is empty, not whole or out of range (nothing is saved then)."""
        if self.control == "select":
            return raw
        if self.control in ("text", "textarea"):
            return raw if raw.strip() else None
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(self.message()) from None
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise ValueError(self.message())
        return value


@dataclass(frozen=True)
class Derivation:
    """A row action a kind offers on completed tasks of the kinds in `sources` (its own among them
    if it likes): its button, labelled `label` (or what `ExecutorKind.offer` says for that task),
    makes a task of this kind from that task's result (`derive`)."""

    label: str
    sources: frozenset[str]


@dataclass(frozen=True)
class DerivedFile:
    """The file `derive` made for the new task, stored like a file the user added, and the options
    (JSON) of that task (None: the user's current ones); `task_name` names its row when that should
    differ from the file's name (a retry's round), "" when not."""

    name: str
    data: bytes
    mime: str
    options: Mapping[str, JSON] | None = None
    task_name: str = ""


@dataclass(frozen=True)
class StoredFile:
    """A file the page put in the blob store under `file_key(file_id)`; `size` in bytes."""

    file_id: str
    name: str
    size: int
    mime: str


@dataclass(frozen=True)
class Download:
    """Where one result file of a completed task is, the name to save it under, and the label of its
    row button ("Download", "Download report")."""

    key: str
    filename: str
    label: str = "Download"


@dataclass(frozen=True)
class Companion:
    """A second result file a kind's results may name (a report, a summary): the result's fields
    holding its blob key (`key`) and file name (`filename`, else `default`), and its button's label."""

    key: str
    filename: str
    default: str
    label: str


class ExecutorKind(Generic[OptionsT]):
    """The description of one kind of task. Subclasses set the class attributes and implement
    `parse_options` and `task_input`; the other methods have generic defaults."""

    kind: str = ""
    noun: str = ""  # what the kind works on, for messages: "CSV file"
    accepts: Accepts = Accepts((), (), "")
    secret: SecretPrompt | None = None
    errors: tuple[type[Exception], ...] = ()  # its error classes, for the worker error registry
    form: tuple[OptionField, ...] = ()  # the options form the page builds for it
    derivation: Derivation | None = None  # the action it offers on other kinds' completed rows
    companion: Companion | None = None  # a second result file beside the main one

    def parse_options(self, data: Mapping[str, JSON] | None) -> OptionsT:
        """Options from JSON (missing fields take defaults); raise ValueError for invalid values."""
        raise NotImplementedError

    def default_options(self) -> OptionsT:
        """The options a user who chose nothing gets."""
        return self.parse_options(None)

    def max_file_bytes(self, options: OptionsT) -> int | None:
        """The largest file worth storing, in bytes (None: no limit). A larger file is not copied;
        its task fails with the reason."""
        return None

    def task_input(self, file: StoredFile, options: OptionsT) -> JSON:
        """The JSON input of a task for a stored file: a reference, never the bytes."""
        raise NotImplementedError

    def owned_blobs(self, task: TaskState) -> list[str]:
        """Key prefixes of everything the task stored. By default: its file (`file_id` of its input
        or metadata), its result and its parts."""
        owned = task_blobs(task.id)
        for source in (task.input, task.metadata):
            if isinstance(source, dict) and source.get("file_id"):
                owned.append(file_key(str(source["file_id"])))
                break
        return owned

    def blob_claims(self, task: TaskState) -> BlobClaims | None:
        """The blobs the task still needs (the janitor deletes the rest, and all of a removed task's).
        By default every blob it owns, but once completed no longer its parts."""
        owned = self.owned_blobs(task)
        if task.status is TaskStatus.COMPLETED:
            owned = [prefix for prefix in owned if prefix != parts_prefix(task.id)]
        return BlobClaims(prefixes=tuple(owned))

    def summary(self, result: JSON) -> str:
        """One line for a completed task's row."""
        return ""

    def cancelled_summary(self, task: TaskState) -> str:
        """One line for a cancelled task's row: how far it got (from its checkpoint, say); "" for
        nothing to say."""
        return ""

    def waiting_summary(self, task: TaskState) -> str:
        """One line for the row of a task that waits for its secret (`needs_secret`): how far it got
        before it stopped, as `cancelled_summary` says it; "" for nothing to say."""
        return ""

    def download(self, task: TaskState) -> Download | None:
        """The result file of a completed task, if it has one (`result_key` and `filename`)."""
        result = task.result if isinstance(task.result, dict) else {}
        if not result.get("result_key"):
            return None
        return Download(str(result["result_key"]), str(result.get("filename") or task.name))

    def downloads(self, task: TaskState) -> list[Download]:
        """Every result file of a completed task, the main one first (the row offers one button
        each). By default the one `download` names, if any, then the `companion` its result names."""
        main = self.download(task)
        if main is None:
            return []
        result, extra = task.result if isinstance(task.result, dict) else {}, self.companion
        if extra is None or not result.get(extra.key):
            return [main]
        return [main, Download(str(result[extra.key]), str(result.get(extra.filename) or extra.default), extra.label)]

    def has_view(self, task: TaskState) -> bool:
        """True if the page can show this completed task's result (its row offers *View*)."""
        return False

    async def view(self, task: TaskState, source: ResultSource) -> ResultView:
        """What the viewer shows of the task's result, read lazily from `source` (the stored result
        file). Raises ValueError (or ZipFormatError) with a clear message when it cannot be shown."""
        raise ValueError(f"{self.noun or self.kind} results have no viewer yet")

    def offer(self, task: TaskState) -> str:
        """The label of the button this kind offers on completed `task` ("" for none): by default
        `derivation.label` for a task of one of its sources. A kind may name a count ("Retry 3 failed
        records") or offer nothing for some results."""
        derivation = self.derivation
        return derivation.label if derivation is not None and task.kind in derivation.sources else ""

    async def derive(self, task: TaskState, view: ResultView, options: OptionsT,
                     source: ResultSource | None = None) -> DerivedFile:
        """The input file of a new task of this kind made from completed `task` (of a kind in
        `derivation.sources`), read from `view` (what its kind's viewer shows) or from `source` (its
        stored result file). ValueError with a plain message when that result holds nothing to work on."""
        raise ValueError(f"{self.noun or self.kind} tasks cannot be made from other tasks")

    def needs_secret(self, task: TaskState, missing_error: str = SecretMissingError.__name__) -> SecretPrompt | None:
        """The secret this failed task waits for, or None."""
        if self.secret is None or task.error is None:
            return None
        if task.error.type in self.secret.errors or task.error.type == missing_error:
            return self.secret
        return None


class KindRegistry:
    """The kinds this app runs, in the order they were registered."""

    def __init__(self) -> None:
        self._kinds: dict[str, ExecutorKind[Any]] = {}

    def register(self, kind: ExecutorKind[Any]) -> None:
        """Add `kind`; ValueError if it has no name or its name is taken."""
        if not kind.kind:
            raise ValueError(f"{type(kind).__name__} has no kind name")
        if kind.kind in self._kinds:
            raise ValueError(f"a kind named {kind.kind!r} is already registered")
        self._kinds[kind.kind] = kind

    def __iter__(self) -> Iterator[ExecutorKind[Any]]:
        return iter(self._kinds.values())

    def __len__(self) -> int:
        return len(self._kinds)

    def get(self, kind: str) -> ExecutorKind[Any] | None:
        """The kind registered under this name, or None."""
        return self._kinds.get(kind)

    def claims(self, task: TaskState) -> BlobClaims | None:
        """The blobs `task` still needs, by its kind; nothing for a file refused (FILE_REFUSALS); None for a
        kind this app does not run (then the janitor deletes nothing: see core/blob_sweep.py)."""
        if task.kind in FILE_REFUSALS:
            return BlobClaims()
        kind = self._kinds.get(task.kind)
        return kind.blob_claims(task) if kind is not None else None

    def derivations(self, task: TaskState) -> list[ExecutorKind[Any]]:
        """The kinds that offer to make a task from `task` (completed, with a viewable result): their
        `offer(task)` is the button's label."""
        source = self._kinds.get(task.kind)
        if task.status is not TaskStatus.COMPLETED or source is None or not source.has_view(task):
            return []
        return [kind for kind in self._kinds.values() if kind.offer(task)]

    def for_file(self, name: str, mime: str) -> ExecutorKind[Any] | None:
        """The first kind that takes this file, or None."""
        return next((kind for kind in self._kinds.values() if kind.accepts.matches(name, mime)), None)

    def accepted_label(self) -> str:
        """Which files the app takes, for people: "CSV files (.csv) or JSON files (.json)"."""
        labels = [kind.accepts.label for kind in self._kinds.values()
                  if kind.accepts.mime_types or kind.accepts.extensions]
        return " or ".join(labels) or "no files (no kinds are registered)"  # a kind with its own input is left out

    def intake_title(self) -> str:
        """The heading of the intake for people, each kind's noun: "Add images, CSV files or spreadsheets"."""
        nouns = [f"{kind.noun}s" for kind in self._kinds.values() if kind.noun]
        if not nouns:
            return "Add files"
        return "Add " + (f"{', '.join(nouns[:-1])} or {nouns[-1]}" if len(nouns) > 1 else nouns[0])

    def accept_attribute(self) -> str:
        """The value of an `<input type=file accept=...>` for every registered kind."""
        seen: list[str] = []
        for kind in self._kinds.values():
            seen += [item for item in (*kind.accepts.mime_types, *kind.accepts.extensions) if item not in seen]
        return ",".join(seen)


UNSUPPORTED = "unsupported"  # the kind of the task a file no kind takes becomes
UNSAVED = "unsaved"  # the kind of the task a file becomes whose bytes were not stored before a reload
FILE_REFUSALS = frozenset({UNSUPPORTED, UNSAVED})  # their tasks fail at once: nothing to retry, only to remove


def unsupported_input(file_name: str, accepted: str) -> dict[str, str]:
    """The input of the task that says a file is not taken: its name and which files are (the name as
    text.display_name shows it: no bidirectional control reorders the message)."""
    return {"file_name": file_name, "message": f"{display_name(file_name)} is not a file this app can process. "
                                               f"It takes {accepted}."}


async def refuse_unsupported(input: dict[str, str], ctx: Any) -> None:  # noqa: A002 - the executor API's name
    """The executor of UNSUPPORTED tasks: fails at once with the message of the input."""
    raise UnsupportedFileError(str(input.get("message") or "This file is not one this app can process."))


def unsaved_input(file_name: str) -> dict[str, str]:
    """The input of the task that says a file's bytes were not stored before the page was reloaded
    (the name as text.display_name shows it)."""
    return {"file_name": file_name,
            "message": f"{display_name(file_name)} was not saved before the page was reloaded; add it again."}


async def refuse_unsaved(input: dict[str, str], ctx: Any) -> None:  # noqa: A002 - the executor API's name
    """The executor of UNSAVED tasks: fails at once (FileNotSavedError) with the message of the input."""
    raise FileNotSavedError(str(input.get("message") or "This file was not saved before the page was reloaded; "
                                                        "add it again."))
