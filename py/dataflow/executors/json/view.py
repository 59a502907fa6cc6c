"""What the result viewer shows of a JSON task: its report (counts, timings, warnings), the inferred
schema as a tree of fields with their types and presence, the first records in a table, validation
and chat-format problems grouped by field path or kind, and what a clean redacted, by kind.

Read lazily from the stored blobs: report.json (small) whole, and of the records only the first
HEAD_BYTES of the result (of its first ZIP entry for a split, of the input file for an inspection),
so a 100,000-record file costs the same to open as a small one. Executors ring, pure."""

from __future__ import annotations

import json
from typing import Any

from dataflow.core.blobs import file_key
from dataflow.core.text import plural, size_text
from dataflow.core.views import (
    Block,
    Cell,
    Counts,
    Facts,
    Group,
    Groups,
    Notes,
    ResultSource,
    ResultView,
    Row,
    Table,
    Tree,
    TreeNode,
    cut,
    load_object,
)
from dataflow.executors.json import depth

PREVIEW_RECORDS = 50  # records in the table
FIRST_READ = 64 * 1024  # read of a result to find them, fourfold while too few are found...
HEAD_BYTES = 1024 * 1024  # ...up to this much
CELL_CHARS = 80  # a longer value is cut in its cell (and expandable)
MAX_COLUMNS = 12
MAX_TREE_NODES = 2000
MAX_DEPTH = 200  # nesting a preview record may have (deeper ones would overflow the wasm stack)
RECORD_FORMS = (".json", ".jsonl", ".ndjson")


async def json_view(result: dict[str, Any], task_input: dict[str, Any], source: ResultSource) -> ResultView:
    """The view of a JSON task's result (its `result` dict, its `input` dict); ValueError when its
    report cannot be read."""
    report = await _report(result, source)
    summary = as_object(report.get("result"))
    blocks: list[Block] = [Facts("Report", tuple(report_rows(report, result)))]
    warnings = tuple(str(warning) for warning in report.get("warnings") or [])
    if warnings:
        blocks.append(Notes("Warnings", warnings))
    fields = [row for row in summary.get("fields") or [] if isinstance(row, dict) and "path" in row]
    if fields:
        blocks.append(Tree("Schema", schema_tree(fields)))
    blocks += problem_groups(summary)
    redactions = summary.get("redactions")
    if isinstance(redactions, dict):
        blocks.append(Counts("Redacted, by kind", tuple((str(kind), int(count)) for kind, count
                                                        in (redactions.get("by_kind") or {}).items())))
    table = await _records_table(result, task_input, report, source)
    if table is not None:
        blocks.append(table)
    return ResultView(title=str(report.get("source") or result.get("filename") or "JSON result"), blocks=tuple(blocks))


async def _report(result: dict[str, Any], source: ResultSource) -> dict[str, Any]:
    key = str(result.get("report_key") or "")
    other = await source.other(key) if key else None
    if other is not None:
        return load_object(await other.whole(), "report.json")
    if result.get("operation") == "inspect":  # its result is the report (without timings)
        return load_object(await source.whole(), str(result.get("filename") or "inspect.json"))
    raise ValueError("its report.json is no longer stored; retry the task to make it again")


def as_object(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def report_rows(report: dict[str, Any], result: dict[str, Any]) -> list[tuple[str, str]]:
    """The report's facts as (label, value) rows: operation, source, counts, output, timings."""
    summary = as_object(report.get("result"))
    info = as_object(report.get("input"))
    rows = [("Operation", str(report.get("operation", ""))), ("Source file", str(report.get("source", "")))]
    if info.get("input_bytes") is not None:
        rows.append(("Input", size_text(int(info["input_bytes"])) + (" (zstd)" if info.get("compressed") else "")))
    if info.get("form"):
        where = f" at {info['records_path']}" if info.get("records_path") else ""
        rows.append(("Records form", f"{info['form']}{where}, {info.get('encoding', 'utf-8')}"))
    labels = (("records", "Records"), ("records_read", "Records read"), ("records_written", "Records written"),
              ("duplicates_removed", "Duplicates removed"), ("max_depth", "Deepest nesting"), ("files", "Files"),
              ("records_per_file", "Records per file"))
    rows += [(label, f"{int(summary[key]):,}") for key, label in labels if isinstance(summary.get(key), int)]
    output = report.get("output")
    if isinstance(output, dict):
        rows.append(("Output", f"{output.get('file', '')} · {size_text(int(output.get('bytes') or 0))}"))
    timings = report.get("timings")
    if isinstance(timings, dict):
        rows += [(str(key).replace("_seconds", "").replace("_", " ").capitalize() + " time", f"{value} s")
                 for key, value in timings.items()]
    return rows


def _types(row: dict[str, Any]) -> str:
    types = as_object(row.get("types"))
    total = sum(int(count) for count in types.values()) or 1
    parts = [name if len(types) == 1 else f"{name} {100 * int(count) / total:.0f}%" for name, count in types.items()]
    text = " | ".join(parts) or "no values"
    if row.get("format"):
        text += f" ({row['format']})"
    presence = row.get("presence")
    if isinstance(presence, (int, float)) and row.get("path") != "$":
        text += f" · present in {100 * presence:.4g}% ({int(row.get('present') or 0):,})"
    return text


def schema_tree(fields: list[dict[str, Any]]) -> tuple[TreeNode, ...]:
    """The inferred fields (schema.Inference.fields rows, in depth-first order: "$", "$.a", "$.a[]",
    "$.a[].b") as a tree: each node's label is its key (or "[] items"), its detail the types with
    shares, a format hint and its presence. At most MAX_TREE_NODES nodes."""
    root: list[TreeNode] = []
    # Each open node: (path, label, detail, children list); nodes are frozen, so built on the way back up.
    stack: list[tuple[str, str, str, list[TreeNode]]] = []

    def close() -> None:
        path, label, detail, children = stack.pop()
        node = TreeNode(label, detail, tuple(children))
        (stack[-1][3] if stack else root).append(node)

    for row in fields[:MAX_TREE_NODES]:
        path = str(row["path"])
        while stack and not (path.startswith(stack[-1][0] + ".") or path.startswith(stack[-1][0] + "[]")):
            close()
        parent = stack[-1][0] if stack else ""
        rest = path[len(parent):] if parent else path
        label = "[] items" if rest == "[]" else rest.removeprefix(".") if parent else "record ($)"
        stack.append((path, label, _types(row), []))
    while stack:
        close()
    return tuple(root)


def problem_groups(summary: dict[str, Any]) -> list[Groups]:
    """Validation errors by field path and chat-format problems by kind, each with its examples."""
    blocks: list[Groups] = []
    validation = summary.get("validation")
    if isinstance(validation, dict):
        groups = []
        for path, group in (validation.get("by_path") or {}).items():
            examples = tuple(f"Record {e.get('record')}: {e.get('message')}" for e in group.get("examples") or []
                             if isinstance(e, dict))
            groups.append(Group(str(path), int(group.get("count") or 0), examples))
        heading = (f"Validation: {plural(int(validation.get('invalid_records') or 0), 'invalid record')}, "
                   f"{int(validation.get('valid_records') or 0):,} valid, by field path")
        blocks.append(Groups(heading, tuple(groups)))
    chat = summary.get("chat_format")
    if isinstance(chat, dict):
        groups = [Group(str(problem).replace("_", " "), int(group.get("count") or 0),
                        tuple(f"Record {number}" for number in group.get("examples") or []))
                  for problem, group in (chat.get("by_problem") or {}).items()]
        heading = f"Chat format: {plural(int(chat.get('records_with_problems') or 0), 'record')} with problems"
        blocks.append(Groups(heading, tuple(groups)))
    return blocks


async def _records_table(result: dict[str, Any], task_input: dict[str, Any], report: dict[str, Any],
                         source: ResultSource) -> Table | None:
    operation = str(result.get("operation") or report.get("operation") or "")
    info = as_object(report.get("input"))
    if operation == "compress":
        return None
    if operation == "inspect":
        if (info.get("compressed") or info.get("records_path") or not task_input.get("file_id")
                or info.get("encoding", "utf-8") not in ("utf-8", "utf-8-sig")):
            return None  # the records are compressed, UTF-16 or deep inside a document: not previewed
        found, name = await source.other(file_key(str(task_input["file_id"]))), None
    elif operation == "split":
        names = sorted(await source.names())
        found = source if names else None
        name = names[0] if names else None
    else:
        if operation == "decompress" and not str(result.get("filename", "")).lower().endswith(RECORD_FORMS):
            return None
        found, name = source, None
    records = await head_records(found, PREVIEW_RECORDS, name) if found is not None else []
    if not records:
        return None
    columns = _columns(as_object(report.get("result")).get("schema"), records)
    return records_table("First records", records, columns, summary_count(report))


def summary_count(report: dict[str, Any]) -> int | None:
    summary = as_object(report.get("result"))
    for key in ("records_written", "records"):
        if isinstance(summary.get(key), int):
            return int(summary[key])
    return None


def _columns(schema: Any, records: list[Any]) -> tuple[str, ...]:
    """Top-level keys: from the inferred schema's properties when there is one, else in the order
    the records show them."""
    columns = [str(key) for key in as_object(as_object(schema).get("properties"))]
    if not columns:
        for record in records:
            if isinstance(record, dict):
                columns += [key for key in record if key not in columns]
    return tuple(columns[:MAX_COLUMNS])


def records_table(heading: str, records: list[Any], columns: tuple[str, ...], total: int | None) -> Table:
    """`records` as table rows under `columns` (a record that is not an object fills one "value"
    column); each row copies as the record's indented JSON."""
    columns = columns or ("value",)
    rows = []
    for number, record in enumerate(records, 1):
        if isinstance(record, dict):
            cells = tuple(value_cell(record[column]) if column in record else Cell("") for column in columns)
        else:
            cells = (value_cell(record),) + tuple(Cell("") for _ in columns[1:])
        rows.append(Row(f"Record {number}", cells, json.dumps(record, indent=2, ensure_ascii=False)))
    shown = f"The first {len(rows):,}" + (f" of {total:,} records" if total is not None else " records")
    return Table(heading, columns, tuple(rows), note=shown if total is None or total > len(rows) else "")


def value_cell(value: Any, limit: int = CELL_CHARS) -> Cell:
    """A JSON value in a cell: a string as itself, an object or array as "{3 keys}" / "[5 items]",
    anything else as its JSON; the whole (indented) value as `full` when nested or cut."""
    if isinstance(value, dict):
        return Cell(f"{{{plural(len(value), 'key')}}}", json.dumps(value, indent=2, ensure_ascii=False))
    if isinstance(value, list):
        return Cell(f"[{plural(len(value), 'item')}]", json.dumps(value, indent=2, ensure_ascii=False))
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    shown = cut(text, limit)
    return Cell(shown, text if shown != text else None)


async def head_records(source: ResultSource, limit: int, name: str | None = None) -> list[Any]:
    """Up to `limit` records from the start of `source` (of its ZIP entry `name`): FIRST_READ bytes,
    four times more while that holds too few, at most HEAD_BYTES."""
    size = FIRST_READ
    while True:
        data = await source.head(size, name)
        whole = len(data) < size  # then its last line is whole, newline or not
        records = first_records(data + b"\n" if whole else data, limit)
        if len(records) >= limit or whole or size >= HEAD_BYTES:
            return records
        size = min(size * 4, HEAD_BYTES)


def first_records(data: bytes, limit: int) -> list[Any]:
    """Up to `limit` whole records from the start of a JSON array or JSONL file (`data` may be cut
    anywhere: a record it cuts is left out). Records nested deeper than MAX_DEPTH end the list."""
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        return _array_records(text, limit)
    records: list[Any] = []
    at = 0
    while len(records) < limit:
        end = text.find("\n", at)
        if end < 0:
            break  # the last line is cut
        line, at = text[at:end], end + 1
        if not line.strip():
            continue
        if not depth.within(line, MAX_DEPTH):
            break
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def _array_records(text: str, limit: int) -> list[Any]:
    records: list[Any] = []
    at = 1
    while len(records) < limit:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            break
        end, too_deep = depth.element_end(text, at, MAX_DEPTH, stop_at_newline=False)
        if end is None or too_deep is not None:
            break
        try:
            records.append(json.loads(text[at:end]))
        except ValueError:
            break
        at = end
    return records
