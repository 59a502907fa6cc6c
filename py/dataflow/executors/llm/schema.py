"""A small JSON Schema validator for model answers (no jsonschema wheel loads offline in the page).

Supported keywords (JSON Schema 2020-12 meanings): type, enum, const, properties, required,
additionalProperties (bool or schema), items, minItems, maxItems, minLength, maxLength, minimum,
maximum, anyOf. Any other keyword is refused by `check_schema` so a user's schema is never
silently half-applied. Standard library only.
"""

from __future__ import annotations

from typing import Any

from dataflow.executors.llm.errors import SchemaError

SUPPORTED = frozenset({"type", "enum", "const", "properties", "required", "additionalProperties", "items",
                       "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "anyOf",
                       "title", "description", "$schema", "default"})
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
TYPE_NAMES = ("object", "array", "string", "number", "integer", "boolean", "null")


def check_schema(schema: Any, where: str = "schema") -> None:
    """Raise SchemaError if `schema` is not an object, uses an unsupported keyword (named) or names
    a type JSON Schema does not have."""
    if not isinstance(schema, dict):
        raise SchemaError(f"{where} must be a JSON object")
    unknown = sorted(set(schema) - SUPPORTED)
    if unknown:
        raise SchemaError(f"{where} uses {', '.join(unknown)}, which this app does not check; "
                          f"supported: {', '.join(sorted(SUPPORTED - {'title', 'description', '$schema', 'default'}))}")
    named = schema.get("type")
    if "type" in schema and not (named in TYPE_NAMES or (isinstance(named, list) and named
                                                          and all(name in TYPE_NAMES for name in named))):
        raise SchemaError(f"{where}.type must be one of {', '.join(TYPE_NAMES)} (or a list of them); got {named!r}")
    for name, sub in (schema.get("properties") or {}).items():
        check_schema(sub, f"{where}.properties.{name}")
    if isinstance(schema.get("items"), dict):
        check_schema(schema["items"], f"{where}.items")
    if isinstance(schema.get("additionalProperties"), dict):
        check_schema(schema["additionalProperties"], f"{where}.additionalProperties")
    for index, sub in enumerate(schema.get("anyOf") or []):
        check_schema(sub, f"{where}.anyOf[{index}]")


def errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Every way `value` breaks `schema`, as "path: reason" lines (empty when it conforms)."""
    if "anyOf" in schema and not any(not errors(value, sub, path) for sub in schema["anyOf"]):
        return [f"{path}: matches none of anyOf"]
    if "type" in schema and not _has_type(value, schema["type"]):
        return [f"{path}: expected {schema['type']}, got {_type_name(value)}"]
    found: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: must be {schema['const']!r}")
    if isinstance(value, dict):
        found += _object_errors(value, schema, path)
    elif isinstance(value, list):
        found += _array_errors(value, schema, path)
    elif isinstance(value, str):
        found += _bounds(len(value), schema, "minLength", "maxLength", path, "characters")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{path}: below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{path}: above the maximum {schema['maximum']}")
    return found


def _object_errors(value: dict[str, Any], schema: dict[str, Any], path: str) -> list[str]:
    found = [f"{path}: missing {name!r}" for name in schema.get("required", []) if name not in value]
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            found += errors(item, properties[name], f"{path}.{name}")
        elif extra is False:
            found.append(f"{path}: unexpected {name!r}")
        elif isinstance(extra, dict):
            found += errors(item, extra, f"{path}.{name}")
    return found


def _array_errors(value: list[Any], schema: dict[str, Any], path: str) -> list[str]:
    found = _bounds(len(value), schema, "minItems", "maxItems", path, "items")
    if isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found += errors(item, schema["items"], f"{path}[{index}]")
    return found


def _bounds(size: int, schema: dict[str, Any], low: str, high: str, path: str, unit: str) -> list[str]:
    found = []
    if low in schema and size < schema[low]:
        found.append(f"{path}: {size} {unit}, at least {schema[low]} required")
    if high in schema and size > schema[high]:
        found.append(f"{path}: {size} {unit}, at most {schema[high]} allowed")
    return found


def _has_type(value: Any, expected: Any) -> bool:
    names = expected if isinstance(expected, list) else [expected]
    return any(_is(value, name) for name in names)


def _is(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    kind = _TYPES.get(name)
    return kind is not None and isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))


def _type_name(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _is(value, name):
            return name
    return type(value).__name__
