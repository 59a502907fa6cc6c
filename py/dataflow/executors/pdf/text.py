"""Making every string of a result valid Unicode that UTF-8 can encode, and pypdf's messages
identical from one run to the next. Standard library only.

pypdf builds text from a font's ToUnicode map, which may send a code to half of a UTF-16
surrogate pair (`<D83D>`); such a lone surrogate cannot be written as UTF-8. Paired surrogates
are joined into their character; lone ones become U+FFFD and are counted.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\ufffd"
SURROGATE = re.compile("[\ud800-\udfff]")
# pypdf quotes objects in its messages; their repr holds the id() of the reader (a memory address)
INDIRECT = re.compile(r"IndirectObject\((\d+), (\d+), \d+\)")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def valid_text(text: str) -> tuple[str, int]:
    """(text that UTF-8 can encode, number of characters replaced by U+FFFD)."""
    if not SURROGATE.search(text):
        return text, 0
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined, joined.count(REPLACEMENT) - text.count(REPLACEMENT)


def valid_tree(value: Any) -> tuple[Any, int]:
    """`value` (JSON-like: dicts, lists, strings, numbers) with every string made valid: (a copy, the
    number of characters replaced), or (`value` itself, 0) when no string holds a surrogate, which one
    search of its JSON text tells (the common case: no walk, no copy)."""
    try:
        clean = not SURROGATE.search(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):  # not JSON-like after all: walk it
        clean = False
    return (value, 0) if clean else _valid_walk(value)


def _valid_walk(value: Any) -> tuple[Any, int]:
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        total, out = 0, {}
        for key, item in value.items():
            key, replaced_key = valid_text(key) if isinstance(key, str) else (key, 0)
            out[key], replaced = _valid_walk(item)
            total += replaced + replaced_key
        return out, total
    if isinstance(value, (list, tuple)):
        total, items = 0, []
        for item in value:
            item, replaced = _valid_walk(item)
            items.append(item)
            total += replaced
        return items, total
    return value, 0


def normalise_message(message: str) -> str:
    """A pypdf log message without memory addresses, so identical input gives identical output."""
    return ADDRESS.sub("", INDIRECT.sub(r"IndirectObject(\1, \2)", message))
