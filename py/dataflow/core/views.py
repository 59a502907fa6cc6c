"""What a result viewer shows, described by a kind and rendered by the page: a list of blocks
(facts, an outline, text pages, a gallery of images, notes, a tree, a table, grouped lists and
counts drawn as bars), each holding text only, plus the pure parts of showing them (search
counting and highlighting, windows of a long list, values cut for a cell, bar lengths). A kind
builds a `ResultView` from a `ResultSource` (the stored result, read part by part); the browser
ring renders it and never learns which kind made it. Standard library only."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol


class ResultSource(Protocol):
    """A stored result, read lazily: a ZIP's entries one by one, or the whole file."""

    async def names(self) -> list[str]:
        """The entry names of a ZIP result (ZipFormatError if it is not one)."""

    async def read(self, name: str) -> bytes | None:
        """One entry's content, or None when there is no such entry."""

    async def whole(self) -> bytes:
        """The whole result file."""

    async def head(self, size: int, name: str | None = None) -> bytes:
        """At most `size` bytes from the start of the file, or of ZIP entry `name` (b"" when there
        is no such entry): what a view shows of a large result without reading all of it."""

    async def other(self, key: str) -> ResultSource | None:
        """Another stored blob of the same task (a report beside its result, the task's input
        file) as a source, or None when it is not stored."""


@dataclass(frozen=True)
class Facts:
    """Labelled values, e.g. a document's title and page count."""

    heading: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OutlineItem:
    """A bookmark: its title, the 1-based page it points to (None: nowhere) and its depth (0 = top)."""

    title: str
    page: int | None
    depth: int = 0


@dataclass(frozen=True)
class Outline:
    """Bookmarks; choosing one shows that page in the view's `Pages` block."""

    heading: str
    items: tuple[OutlineItem, ...]


@dataclass(frozen=True)
class Pages:
    """`count` pages of text, read one at a time with `read(page)` (1-based; None: no text, with
    `missing(page)` saying why)."""

    heading: str
    count: int
    read: Callable[[int], Awaitable[str | None]]
    missing: Callable[[int], str] = lambda page: "This page has no text in the result."


@dataclass(frozen=True)
class Picture:
    """An image of a gallery: `name` (its file), `mime`, `caption` lines and `alt` text; its bytes
    come from `read()` (None: not in the result)."""

    name: str
    mime: str
    caption: tuple[str, ...]
    alt: str
    read: Callable[[], Awaitable[bytes | None]]


@dataclass(frozen=True)
class Gallery:
    heading: str
    pictures: tuple[Picture, ...]


@dataclass(frozen=True)
class Notes:
    """Messages such as warnings and skipped pages, one line each."""

    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class TreeNode:
    """One node of a tree: its `label`, a `detail` line (e.g. types and presence) and children."""

    label: str
    detail: str = ""
    children: tuple[TreeNode, ...] = ()


@dataclass(frozen=True)
class Tree:
    """A tree shown as nested lists, every node open; e.g. a schema's fields."""

    heading: str
    nodes: tuple[TreeNode, ...]


@dataclass(frozen=True)
class Cell:
    """A table cell: the `text` shown (cut short) and, for a cut or nested value, its `full` text
    (shown when the cell is expanded)."""

    text: str
    full: str | None = None


@dataclass(frozen=True)
class Row:
    """A table row: its `label` (e.g. "Record 3"), its cells in column order and the `copy` text
    one click puts on the clipboard (e.g. the record's JSON)."""

    label: str
    cells: tuple[Cell, ...]
    copy: str = ""


@dataclass(frozen=True)
class Table:
    """Rows under named columns; `note` says what is shown of how much (e.g. "first 50 of 100,000")."""

    heading: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""


@dataclass(frozen=True)
class Group:
    """One group of a grouped list: its title (e.g. a field path), how many it holds in all (more
    than `items` when only the first are kept) and the items listed."""

    title: str
    count: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class Groups:
    heading: str
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Counts:
    """Labelled counts, drawn as horizontal bars (longest = largest count)."""

    heading: str
    items: tuple[tuple[str, int], ...]


Block = Facts | Outline | Pages | Gallery | Notes | Tree | Table | Groups | Counts


@dataclass(frozen=True)
class ResultView:
    """What the viewer shows for one result: a title and its blocks, in order."""

    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def _pattern(query: str) -> re.Pattern[str] | None:
    query = query.strip()
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def count_matches(text: str, query: str) -> int:
    """How often `query` occurs in `text`, ignoring case, without overlaps; 0 for a blank query."""
    pattern = _pattern(query)
    return sum(1 for _ in pattern.finditer(text)) if pattern else 0


def segments(text: str, query: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_match) pairs, in order, for highlighting as text nodes and marks;
    joined they give `text` back."""
    pattern = _pattern(query)
    if pattern is None or not text:
        return [(text, False)] if text else []
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            pieces.append((text[at:match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def clamp_page(page: int, count: int) -> int:
    """`page` brought into 1..count (1 when there are no pages)."""
    return max(1, min(page, max(count, 1)))


def window(total: int, start: int, size: int) -> range:
    """The indexes of one window of a long list: `size` items from `start` (clamped to the list)."""
    start = max(0, min(start, max(total - 1, 0)))
    return range(start, min(total, start + max(size, 0)))


def cut(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters (the last one "…" when it was cut)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:max(limit - 1, 0)] + "…"


def bar_percents(counts: list[int]) -> list[float]:
    """Each count's bar length in percent of the largest (0 for none or a largest of 0), to one decimal."""
    largest = max(counts, default=0)
    return [round(100 * max(count, 0) / largest, 1) if largest > 0 else 0.0 for count in counts]


def load_object(data: bytes, name: str) -> dict[str, Any]:
    """A stored JSON object (e.g. a result's metadata.json or report.json); ValueError naming `name`
    when it is not valid JSON or not an object."""
    try:
        document = json.loads(data.decode("utf-8", errors="replace"))
    except ValueError as error:
        raise ValueError(f"{name} of this result is not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise ValueError(f"{name} of this result is not a JSON object")
    return document
