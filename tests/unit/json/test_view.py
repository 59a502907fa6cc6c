"""The JSON result's view, built from real results of the service read through the lazy BlobSource."""

import asyncio
import json

from dataflow.browser.blob_source import BlobSource
from dataflow.core.blobs import file_key
from dataflow.core.views import Counts, Facts, Groups, Notes, Table, Tree
from dataflow.executors.json.view import HEAD_BYTES, first_records, schema_tree, value_cell

from .conftest import as_array, as_jsonl, make_records


def source_over(store, key: str, reads: list) -> BlobSource:
    data = store.data[key]
    data = data.encode("utf-8") if isinstance(data, str) else data

    async def read_range(start: int, end: int) -> bytes:
        reads.append((key, start, end))
        return data[start:end]

    async def lookup(other: str) -> BlobSource | None:
        return source_over(store, other, reads) if other in store.data else None
    return BlobSource(len(data), read_range, lookup)


def view_of(store, run_file, data: bytes, options: dict, *, name: str = "data.json"):
    from dataflow.executors.json.view import json_view
    _, result, _, _ = asyncio.run(run_file(data, options, name=name))
    reads: list = []
    view = asyncio.run(json_view(result, {"file_id": "f-t1"}, source_over(store, result["result_key"], reads)))
    return view, reads, result


def blocks_of(view, kind):
    return [block for block in view.blocks if isinstance(block, kind)]


def test_an_inspection_shows_its_report_schema_tree_and_first_records_of_the_input(store, run_file):
    view, _, _ = view_of(store, run_file, as_array(make_records(120)), {"operation": "inspect"})
    facts = dict(blocks_of(view, Facts)[0].rows)
    assert facts["Records"] == "120" and facts["Operation"] == "inspect"
    tree = blocks_of(view, Tree)[0].nodes
    assert tree[0].label == "record ($)"
    fields = {node.label: node for node in tree[0].children}
    assert set(fields) >= {"id", "name", "email", "tags", "meta"}
    assert "(email)" in fields["email"].detail and "present in 100%" in fields["email"].detail
    assert [child.label for child in fields["meta"].children] == ["ok", "note"]
    assert fields["tags"].children[0].label == "[] items"
    table = blocks_of(view, Table)[0]
    assert table.columns[:3] == ("id", "name", "email") and len(table.rows) == 50
    assert table.note == "The first 50 of 120 records"
    meta = table.rows[0].cells[table.columns.index("meta")]
    assert meta.text == "{2 keys}" and json.loads(meta.full) == {"ok": True, "note": None}
    assert json.loads(table.rows[1].copy) == make_records(2)[1]


def test_validation_errors_are_grouped_by_field_path_with_their_records(store, run_file):
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    options = {"operation": "inspect", "schema": json.dumps(schema)}
    view, _, _ = view_of(store, run_file, as_jsonl(make_records(7)), options, name="data.jsonl")
    groups = blocks_of(view, Groups)[0]
    assert groups.heading.startswith("Validation: 7 invalid records, 0 valid")
    assert groups.groups[0].title == "$.id" and groups.groups[0].count == 7
    assert groups.groups[0].items[0].startswith("Record 1: ")


def test_a_clean_shows_redactions_by_kind_and_the_cleaned_records(store, run_file):
    records = [{"note": f"mail me at x{i}@example.com", "n": i} for i in range(5)]
    view, _, _ = view_of(store, run_file, as_jsonl(records), {"operation": "clean"}, name="data.jsonl")
    counts = blocks_of(view, Counts)[0]
    assert dict(counts.items)["email"] == 5
    table = blocks_of(view, Table)[0]
    assert "example.com" not in table.rows[0].cells[0].text and table.note == ""
    assert "Processing time" in dict(blocks_of(view, Facts)[0].rows)


def test_a_large_result_is_read_only_in_part(store, run_file):
    view, reads, result = view_of(store, run_file, as_jsonl(make_records(20_000)), {"operation": "convert"},
                                  name="data.jsonl")
    assert result["size"] > 2 * HEAD_BYTES
    assert sum(end - start for key, start, end in reads if key == result["result_key"]) <= HEAD_BYTES
    assert blocks_of(view, Table)[0].note == "The first 50 of 20,000 records"


def test_a_split_shows_the_records_of_its_first_file(store, run_file):
    view, _, _ = view_of(store, run_file, as_array(make_records(30)), {"operation": "split", "split_size": 10})
    table = blocks_of(view, Table)[0]
    assert len(table.rows) == 10 and table.rows[0].cells[0].text == "0"


def test_warnings_are_listed(store, run_file):
    data = json.dumps({"meta": {}, "items": make_records(3)}).encode()
    view, _, _ = view_of(store, run_file, data, {"operation": "convert"})
    assert any("/items" in item for item in blocks_of(view, Notes)[0].items)


def test_first_records_leaves_out_a_record_cut_by_the_end_of_the_read():
    text = as_array(make_records(3), indent=2)
    assert first_records(text, 10) == make_records(3)
    assert first_records(text[:-40], 10) == make_records(2)
    lines = as_jsonl(make_records(3))
    assert first_records(lines[:-5], 10) == make_records(2)
    assert first_records(b"[]", 10) == [] and first_records(b"", 10) == []


def test_first_records_stops_before_a_record_too_deep_to_parse():
    deep = b"[" + b"[" * 5000 + b"]" * 5000 + b"]"
    assert first_records(b'[{"a": 1}, ' + deep + b"]", 10) == [{"a": 1}]


def test_long_and_nested_values_are_cut_and_expandable():
    assert value_cell("short") == value_cell("short", 80) and value_cell("short").full is None
    long = value_cell("x" * 200)
    assert len(long.text) == 80 and long.text.endswith("…") and long.full == "x" * 200
    assert value_cell([1, 2]).text == "[2 items]" and value_cell(None).text == "null"


def test_the_schema_tree_nests_keys_with_dots_under_their_parent_in_order():
    rows = [{"path": "$", "types": {"object": 2}}, {"path": "$.a", "types": {"array": 2}, "presence": 1.0},
            {"path": "$.a[]", "types": {"object": 3}}, {"path": "$.a[].b", "types": {"string": 3}, "presence": 1.0},
            {"path": "$.c", "types": {"integer": 1, "null": 1}, "presence": 0.5, "present": 1}]
    (root,) = schema_tree(rows)
    assert [n.label for n in root.children] == ["a", "c"]
    assert root.children[0].children[0].children[0].label == "b"
    assert root.children[1].detail == "integer 50% | null 50% · present in 50% (1)"


def test_the_input_file_is_the_records_source_of_an_inspection(store, run_file):
    view, reads, _ = view_of(store, run_file, as_array(make_records(5)), {"operation": "inspect"})
    assert any(key == file_key("f-t1") for key, _, _ in reads)


def test_an_inspection_of_a_utf16_or_compressed_file_shows_no_records_table(store, run_file):
    data = as_jsonl(make_records(3)).decode().encode("utf-16")
    view, _, _ = view_of(store, run_file, data, {"operation": "inspect"}, name="data.jsonl")
    assert blocks_of(view, Table) == [] and blocks_of(view, Tree)


def test_head_records_reads_more_only_while_too_few_records_are_found():
    from dataflow.executors.json.view import FIRST_READ, head_records
    big = [{"text": "x" * 4000, "n": i} for i in range(60)]
    reads: list = []
    store_data = {"k": as_jsonl(big)}

    class Store:
        data = store_data
    records = asyncio.run(head_records(source_over(Store, "k", reads), 50))
    assert records == big[:50]
    assert [end for _, _, end in reads] == [FIRST_READ, len(store_data["k"])]  # 4 × 64 KB is more than it has
    small = {"k": b'{"a": 1}\n{"a": 2}'}  # the last line has no newline: the file ends there

    class Small:
        data = small
    assert asyncio.run(head_records(source_over(Small, "k", []), 50)) == [{"a": 1}, {"a": 2}]
