"""Whether a user's JSON Schema can be used, decided before any task starts: the schema is checked
against its draft's meta-schema by fastjsonschema (the same library that validates the records), then
compiled as the records' check will compile it. The message names the keyword and its place in the
schema (a JSON Pointer) in JSON Schema's own terms. Executors ring: standard library, fastjsonschema
(imported when first needed) and the JSON errors."""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from typing import Any

from dataflow.executors.json.errors import SchemaError, ValidatorUnavailableError
from dataflow.executors.json.metaschemas import DRAFT_04, DRAFT_06, DRAFT_07

META_SCHEMAS = {"draft-04": DRAFT_04, "draft-06": DRAFT_06, "draft-07": DRAFT_07}
NAMED = ("properties", "patternProperties", "definitions", "dependencies")  # keywords whose keys are names
SHOWN_VALUE = 60  # characters of the refused value quoted in a message
PLURALS = {"string": "strings", "object": "objects", "array": "arrays", "number": "numbers",
           "integer": "integers", "boolean": "true or false values", "null": "nulls"}


def fastjsonschema() -> Any:
    """The fastjsonschema module; ValidatorUnavailableError when this Python does not have it."""
    try:
        return importlib.import_module("fastjsonschema")
    except ImportError as error:
        raise ValidatorUnavailableError("The schema validator (fastjsonschema) is not available here.") from error


def _no_remote(uri: str) -> Any:
    raise SchemaError(f"The schema refers to {uri}; remote $ref are not fetched (everything stays offline).")


NO_REMOTE = {scheme: _no_remote for scheme in ("http", "https", "file", "ftp")}


def compile_schema(schema: dict | bool) -> Callable[[Any], Any]:
    """fastjsonschema's validator of `schema` (defaults never written into records, no remote $ref);
    SchemaError saying why it cannot be compiled, ValidatorUnavailableError without fastjsonschema."""
    library = fastjsonschema()
    try:
        return library.compile(schema, handlers=NO_REMOTE, use_default=False)
    except SchemaError:
        raise
    except (SyntaxError, RecursionError, MemoryError) as error:  # the validator's code is too deep or too big
        raise SchemaError("The schema nests too deeply or is too large to be checked here: fastjsonschema "
                          f"turns it into Python code, which Python refuses ({_reason(error)}). Nest its "
                          "anyOf, oneOf, items and properties fewer levels deep, or split it.") from error
    except Exception as error:  # JsonSchemaDefinitionException, re.error... what compiling a bad schema raises
        raise SchemaError(f"The schema cannot be used: {_reason(error)}") from error


def _reason(error: BaseException) -> str:
    """An error's message, or its type's name when it has none (a MemoryError)."""
    return str(error) or type(error).__name__


def draft(schema: dict | bool) -> str:
    """The draft whose rules fastjsonschema applies to `schema`: the draft-04 or -06 its `$schema` names,
    else draft-07 (also for 2019-09 and 2020-12, whose new keywords it does not check)."""
    declared = str(schema.get("$schema", "")) if isinstance(schema, dict) else ""
    return next((name for name in ("draft-04", "draft-06") if name in declared), "draft-07")


@functools.cache
def _meta_validator(name: str) -> Callable[[Any], Any]:
    return compile_schema(json.loads(META_SCHEMAS[name]))  # a copy each time: compiling rewrites its $ref


@functools.lru_cache(maxsize=32)  # the form and each file added parse the same text again
def schema_problem(text: str) -> str:
    """Why the schema in `text` (JSON, parsed already by the caller) cannot be used, or "" when it can:
    "\"required\" at /required must be array; got 5 (JSON Schema draft-07's meta-schema)" for a
    schema that breaks its draft's meta-schema, fastjsonschema's reason when it cannot compile it.
    ValidatorUnavailableError without fastjsonschema, before the text is parsed (the page's main thread
    has none: a large schema is not parsed there a second time for nothing)."""
    fastjsonschema()
    schema = json.loads(text)
    name = draft(schema)
    try:
        _meta_validator(name)(schema)
    except fastjsonschema().JsonSchemaValueException as error:
        return f"{_refusal(error, schema, json.loads(META_SCHEMAS[name]), name)} (JSON Schema {name}'s meta-schema)"
    try:
        compile_schema(schema)
    except SchemaError as error:
        return str(error).rstrip(".")
    return ""


def _refusal(error: Any, schema: Any, meta: dict, name: str, above: tuple[str, ...] = ()) -> str:
    """'"type" at /properties/a/type must be ...; got "strin"' from fastjsonschema's error about
    `schema` (found at the keys `above` in the user's schema): the keyword when the place is one
    ("the value at /properties/a" when it is a property's schema)."""
    keys = [*above, *_located(schema, error.path[1:])]
    if error.rule == "anyOf":  # "a schema, or an array of them": a schema in there may say what it breaks
        deeper = _inner_refusal(error.value, meta, name, tuple(keys))
        if deeper:
            return deeper
    said = str(error.message)[len(str(error.name)):].strip()
    if error.rule == "anyOf" and isinstance(error.rule_definition, list):
        said = "must be " + _any_of(error.rule_definition, meta)
    if not keys:
        return f"the schema: {said}"
    pointer = "/" + "/".join(key.replace("~", "~0").replace("/", "~1") for key in keys)
    keyword = keys[-1] in meta.get("properties", {}) and (len(keys) == 1 or keys[-2] not in NAMED)
    shown = json.dumps(error.value, ensure_ascii=False)
    shown = shown if len(shown) <= SHOWN_VALUE else shown[:SHOWN_VALUE] + "…"
    where = f'"{keys[-1]}" at {pointer}' if keyword else f"the value at {pointer}"
    return f"{where} {said}; got {shown}"


def _inner_refusal(value: Any, meta: dict, name: str, keys: tuple[str, ...]) -> str:
    """The refusal of the first schema in `value` (an object, or a list of them) that breaks the
    meta-schema, or "" when none does (the value then has the wrong form for the keyword)."""
    inner = [(keys, value)] if isinstance(value, dict) else \
        [((*keys, str(index)), item) for index, item in enumerate(value) if isinstance(item, dict)] \
        if isinstance(value, list) else []
    for where, schema in inner:
        try:
            _meta_validator(name)(schema)
        except fastjsonschema().JsonSchemaValueException as error:
            return _refusal(error, schema, meta, name, where)
    return ""


def _located(schema: Any, parts: list[str]) -> list[str]:
    """The keys of the place fastjsonschema names as dotted `parts` ("properties", "a", "b") in
    `schema`: a key holding dots ("a.b") is matched whole. The parts as they are if not found."""
    node, keys, index = schema, [], 0
    while index < len(parts):
        if isinstance(node, list) and parts[index].isdigit() and int(parts[index]) < len(node):
            node, index = node[int(parts[index])], index + 1
            keys.append(parts[index - 1])
            continue
        end = next((end for end in range(index + 1, len(parts) + 1)
                    if isinstance(node, dict) and ".".join(parts[index:end]) in node), None)
        if end is None:
            return keys + parts[index:]
        keys.append(".".join(parts[index:end]))
        node, index = node[keys[-1]], end
    return keys


def _any_of(alternatives: list, meta: dict) -> str:
    """The forms a keyword may take, from the meta-schema's anyOf: 'one of "array", ..., or an array
    of them'; 'a schema, or an array of them'."""
    said: list[str] = []
    seen: list[Any] = []
    for alternative in alternatives:
        node = _resolved(alternative, meta)
        items = _resolved(node.get("items"), meta) if isinstance(node, dict) and node.get("type") == "array" else None
        if items is not None:
            said.append("an array of " + ("them" if items in seen else _plural(items, meta)))
        else:
            said.append(_one(node, meta))
        seen.append(node)
    return ", or ".join(said)


def _resolved(node: Any, meta: dict) -> Any:
    """`node` with its `$ref` into the meta-schema followed ("#/definitions/simpleTypes")."""
    if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
        return node
    target: Any = meta
    for key in node["$ref"].partition("#")[2].split("/")[1:]:
        target = target.get(key.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
    return target


def _is_schema(node: Any, meta: dict) -> bool:
    identity = meta.get("$id", meta.get("id"))
    return node is meta or (isinstance(node, dict) and node.get("$id", node.get("id")) == identity)


def _one(node: Any, meta: dict) -> str:
    if _is_schema(node, meta):
        return "a schema"
    if isinstance(node, dict) and isinstance(node.get("enum"), list):
        return "one of " + ", ".join(json.dumps(value) for value in node["enum"])
    kind = node.get("type") if isinstance(node, dict) else None
    if kind == "boolean":
        return "true or false"
    return f"{'an' if str(kind)[:1] in 'aeiou' else 'a'} {kind}" if isinstance(kind, str) else "another form"


def _plural(node: Any, meta: dict) -> str:
    if _is_schema(node, meta):
        return "schemas"
    kind = node.get("type") if isinstance(node, dict) else None
    return PLURALS.get(kind, "values") if isinstance(kind, str) else "values"
