"""Where the PDF service keeps files, per-page parts and results: an async key-value store of
bytes or strings. In the app it is IndexedDB (`dataflow.browser.blob_store`), in tests a dict.
It also owns the PDF kind's key scheme and which keys a task still needs (for the janitor).
Standard library and the core only."""

from __future__ import annotations

from typing import Protocol

from dataflow.core.blob_sweep import BlobClaims, born_of_id, stamped_id
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus

Value = bytes | str


def file_key(file_id: str) -> str:
    return f"file:{file_id}"


def result_key(task_id: str) -> str:
    return f"result:{task_id}"


def parts_prefix(task_id: str) -> str:
    return f"part:{task_id}:"


class BlobStore(Protocol):
    async def get(self, key: str) -> Value | None:
        """The stored value, or None."""

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        """Store `value` under `key` (replacing what was there)."""

    async def put_many(self, entries: list[tuple[str, Value, str | None]]) -> None:
        """Store several (key, value, mime) at once: in IndexedDB, one transaction instead of many."""

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        """The values of several keys at once, in order (None where there is none)."""

    async def keys(self, prefix: str) -> list[str]:
        """Every key that starts with `prefix`, sorted."""

    async def delete_prefix(self, prefix: str) -> None:
        """Delete every key that starts with `prefix` (a full key deletes that one entry)."""

    async def delete_keys(self, keys: list[str]) -> None:
        """Delete exactly these keys (absent ones are ignored): in IndexedDB, one transaction."""


class MemoryBlobStore:
    """The in-memory twin of the IndexedDB store."""

    def __init__(self) -> None:
        self.data: dict[str, Value] = {}
        self.calls = 0  # store calls made: in the app each is one IndexedDB transaction

    async def get(self, key: str) -> Value | None:
        self.calls += 1
        return self.data.get(key)

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        self.calls += 1
        self._set(key, value)

    async def put_many(self, entries: list[tuple[str, Value, str | None]]) -> None:
        self.calls += 1
        for key, value, _ in entries:
            self._set(key, value)

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        self.calls += 1
        return [self.data.get(key) for key in keys]

    async def keys(self, prefix: str) -> list[str]:
        self.calls += 1
        return sorted(key for key in self.data if key.startswith(prefix))

    async def delete_prefix(self, prefix: str) -> None:
        self.calls += 1
        for key in [key for key in self.data if key.startswith(prefix)]:
            del self.data[key]

    async def delete_keys(self, keys: list[str]) -> None:
        self.calls += 1
        for key in keys:
            self.data.pop(key, None)

    def _set(self, key: str, value: Value) -> None:
        if not isinstance(value, (bytes, str)):
            raise TypeError(f"a blob store holds bytes or str, not {type(value).__name__}")
        self.data[key] = value


# Keys of a run's result, and what a PDF task still needs ------------------------------------

def run_result_key(task_id: str, run: str) -> str:
    """The result of one run of a task: a new run never overwrites a result another run wrote."""
    return f"{results_prefix(task_id)}:{run}"


def results_prefix(task_id: str) -> str:
    """Every result of a task, the per-run ones and the single one of older versions."""
    return result_key(task_id)


def summary_key(result: str) -> str:
    """Where the summary of a stored result (its finish's return value) is kept, beside it."""
    return f"{result}:summary"


def new_file_id(now: float) -> str:
    """The id of a file being added: it carries its birth time, so the janitor spares it while young."""
    return stamped_id(now)


def pdf_blob_claims(task: TaskState) -> BlobClaims | None:
    """The blobs a PDF task still needs: its file; while unfinished its parts and any result of its
    runs (a resumed finish may reuse one); once completed only the result its record names. None for
    other kinds."""
    if task.kind != "pdf":
        return None
    task_input = task.input if isinstance(task.input, dict) else {}
    keys = {file_key(str(task_input["file_id"]))} if task_input.get("file_id") else set()
    if task.status is not TaskStatus.COMPLETED:
        return BlobClaims(frozenset(keys), (parts_prefix(task.id), results_prefix(task.id)))
    result = task.result if isinstance(task.result, dict) else {}
    named = str(result.get("result_key") or result_key(task.id))
    return BlobClaims(frozenset(keys | {named}), (summary_key(named),))


def pdf_blob_born(key: str) -> float | None:
    """The birth time of a file blob from its id (None for other keys and older ids)."""
    prefix = file_key("")
    return born_of_id(key[len(prefix):]) if key.startswith(prefix) else None
