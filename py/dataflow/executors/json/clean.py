"""Clean: redact secrets and personal data in every string of a record (and optionally its keys),
counting replacements by kind and field path, never keeping a value. Standard library only."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from dataflow.executors.json.patterns import redact

MARKER = re.compile(r"\[REDACTED:[^\]#]+\]")


def field_path(parent: str, key: str | None) -> str:
    """`$`, `$.user.email`, `$.messages[].content`: keys joined by dots, arrays as `[]`."""
    return parent + "[]" if key is None else f"{parent}.{key}"


def numbered(key: str, number: int) -> str:
    """`key` (which holds a marker) with `#number` inside its last marker: `[REDACTED:email#2]`."""
    end = max((match.end() for match in MARKER.finditer(key)), default=0) - 1
    if end < 0:  # a key the redaction left alone never comes here: defensive
        return f"{key}#{number}"
    return key[:end] + f"#{number}" + key[end:]


class Cleaner:
    """Redacts records; `counts` maps "kind\tpath" to a number of replacements. When keys of one
    object redact to the same text, every value is kept: the later keys' last marker is numbered
    (`[REDACTED:email#2]`, in the object's key order), and `collisions` gets a message per key."""

    def __init__(self, *, redact_keys: bool = False):
        self.redact_keys = redact_keys
        self.counts: Counter[str] = Counter()
        self.collisions: list[str] = []  # since the caller last took them

    def clean(self, value: Any, path: str = "$") -> Any:
        """A copy of `value` with each string redacted. Iterative, so that no depth the reader
        accepts can exhaust the (wasm) stack."""
        if not isinstance(value, (dict, list)):
            return self._text(value, path) if isinstance(value, str) else value
        result: Any = {} if isinstance(value, dict) else []
        stack = [(value, result, path)]
        while stack:
            source, target, where = stack.pop()
            if isinstance(source, dict):
                for key, item in source.items():
                    new_key = self._key(key, where, source, target) if self.redact_keys else key
                    target[new_key] = self._child(item, field_path(where, new_key), stack)
            else:
                inner = field_path(where, None)
                target.extend(self._child(item, inner, stack) for item in source)
        return result

    def _key(self, key: str, where: str, source: dict, target: dict) -> str:
        new_key = self._text(key, f"{where} (key)")
        if new_key not in target:
            return new_key
        number = 2
        while numbered(new_key, number) in target or numbered(new_key, number) in source:
            number += 1
        self.collisions.append(f"Keys of one object at {where} were redacted to the same {new_key}; every value "
                               f"was kept, the later one as {numbered(new_key, number)}.")
        return numbered(new_key, number)

    def _child(self, item: Any, path: str, stack: list) -> Any:
        if isinstance(item, str):
            return self._text(item, path)
        if isinstance(item, (dict, list)):
            copy: Any = {} if isinstance(item, dict) else []
            stack.append((item, copy, path))
            return copy
        return item

    def _text(self, text: str, path: str) -> str:
        if len(text) < 7:  # nothing in the table is shorter than an e-mail like a@b.io
            return text
        return redact(text, lambda kind: self.counts.update((f"{kind}\t{path}",)))

    def summary(self) -> dict[str, Any]:
        """{"total", "by_kind": {kind: n}, "by_path": [{"kind", "path", "count"}]} sorted for stable output."""
        by_kind: Counter[str] = Counter()
        rows = []
        for key, count in sorted(self.counts.items()):
            kind, path = key.split("\t", 1)
            by_kind[kind] += count
            rows.append({"kind": kind, "path": path, "count": count})
        return {"total": sum(by_kind.values()), "by_kind": dict(sorted(by_kind.items())), "by_path": rows}
