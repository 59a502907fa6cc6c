"""Nesting depth measured without recursion, so that text too deep for a recursive parser (50,000
nested arrays overflow the wasm stack under Pyodide) is refused before one sees it.
Standard library only."""

from __future__ import annotations

import re
from itertools import accumulate

# A complete JSON string, written as an unrolled loop (fast in `re`).
STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
NOT_BRACKET = re.compile(r"[^\[\]{}]+")
TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|"|[\[\]{},\n]', re.S)  # a lone " opens a string cut off
STEPS = {"[": 1, "{": 1, "]": -1, "}": -1}


def within(text: str, limit: int) -> bool:
    """True when no point of `text` nests deeper than `limit`, counting from depth 0 at its start.

    Conservative: brackets inside a string cut off at the end of `text` are counted, so a False
    asks for the exact check (`element_end`), never the other way round."""
    brackets = NOT_BRACKET.sub("", STRING.sub("", text))
    if len(brackets) <= limit:
        return True
    return max(accumulate(map(STEPS.__getitem__, brackets))) <= limit


def element_end(text: str, start: int, limit: int, *, stop_at_newline: bool) -> tuple[int | None, int | None]:
    """Scan one JSON value (plus what follows it up to a delimiter at depth 0) from `start`.

    Returns (end, too_deep_at): `end` is the index of the first `,`/`]`/`}` at depth 0 (or of the
    newline for JSONL), None when the text ends first (also inside a string); `too_deep_at` is the
    index of the bracket that went past `limit`, else None."""
    depth = 0
    for match in TOKEN.finditer(text, start):
        char = text[match.start()]
        if char == '"':
            if match.end() - match.start() == 1:  # the text ends inside this string
                return None, None
            continue
        if char in "[{":
            depth += 1
            if depth > limit:
                return None, match.start()
        elif char in "]}":
            if depth == 0 and not stop_at_newline:
                return match.start(), None
            depth -= 1
        elif char == "\n":
            if stop_at_newline:
                return match.start(), None
        elif depth == 0 and not stop_at_newline:
            return match.start(), None
    return None, None
