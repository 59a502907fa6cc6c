"""Where the records of a file are: JSONL lines, a top-level array, or the largest array of objects
inside a top-level object (found by a scan that never builds the document). Standard library only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from dataflow.executors.json import depth
from dataflow.executors.json.encoding import TEXT, describe_text, excerpt, space_end, starts_like_json
from dataflow.executors.json.errors import InvalidJsonError, NotJsonError, RecordPathError, TooDeepError

TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},:]', re.S)
# Every lexical unit of JSON text (RFC 8259 §2), loosely: strings, number-like runs, words, structure
# and space; anything else is a single stray byte. Only read once the scan found the text unclosed.
LEXEME = re.compile(rb'(?P<string>"[^"\\]*(?:\\.[^"\\]*)*")|(?P<number>[-+.0-9][-+.0-9eE]*)'
                    rb'|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<structure>[\[\]{},:\s]+)|(?P<stray>.)', re.S)
LITERALS = (b"true", b"false", b"null")
OPEN_SQUARE, CLOSE_SQUARE, OPEN_CURLY, CLOSE_CURLY, COLON, QUOTE = b"[]{}:\""
MAX_CANDIDATES = 50


@dataclass(frozen=True)
class Candidate:
    """An array inside the document: its JSON Pointer, element count, how many are objects, and
    the byte offset just after its `[`."""

    pointer: str
    count: int
    objects: int
    start: int

    def to_dict(self) -> dict:
        return {"path": self.pointer, "records": self.count, "objects": self.objects}


@dataclass(frozen=True)
class Layout:
    """form: "jsonl" or "json". For "json", `pointer` names the array of records (`""` is the whole
    document), `start` is the byte just after its `[`, `root` says whether that array is the whole
    document; `single` means the document is one object, taken as the only record."""

    form: str
    pointer: str = ""
    start: int = 0
    root: bool = True
    single: bool = False
    candidates: tuple[Candidate, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def detect(data: bytes, name: str, records_path: str | None, max_depth: int) -> Layout:
    """The layout of UTF-8 `data` called `name`. Raises NotJsonError, RecordPathError, TooDeepError."""
    head = data[:4096].decode("utf-8", "replace")
    if not starts_like_json(head):
        raise NotJsonError(f"This is not JSON: it looks like {describe_text(head)}.")
    lowered = name.lower().removesuffix(".zst")
    first = space_end(data)
    if lowered.endswith((".jsonl", ".ndjson")):
        return Layout("jsonl")
    if data[first] == OPEN_SQUARE:
        if records_path not in (None, ""):
            raise RecordPathError(f"The document is one array; there is no {records_path!r} inside it to choose.")
        return Layout("json", "", first + 1, root=True)
    if data[first] == OPEN_CURLY and _looks_like_lines(data, first, max_depth):
        return Layout("jsonl", warnings=(f"{name} holds one JSON record per line: it was read as JSONL.",))
    if data[first] != OPEN_CURLY:
        raise RecordPathError(f"The document is a single value ({excerpt(head.lstrip(), 0)}), not records.")
    return _inside_object(data, records_path, max_depth)


def _looks_like_lines(data: bytes, first: int, max_depth: int) -> bool:
    """True when the first line is a whole JSON object and another object follows on the next."""
    line_end = data.find(b"\n", first)
    following = TEXT.search(data, line_end) if line_end >= 0 else None
    if following is None:
        return False
    line = data[first:line_end].decode("utf-8", "replace")
    if not depth.within(line, max_depth):  # never hand the parser what could overflow its stack
        return False
    try:
        json.loads(line)
    except ValueError:
        return False
    return data[following.start()] == OPEN_CURLY


def _inside_object(data: bytes, records_path: str | None, max_depth: int) -> Layout:
    candidates = scan_arrays(data, max_depth)
    ranked = sorted(candidates, key=lambda c: (-c.objects, -c.count, c.pointer))[:MAX_CANDIDATES]
    if records_path is not None:
        chosen = next((c for c in candidates if c.pointer == records_path), None)
        if chosen is None:
            known = ", ".join(c.pointer for c in ranked[:10]) or "none"
            raise RecordPathError(f"There is no array at {records_path!r}; arrays found: {known}.")
        return Layout("json", chosen.pointer, chosen.start, root=False, candidates=tuple(ranked))
    if not ranked or ranked[0].objects == 0:
        return Layout("json", "", 0, root=True, single=True, candidates=tuple(ranked),
                      warnings=("The document is one object with no array of objects: it was read as one record.",))
    best = ranked[0]
    return Layout("json", best.pointer, best.start, root=False, candidates=tuple(ranked),
                  warnings=(f"Records were read from {best.pointer}, the largest array of objects "
                            f"({best.objects:,} objects); another path can be chosen.",))


def _too_deep(data: bytes, at: int, max_depth: int) -> TooDeepError:
    """The error for the bracket at byte `at` that nests past `max_depth`, worded as the record
    reader's (reader.py), with its line and column (in characters)."""
    line_start = data.rfind(b"\n", 0, at) + 1
    line, column = data.count(b"\n", 0, at) + 1, len(data[line_start:at].decode("utf-8", "replace")) + 1
    return TooDeepError(f"Nesting deeper than {max_depth} levels on line {line:,}, column {column:,}: such a "
                        "document cannot be read safely.", line=line, column=column)


def scan_arrays(data: bytes, max_depth: int) -> list[Candidate]:
    """Every array of the top-level object that is reached through objects only, with its counts.

    One pass over structural tokens, iterative (no recursion). Raises TooDeepError past `max_depth`
    and InvalidJsonError when brackets do not match or the text ends inside the document."""
    # Each open container: [is_array, pointer or None (not a candidate), commas, objects, start, key]
    stack: list[list] = []
    found: list[Candidate] = []
    last_string = b""
    for match in TOKEN.finditer(data):
        char = data[match.start()]
        if char == QUOTE:
            last_string = match.group()
            continue
        if char == COLON:
            if stack and not stack[-1][0]:
                stack[-1][5] = last_string
            continue
        if char in (OPEN_SQUARE, OPEN_CURLY):
            if len(stack) >= max_depth:
                raise _too_deep(data, match.start(), max_depth)
            pointer = _child_pointer(stack)
            if stack and stack[-1][0] and char == OPEN_CURLY:
                stack[-1][3] += 1
            stack.append([char == OPEN_SQUARE, pointer, 0, 0, match.end(), None])
            continue
        if char == 0x2C:  # comma
            if stack:
                stack[-1][2] += 1
            continue
        if not stack or stack[-1][0] != (char == CLOSE_SQUARE):
            raise _mismatch(data, match.start())
        is_array, pointer, commas, objects, start, _ = stack.pop()
        if is_array and pointer is not None:
            empty = commas == 0 and TEXT.search(data, start, match.start()) is None
            found.append(Candidate(pointer, 0 if empty else commas + 1, objects, start))
        if not stack:
            return found
    raise _stray(data) or InvalidJsonError("The file ends before the document is closed: it looks truncated.")


def _stray(data: bytes) -> InvalidJsonError | None:
    """The error for the first text that no JSON document can hold (a bare word, a `<`), or None when
    there is none and the text was merely cut short (an unclosed string counts as cut short)."""
    for match in LEXEME.finditer(data):
        kind = match.lastgroup
        if kind == "stray" and match.group() == b'"':
            return None  # a string that never closes: the file ends inside it
        if kind not in ("stray", "word") or match.group() in LITERALS:
            continue
        at = match.start()
        line = data.count(b"\n", 0, at) + 1
        column = len(data[data.rfind(b"\n", 0, at) + 1:at].decode("utf-8", "replace")) + 1
        text = data[max(0, at - 30):at + 30].decode("utf-8", "replace")
        return InvalidJsonError(f"Invalid JSON on line {line:,}, column {column:,}: this is not a JSON value, "
                                f"at {excerpt(text, min(30, at))}.", line=line)
    return None


def _child_pointer(stack: list[list]) -> str | None:
    """The pointer of a container opened now, or None when it sits inside an array."""
    if not stack:
        return ""
    parent = stack[-1]
    if parent[0] or parent[1] is None:
        return None
    key = json.loads(parent[5]) if parent[5] else ""
    return parent[1] + "/" + key.replace("~", "~0").replace("/", "~1")


def _mismatch(data: bytes, at: int) -> InvalidJsonError:
    line = data.count(b"\n", 0, at) + 1
    text = data[max(0, at - 30):at + 30].decode("utf-8", "replace")
    return InvalidJsonError(f"Invalid JSON on line {line:,}: a bracket closes what it did not open, near "
                            f"{excerpt(text, min(30, at))}.", line=line)
