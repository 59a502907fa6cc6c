"""Durable per-record answers: each record's outcome is stored in the blob store as it arrives,
so a resumed task sends only records without one (the API is paid once). Standard library only.

Keys: `part:<task>:answer:<index, 7 digits>`; values are JSON `Outcome`s. A record still being
retried keeps its `Tries` (attempts so far, their usage, the pending retry note) under
`part:<task>:tries:<index>`, written before each retry is sent, so its attempt budget holds across
task-level waits, new task attempts and reloads. The result files are
`result:<task>` (JSONL or JSON) and `result:<task>:summary.md`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dataflow.core.blobs import BlobStore, parts_prefix, result_key
from dataflow.executors.llm.usage import Usage

VERSION = 1


@dataclass(frozen=True)
class Outcome:
    """What one record got: its `answer` (the model's JSON) or its `error` (a plain reason), whether
    its text was cut (and its length before), and the usage of every request made for it."""

    index: int
    answer: dict[str, Any] | None = None
    error: str | None = None
    truncated: bool = False
    original_chars: int = 0
    sent_chars: int = 0
    usage: Usage = field(default_factory=Usage)

    def to_json(self) -> str:
        return json.dumps({"v": VERSION, "index": self.index, "answer": self.answer, "error": self.error,
                           "truncated": self.truncated, "original_chars": self.original_chars,
                           "sent_chars": self.sent_chars, "usage": self.usage.to_dict()},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Outcome:
        """Raises ValueError for a value that is not a stored outcome."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("index"), int):
            raise ValueError("not a stored answer")
        return cls(index=data["index"], answer=data.get("answer"), error=data.get("error"),
                   truncated=bool(data.get("truncated")), original_chars=int(data.get("original_chars") or 0),
                   sent_chars=int(data.get("sent_chars") or 0), usage=Usage.from_dict(data.get("usage")))


@dataclass(frozen=True)
class Tries:
    """A record's requests so far, before its outcome: `attempts` counts every request sent (the
    budget is `max_attempts`), `usage` their usage, `note` the retry note for a non-JSON answer
    (None until one came) and `last` the reason the last answered request failed."""

    index: int
    attempts: int = 0
    usage: Usage = field(default_factory=Usage)
    note: str | None = None
    last: str = ""

    def to_json(self) -> str:
        return json.dumps({"v": VERSION, "index": self.index, "attempts": self.attempts, "note": self.note,
                           "last": self.last, "usage": self.usage.to_dict()}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> Tries:
        """Raises ValueError for a value that is not a record's stored tries."""
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("index"), int):
            raise ValueError("not a record's stored tries")
        note = data.get("note")
        return cls(index=data["index"], attempts=int(data.get("attempts") or 0),
                   usage=Usage.from_dict(data.get("usage")), note=note if isinstance(note, str) else None,
                   last=str(data.get("last") or ""))


def answers_prefix(task_id: str) -> str:
    return f"{parts_prefix(task_id)}answer:"


def answer_key(task_id: str, index: int) -> str:
    return f"{answers_prefix(task_id)}{index:07d}"


def tries_prefix(task_id: str) -> str:
    return f"{parts_prefix(task_id)}tries:"


def tries_key(task_id: str, index: int) -> str:
    return f"{tries_prefix(task_id)}{index:07d}"


def summary_key(task_id: str) -> str:
    return f"{result_key(task_id)}:summary.md"


class AnswerStore:
    """The answers of one task in a BlobStore."""

    def __init__(self, blobs: BlobStore, task_id: str):
        self.blobs, self.task_id = blobs, task_id

    async def put(self, outcome: Outcome) -> None:
        await self.blobs.put(answer_key(self.task_id, outcome.index), outcome.to_json(), "application/json")

    async def done(self) -> set[int]:
        """Indices of records with a stored outcome."""
        prefix = answers_prefix(self.task_id)
        return {int(key[len(prefix):]) for key in await self.blobs.keys(prefix) if key[len(prefix):].isdigit()}

    async def load(self, count: int) -> list[Outcome | None]:
        """The outcomes of records 0..count-1 (None where none is stored or it is unreadable)."""
        indices = sorted(index for index in await self.done() if index < count)  # a fresh task: none
        values = await self.blobs.get_many([answer_key(self.task_id, index) for index in indices])
        outcomes: list[Outcome | None] = [None] * count
        for index, value in zip(indices, values, strict=True):
            try:
                outcomes[index] = Outcome.from_json(value) if value is not None else None
            except ValueError:
                outcomes[index] = None
        return outcomes

    async def clear(self) -> None:
        """Forget every stored answer and try, so the task's next attempt sends every record again."""
        await self.blobs.delete_prefix(answers_prefix(self.task_id))
        await self.blobs.delete_prefix(tries_prefix(self.task_id))

    async def put_tries(self, tries: Tries) -> None:
        await self.blobs.put(tries_key(self.task_id, tries.index), tries.to_json(), "application/json")

    async def load_tries(self) -> dict[int, Tries]:
        """The stored tries of every record that has some (unreadable ones are left out: that record
        starts its count again, as before this was stored)."""
        prefix = tries_prefix(self.task_id)
        keys = [key for key in await self.blobs.keys(prefix) if key[len(prefix):].isdigit()]
        tries: dict[int, Tries] = {}
        for value in await self.blobs.get_many(keys) if keys else []:
            try:
                loaded = Tries.from_json(value) if value is not None else None
            except (ValueError, TypeError):
                continue
            if loaded is not None:
                tries[loaded.index] = loaded
        return tries
