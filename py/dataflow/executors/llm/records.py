"""What gets enriched: items made from records (dicts) or from a document's page texts.

The JSON record reader (issue 13) and a completed PDF task will feed these functions; the
executor only sees the `RecordSource` interface. Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

MISSING = object()


class RecordSource(Protocol):
    async def records(self, input: Mapping[str, Any]) -> Sequence[dict[str, Any]]:  # noqa: A002
        """The records of a task's input, in order (a JSON/JSONL file's, or one per text chunk)."""


@dataclass(frozen=True)
class Item:
    """One request's worth: its position, the source record (output unchanged) and its text."""

    index: int
    record: dict[str, Any]
    text: str


def lookup(record: Any, path: str) -> Any:
    """The value at a dotted `path` ("fields.description", "authors.0.name"), or MISSING."""
    value = record
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def as_text(value: Any) -> str:
    """A field as prompt text: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def items_from_records(records: Iterable[dict[str, Any]], text_path: str | None, first: int = 0) -> list[Item]:
    """One item per record, numbered from `first`; its text is the field at `text_path`, or the whole
    record as JSON when `text_path` is empty. A record without that field gets empty text (the
    executor records why)."""
    items = []
    for index, record in enumerate(records, first):
        value = lookup(record, text_path) if text_path else record
        items.append(Item(index, record, "" if value is MISSING else as_text(value)))
    return items


def records_from_pages(pages: Sequence[str], chunk_chars: int = 0) -> list[dict[str, Any]]:
    """Records for a document: one per page (`{"page": n, "text": ...}`, pages from 1), or with
    `chunk_chars` > 0 the text joined and cut into chunks of that many characters
    (`{"chunk": n, "first_page": p, "text": ...}`)."""
    if chunk_chars <= 0:
        return [{"page": number, "text": text} for number, text in enumerate(pages, 1)]
    records: list[dict[str, Any]] = []
    starts, joined, offset = [], [], 0
    for text in pages:
        starts.append(offset)
        joined.append(text)
        offset += len(text) + 1
    whole = "\n".join(joined)
    for number, begin in enumerate(range(0, len(whole), chunk_chars), 1):
        first_page = max(page for page, start in enumerate(starts, 1) if start <= begin)
        records.append({"chunk": number, "first_page": first_page, "text": whole[begin:begin + chunk_chars]})
    return records
