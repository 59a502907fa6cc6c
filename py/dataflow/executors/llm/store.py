"""Durable per-record answers: each record's outcome is stored in the blob store as it arrives,
so a resumed task sends only records without one (the API is paid once). Standard library only.

Keys: `part:<task>:answer:<index, 7 digits>`; values are JSON `Outcome`s. The result files are
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


def answers_prefix(task_id: str) -> str:
    return f"{parts_prefix(task_id)}answer:"


def answer_key(task_id: str, index: int) -> str:
    return f"{answers_prefix(task_id)}{index:07d}"


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
