"""What a result viewer shows, described by a kind and rendered by the page: a list of blocks
(facts, an outline, text pages, a gallery of images, notes), each holding text only, plus the
pure parts of showing them (search counting and highlighting, windows of a long list). A kind
builds a `ResultView` from a `ResultSource` (the stored result, read part by part); the browser
ring renders it and never learns which kind made it. Standard library only."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol


class ResultSource(Protocol):
    """A stored result, read lazily: a ZIP's entries one by one, or the whole file."""

    async def names(self) -> list[str]:
        """The entry names of a ZIP result (ZipFormatError if it is not one)."""

    async def read(self, name: str) -> bytes | None:
        """One entry's content, or None when there is no such entry."""

    async def whole(self) -> bytes:
        """The whole result file."""


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


Block = Facts | Outline | Pages | Gallery | Notes


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
