"""What the user chose for a JSON task (operation, output form, limits), validated. Standard library, the
JSON errors and the check of a user's schema (schema_rules: fastjsonschema, imported when a schema is given;
where it cannot be, as on the page's main thread, that part is left to the JSON worker: `schema_refusal`)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from dataflow.executors.json.depth import within
from dataflow.executors.json.errors import SchemaError, ValidatorUnavailableError
from dataflow.executors.json.schema_rules import fastjsonschema, schema_problem

OPERATIONS = ("inspect", "clean", "split", "convert", "compress", "decompress")
FORMATS = ("auto", "json", "jsonl")
MB = 1024 * 1024
BAD_ESCAPE = re.compile(r"~(?![01])")  # RFC 6901: "~" only as ~0 ("~") and ~1 ("/")
MAX_SCHEMA_NESTING = 200  # brackets deep: about 100 levels of schemas, far below any recursion limit
MAX_DEPTH_CEILING = 900  # our own walks recurse once per level; CPython stops at 1,000 frames
# The options' labels: the form's (kind.py) and the start of every message about a bad value, as
# OptionField.message() words a whole number ("Records per file: enter a whole number ...").
LABELS = {"operation": "Operation", "records_path": "Records path (JSON Pointer)", "output_format": "Output form",
          "split_size": "Records per file", "level": "zstd level (higher is slower)", "pretty": "Pretty print",
          "dedupe": "Remove duplicate records", "chat_check": "Check chat fine-tuning format",
          "redact_keys": "Redact in keys too", "schema": "JSON Schema to validate records (Inspect)",
          "max_errors_per_path": "Errors kept per path", "examples": "Examples per path",
          "max_file_bytes": "Largest file (bytes)", "max_depth": "Deepest nesting (levels)"}


@dataclass(frozen=True)
class JsonOptions:
    """Defaults: inspect; split into 500 records a file; zstd level 19 (the original's).

    `records_path` is a JSON Pointer (RFC 6901) to the array of records in a `.json` object; None
    picks the largest array of objects. `output_format` "auto" keeps the input's form (convert: the
    other one). `schema` is the text of a JSON Schema to validate records against (inspect only).
    """

    operation: str = "inspect"
    records_path: str | None = None
    output_format: str = "auto"
    pretty: bool = False
    dedupe: bool = False
    split_size: int = 500
    level: int = 19
    schema: str | None = None
    chat_check: bool = False
    max_errors_per_path: int = 5
    examples: int = 3
    redact_keys: bool = False
    max_file_bytes: int = 200 * MB
    max_depth: int = 512

    def __post_init__(self) -> None:
        _choice("operation", self.operation, OPERATIONS)
        _choice("output_format", self.output_format, FORMATS)
        for name in ("pretty", "dedupe", "chat_check", "redact_keys"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{LABELS[name]}: choose yes or no; got {getattr(self, name)!r}.")
        _whole("split_size", self.split_size, 1, 1_000_000)
        _whole("level", self.level, 1, 22)
        _whole("max_errors_per_path", self.max_errors_per_path, 0, 1_000)
        _whole("examples", self.examples, 0, 20)
        _whole("max_file_bytes", self.max_file_bytes, 1, 2**40)
        _whole("max_depth", self.max_depth, 1, MAX_DEPTH_CEILING)
        if self.records_path is not None and not (self.records_path == "" or self.records_path.startswith("/")):
            raise ValueError(f"{LABELS['records_path']}: enter a JSON Pointer such as /data/items (it starts "
                             f"with /); got {self.records_path!r}.")
        if self.records_path and BAD_ESCAPE.search(self.records_path):
            raise ValueError(f"{LABELS['records_path']}: in a JSON Pointer ~ is written ~0 and / inside a name ~1 "
                             f"(RFC 6901); got {self.records_path!r}.")
        if self.pretty and self.output_format == "jsonl":
            raise ValueError(f"{LABELS['pretty']}: pretty printing applies to JSON arrays (JSONL holds one record per "
                             f"line): choose No, or JSON array as the output form.")
        if self.schema is not None and self.operation == "inspect":  # the only operation that uses it
            self.parsed_schema()  # fails here, before any work, when the text is not a usable schema

    def parsed_schema(self) -> dict | bool | None:
        """The user's schema as JSON, or None; SchemaError (a ValueError) when it is not JSON, not an
        object or boolean, or not a valid schema of its draft (see schema_rules.schema_problem). That
        last check needs fastjsonschema and is skipped where it cannot be imported: the page's main
        thread, whose form asks the JSON worker instead (`schema_refusal`); a task's worker runs it."""
        if self.schema is None or not self.schema.strip():
            return None
        if not within(self.schema, MAX_SCHEMA_NESTING):  # before a recursive parser sees it
            raise SchemaError(f"{LABELS['schema']}: the schema nests deeper than {MAX_SCHEMA_NESTING} levels.")
        try:
            schema = json.loads(self.schema)
        except ValueError as error:
            raise SchemaError(f"{LABELS['schema']}: the schema is not valid JSON: {error}") from None
        if not isinstance(schema, (dict, bool)):
            raise SchemaError(f"{LABELS['schema']}: a JSON Schema is an object (or true/false).")
        try:
            problem = schema_problem(self.schema)
        except ValidatorUnavailableError:  # never loaded on the main thread: compiling a meta-schema blocks 0.3-0.5 s
            problem = ""
        if problem:
            raise SchemaError(f"{LABELS['schema']}: {problem}.")
        return schema

    def output_form(self, input_form: str) -> str:
        """"json" or "jsonl" for the records written, given the input's form ("json" or "jsonl")."""
        if self.output_format != "auto":
            return self.output_format
        if self.operation == "convert":
            return "jsonl" if input_form == "json" else "json"
        return input_form

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> JsonOptions:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


def schema_refusal(schema: str) -> str:
    """Why the options refuse the JSON Schema text `schema` (SchemaError's message: "JSON Schema to
    validate records (Inspect): ..."), or "" when they take it: the whole check, the meta-schema of its
    draft included (the JSON worker answers the page's form with it). ValidatorUnavailableError where
    fastjsonschema cannot be imported, never "" for a schema it did not check."""
    fastjsonschema()
    try:
        JsonOptions(schema=schema)
    except SchemaError as error:
        return str(error)
    return ""


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{LABELS[name]}: choose one of {', '.join(allowed)}; got {value!r}.")


def _whole(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{LABELS[name]}: enter a whole number from {low:,} to {high:,}; got {value!r}.")


def size_text(size: int) -> str:
    """A byte count for people: 512 bytes, 3.2 KB, 200 MB."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


def too_large(size: int, limit: int) -> str:
    """"The file is 250 MB; the limit is 200 MB.", in bytes when the rounded sizes would read alike."""
    shown, allowed = size_text(size), size_text(limit)
    if shown == allowed:
        shown, allowed = f"{size:,} bytes", f"{limit:,} bytes"
    return f"The file is {shown}; the limit is {allowed}."
