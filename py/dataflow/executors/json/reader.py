"""Records read one at a time from a byte offset, in windows of about 1 MB of text: memory stays
bounded by the largest record, and a checkpoint (record index + byte offset) is enough to resume.

Every record is depth-checked before the (recursive) json parser sees it, and the parser is given
hooks that refuse NaN/Infinity and numbers beyond a double, and note duplicate keys. Errors name
the line, the column and a short excerpt. Standard library only."""

from __future__ import annotations

import codecs
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dataflow.executors.json import depth
from dataflow.executors.json.encoding import TEXT, excerpt, not_utf8
from dataflow.executors.json.errors import (
    InvalidJsonError,
    NonFiniteNumberError,
    NumberTooLargeError,
    TooDeepError,
    TruncatedJsonError,
)
from dataflow.executors.json.layout import Layout

WINDOW = 1024 * 1024
SLACK = 1024  # an error this close to the end of a window may be the window's cut, not the file's
WHITESPACE = re.compile(r"[ \t\n\r]*")


def _skip_space(text: str, start: int = 0) -> int:
    """The index of the first character at or after `start` that is not JSON whitespace."""
    match = WHITESPACE.match(text, start)
    return match.end() if match is not None else start
FLOAT_MAX = sys.float_info.max
MAX_WARNINGS = 20


@dataclass(frozen=True)
class Record:
    """One record: its value, its index (from 0), and the byte offset to resume after it."""

    value: Any
    index: int
    end: int


class _More(Exception):  # noqa: N818 - control flow inside this module
    """The window ends inside the record: read more text."""


class _Literal(Exception):  # noqa: N818
    def __init__(self, kind: str, literal: str):
        super().__init__(literal)
        self.kind, self.literal = kind, literal


class RecordReader:
    """Reads the records of UTF-8 `data` laid out as `layout`. Warnings (duplicate keys) collect in
    `warnings` (the first MAX_WARNINGS) and `warning_count`."""

    def __init__(self, data: bytes, layout: Layout, *, max_depth: int, window: int = WINDOW):
        self.data, self.layout, self.max_depth, self.window = data, layout, max_depth, window
        self.warnings: list[str] = []
        self.warning_count = 0
        self._duplicates: list[str] = []
        self._decoder = json.JSONDecoder(object_pairs_hook=self._object, parse_constant=self._constant,
                                         parse_float=self._float, parse_int=self._int)

    def records(self, offset: int | None = None, index: int = 0) -> Iterator[Record]:
        """The records from byte `offset` (None: the first record), numbered from `index`.

        Raises InvalidJsonError and its kinds (TruncatedJsonError, TooDeepError,
        NonFiniteNumberError, NumberTooLargeError) and EncodingError."""
        if self.layout.single:
            if offset is None or offset == 0:
                yield Record(self._whole(), 0, len(self.data))
            return
        position = self.layout.start if offset is None else offset
        size = self.window
        while True:
            text, final = self._text(position, size)
            safe = depth.within(text, self.max_depth)
            ascii_only = text.isascii()
            i = 0
            while True:
                try:
                    found = self._next(text, i, final, safe)
                except _More:
                    break
                if found is None:
                    return
                value, after = found
                position += after - i if ascii_only else len(text[i:after].encode("utf-8"))
                i = after
                self._note_duplicates(index)
                yield Record(value, index, position)
                index += 1
            size = size * 2 if i == 0 else self.window

    # -- one window ------------------------------------------------------------------------

    def _text(self, position: int, size: int) -> tuple[str, bool]:
        stop = min(position + size, len(self.data))
        final = stop == len(self.data)
        try:
            text, used = codecs.utf_8_decode(self.data[position:stop], "strict", final)
        except UnicodeDecodeError as error:
            raise not_utf8(self.data, error, position) from None
        self._base, self._base_text = position, text
        return text, final

    def _next(self, text: str, i: int, final: bool, safe: bool) -> tuple[Any, int] | None:
        """The record starting at or after `i` and the index after it; None when there are no more."""
        k = _skip_space(text, i)
        if k == len(text):
            if not final:
                raise _More
            if self.layout.form == "jsonl":
                return None
            raise self._truncated(k, "the file ends before the array of records is closed")
        if self.layout.form == "jsonl":
            return self._line(text, k, final, safe)
        if text[k] == "]":
            self._check_after_array(k)
            return None
        return self._element(text, k, final, safe)

    def _line(self, text: str, k: int, final: bool, safe: bool) -> tuple[Any, int]:
        newline = text.find("\n", k)
        if newline < 0:
            if not final:
                raise _More
            newline = len(text)
        if not safe:
            self._check_depth(text, k, stop_at_newline=True)
        line = text[k:newline]  # the parser must not read on into the next line
        value, j = self._decode(line, 0, complete=True, end=len(line), at_eof=final and newline == len(text), shift=k)
        rest = _skip_space(line, j)
        if rest < len(line):
            raise self._invalid(k + rest, "there is more than one value on this line (JSONL holds one record a line)")
        return value, min(newline + 1, len(text))

    def _element(self, text: str, k: int, final: bool, safe: bool) -> tuple[Any, int]:
        if not safe:
            self._check_depth(text, k, stop_at_newline=False)
        value, j = self._decode(text, k, complete=final, end=len(text), at_eof=final)
        m = self._skip(text, j, final, "the file ends before the array of records is closed")
        if text[m] == "]":
            return value, m
        if text[m] != ",":
            if not final and m >= len(text) - SLACK:
                raise _More
            raise self._invalid(m, "expected a comma or ] after the record")
        n = self._skip(text, m + 1, final, "the file ends after a comma")
        if text[n] == "]":
            raise self._invalid(m, "a comma before ] (a trailing comma is not JSON)")
        return value, m + 1

    def _skip(self, text: str, j: int, final: bool, truncated: str) -> int:
        m = _skip_space(text, j)
        if m == len(text):
            if not final:
                raise _More
            raise self._truncated(m, truncated)
        return m

    def _check_depth(self, text: str, k: int, *, stop_at_newline: bool) -> None:
        _, too_deep = depth.element_end(text, k, self.max_depth, stop_at_newline=stop_at_newline)
        if too_deep is not None:
            line, column = self._line_column(too_deep)
            raise TooDeepError(f"Nesting deeper than {self.max_depth} levels on line {line:,}, column {column:,}: "
                               "such a record cannot be read safely.", line=line, column=column)

    def _check_after_array(self, k: int) -> None:
        if not self.layout.root:
            return
        after = self._byte(k) + 1
        if TEXT.search(self.data, after) is not None:
            line = self.data.count(b"\n", 0, after) + 1
            raise InvalidJsonError(f"Invalid JSON on line {line:,}: there is more after the closing ] of the array.",
                                   line=line)

    # -- parsing one value -----------------------------------------------------------------

    def _decode(self, text: str, k: int, *, complete: bool, end: int, at_eof: bool,
                shift: int = 0) -> tuple[Any, int]:
        """Parse the value at `k` of `text` (which starts at index `shift` of the window)."""
        self._duplicates.clear()
        try:
            return self._decoder.raw_decode(text, k)
        except json.JSONDecodeError as error:
            unterminated = error.msg.startswith("Unterminated string")
            near_end = error.pos >= len(text[:end].rstrip()) - (0 if complete else SLACK)
            if not complete and (unterminated or near_end):
                raise _More from None
            if at_eof and (unterminated or near_end):
                raise self._truncated(shift + error.pos, "the file ends inside a record") from None
            raise self._invalid(shift + error.pos, error.msg.lower()) from None
        except _Literal as literal:  # a cut literal fails as a JSONDecodeError above, never here
            raise self._literal(text, k, literal, shift) from None
        except RecursionError:  # CPython's own guard; our depth check should have come first
            line, column = self._line_column(shift + k)
            raise TooDeepError(f"Nesting too deep for the parser on line {line:,}.", line=line, column=column) from None

    def _whole(self) -> Any:
        text, _ = self._text(0, len(self.data))
        value, j = self._decode(text, _skip_space(text), complete=True, end=len(text), at_eof=True)
        if text[j:].strip():
            raise self._invalid(_skip_space(text, j), "there is more after the document")
        self._note_duplicates(0)
        return value

    def _object(self, pairs: list[tuple[str, Any]]) -> dict:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            self._duplicates += [key for key, _ in pairs if key in seen or _remember(seen, key)]
        return result

    @staticmethod
    def _constant(name: str) -> Any:
        raise _Literal("constant", name)

    @staticmethod
    def _float(literal: str) -> float:
        value = float(literal)
        if value in (float("inf"), float("-inf")):
            raise _Literal("number", literal)
        return value

    @staticmethod
    def _int(literal: str) -> int:
        if len(literal) > 310 or abs(value := int(literal)) > FLOAT_MAX:
            raise _Literal("number", literal)
        return value

    def _note_duplicates(self, index: int) -> None:
        if not self._duplicates:
            return
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS:
            keys = ", ".join(sorted({repr(key) for key in self._duplicates}))
            self.warnings.append(f"Record {index + 1:,} repeats the key {keys}; the last value was kept.")
        self._duplicates.clear()

    # -- errors ----------------------------------------------------------------------------

    def _byte(self, char_index: int) -> int:
        return self._base + len(self._base_text[:char_index].encode("utf-8"))

    def _line_column(self, char_index: int) -> tuple[int, int]:
        at = self._byte(char_index)
        line_start = self.data.rfind(b"\n", 0, at) + 1
        return self.data.count(b"\n", 0, at) + 1, len(self.data[line_start:at].decode("utf-8", "replace")) + 1

    def _invalid(self, char_index: int, what: str) -> InvalidJsonError:
        line, column = self._line_column(char_index)
        return InvalidJsonError(f"Invalid JSON on line {line:,}, column {column:,}: {what}, at "
                                f"{excerpt(self._base_text, char_index)}.", line=line, column=column)

    def _truncated(self, char_index: int, what: str) -> TruncatedJsonError:
        line, column = self._line_column(char_index)
        return TruncatedJsonError(f"The file looks truncated: {what} (line {line:,}, column {column:,}).",
                                  line=line, column=column)

    def _literal(self, text: str, k: int, literal: _Literal, shift: int) -> InvalidJsonError:
        pattern = re.compile(depth.STRING.pattern + "|(" + re.escape(literal.literal) + ")", re.S)
        at = shift + next((m.start(1) for m in pattern.finditer(text, k) if m.group(1)), k)
        line, column = self._line_column(at)
        if literal.kind == "constant":
            return NonFiniteNumberError(f"{literal.literal} on line {line:,}, column {column:,} is not valid JSON "
                                        "(JSON has no NaN or Infinity); replace it with null or a number.",
                                        line=line, column=column)
        shown = literal.literal if len(literal.literal) <= 24 else literal.literal[:20] + "…"
        return NumberTooLargeError(f"The number {shown} on line {line:,}, column {column:,} is too large for a "
                                   "double-precision float.", line=line, column=column)


def _remember(seen: set[str], key: str) -> bool:
    """Add `key` to `seen`; False, so a comprehension can record keys as it goes."""
    seen.add(key)
    return False
