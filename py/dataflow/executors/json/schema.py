"""Schema inference over a stream of records: each field's JSON types, how often it is present, a
few truncated examples and format hints (identifier, date-time, date, e-mail, URI, UUID), kept
as plain JSON so it can be checkpointed, and turned into a JSON Schema (draft 2020-12) at the end.
Standard library only."""

from __future__ import annotations

import re
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
MAX_SCHEMA_DEPTH = 32  # deeper values are counted, not described
MAX_PROPERTIES = 500  # keys beyond this many in one object are counted as "other keys"
EXAMPLE_CHARS = 60
FORMAT_SHARE = 0.9  # a format is named when at least this share of the strings match it
FORMATS = (
    ("date-time", re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?", re.I)),
    ("date", re.compile(r"\d{4}-\d\d-\d\d")),
    ("email", re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")),
    ("uri", re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.I)),
    ("uuid", re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)),
)
FORMAT_MATCH = re.compile("|".join(f"(?P<f{i}>{pattern.pattern})" for i, (_, pattern) in enumerate(FORMATS)), re.I)
FORMAT_MAX_CHARS = 2048  # longer strings are text, not dates, addresses or identifiers
TYPE_NAMES = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
              dict: "object"}
IDENTIFIER_KEY = re.compile(r"(?:^|[_\-.])(?:id|uuid|guid|key|slug|uid)$|[a-z]Id$|^ID$", re.I)


def json_type(value: Any) -> str:
    """The JSON Schema type name of a parsed JSON value."""
    name = TYPE_NAMES.get(type(value))
    if name is not None:
        return name
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def nesting(value: Any) -> int:
    """Levels of arrays/objects: 0 for a scalar, 1 for {"a": 1}, 2 for {"a": [1]}.

    Iterative: recursing through builtins such as map() uses the C stack, which under Pyodide
    overflows (a fatal error) at a few hundred levels."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        stack.extend((child, level) for child in children if isinstance(child, (dict, list)))
    return deepest


def new_node() -> dict[str, Any]:
    return {"seen": 0, "types": {}, "examples": [], "formats": {}, "strings": 0}


class Inference:
    """Accumulates `root` (a node: seen, types, examples, formats, strings, properties, items,
    other_keys) over records; `state()`/`from_state()` round-trip it through JSON."""

    def __init__(self, *, examples: int = 3, root: dict | None = None, depth: int = 0):
        self.examples = examples
        self.root = root if root is not None else new_node()
        self.depth = depth  # the deepest nesting seen: 0 for scalars, 1 for {"a": 1}

    def add(self, value: Any) -> None:
        self._add(self.root, value, 0)

    def _add(self, node: dict, value: Any, level: int) -> None:
        node["seen"] += 1
        kind = json_type(value)
        if kind in ("object", "array"):
            self.depth = max(self.depth, level + 1 if level < MAX_SCHEMA_DEPTH else level + nesting(value))
        node["types"][kind] = node["types"].get(kind, 0) + 1
        if kind == "string":
            self._string(node, value)
        elif kind in ("integer", "number", "boolean"):
            self._example(node, value)
        if level >= MAX_SCHEMA_DEPTH:
            return
        if kind == "object":
            properties = node.setdefault("properties", {})
            for key, item in value.items():
                child = properties.get(key)
                if child is None:
                    if len(properties) >= MAX_PROPERTIES:
                        node["other_keys"] = node.get("other_keys", 0) + 1
                        continue
                    child = properties[key] = new_node()
                self._add(child, item, level + 1)
        elif kind == "array":
            items = node.setdefault("items", new_node())
            for item in value:
                self._add(items, item, level + 1)

    def _string(self, node: dict, value: str) -> None:
        node["strings"] += 1
        match = FORMAT_MATCH.fullmatch(value) if len(value) <= FORMAT_MAX_CHARS else None
        if match is not None and match.lastgroup is not None:
            name = FORMATS[int(match.lastgroup[1:])][0]
            node["formats"][name] = node["formats"].get(name, 0) + 1
        self._example(node, value if len(value) <= EXAMPLE_CHARS else value[:EXAMPLE_CHARS] + "…")

    def _example(self, node: dict, value: Any) -> None:
        if len(node["examples"]) < self.examples and value not in node["examples"]:
            node["examples"].append(value)

    def state(self) -> dict[str, Any]:
        return self.root

    # -- results ---------------------------------------------------------------------------

    def schema(self) -> dict[str, Any]:
        """The JSON Schema (draft 2020-12) of the records."""
        return {"$schema": DRAFT, **_schema_of(self.root)}

    def fields(self) -> list[dict[str, Any]]:
        """One row per field path: types with counts, presence (times present / times its parent
        object was seen), examples, and a format hint."""
        rows: list[dict[str, Any]] = []
        _rows(self.root, "$", self.root["seen"], None, rows)
        return rows


def _format(node: dict) -> str | None:
    strings = node["strings"]
    for name, count in node["formats"].items():
        if strings and count >= FORMAT_SHARE * strings:
            return name
    return None


def _schema_of(node: dict) -> dict[str, Any]:
    types = sorted(node["types"])  # a stable order whatever the counts
    schema: dict[str, Any] = {"type": types[0] if len(types) == 1 else types}
    if "properties" in node:
        object_count = node["types"].get("object", 0)
        properties = node["properties"]
        schema["properties"] = {key: _schema_of(child) for key, child in properties.items()}
        required = [key for key, child in properties.items() if child["seen"] >= object_count > 0]
        if required:
            schema["required"] = required
    if "items" in node and node["items"]["seen"]:
        schema["items"] = _schema_of(node["items"])
    hint = _format(node)
    if hint:
        schema["format"] = hint
    if node["examples"]:
        schema["examples"] = list(node["examples"])
    return schema


def _rows(node: dict, path: str, parent_objects: int, key: str | None, rows: list) -> None:
    hint = _format(node)
    if key is not None and IDENTIFIER_KEY.search(key) and set(node["types"]) <= {"string", "integer"}:
        hint = hint or "identifier"
    rows.append({"path": path, "types": dict(sorted(node["types"].items())), "present": node["seen"],
                 "presence": round(node["seen"] / parent_objects, 4) if parent_objects else None,
                 "examples": list(node["examples"]), "format": hint})
    objects = node["types"].get("object", 0)
    for child_key, child in node.get("properties", {}).items():
        _rows(child, f"{path}.{child_key}", objects, child_key, rows)
    if "items" in node and node["items"]["seen"]:
        _rows(node["items"], f"{path}[]", node["items"]["seen"], None, rows)
