"""The record operations: what a record becomes, the state they checkpoint, and their summaries."""

import json

from dataflow.executors.json.operations import ByteOperation, Clean, Convert, Inspect, Split
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.json.zstd import available


def feed(operation, records, start=0):
    return [operation.add(record, start + index) for index, record in enumerate(records)]


def test_inspect_writes_nothing_and_summarises_schema_depth_and_checks():
    options = JsonOptions(schema='{"required": ["id"]}', chat_check=True)
    inspect = Inspect(options, "json")
    assert feed(inspect, [{"id": 1, "messages": [{"role": "user", "content": "x"}]}, {"x": [[1]]}]) == [None, None]
    summary = inspect.summary()
    assert summary["records"] == 2 and summary["max_depth"] == 3
    assert summary["validation"]["invalid_records"] == 1 and summary["validation"]["valid_records"] == 1
    assert summary["chat_format"]["records_with_problems"] == 2
    assert summary["schema"]["properties"]["id"]["type"] == "integer"


def test_inspect_resumed_from_its_state_gives_the_same_summary():
    options = JsonOptions(schema='{"required": ["id"]}', chat_check=True)
    records = [{"id": i} if i % 3 else {"name": "x"} for i in range(10)]
    whole = Inspect(options, "json")
    feed(whole, records)
    first = Inspect(options, "json")
    feed(first, records[:4])
    second = Inspect(options, "json", json.loads(json.dumps(first.state())))
    feed(second, records[4:], start=4)
    assert second.summary() == whole.summary()


def test_clean_writes_redacted_records_and_counts_by_path():
    clean = Clean(JsonOptions(operation="clean"), "jsonl")
    assert feed(clean, [{"mail": "x@example.com"}]) == ['{"mail":"[REDACTED:email]"}']
    resumed = Clean(JsonOptions(operation="clean"), "jsonl", clean.state())
    feed(resumed, [{"mail": "y@example.com"}])
    assert resumed.summary()["redactions"]["by_path"] == [{"kind": "email", "path": "$.mail", "count": 2}]
    assert resumed.summary()["records_written"] == 2


def test_convert_removes_exact_duplicates_by_canonical_form_and_counts_them():
    convert = Convert(JsonOptions(operation="convert", dedupe=True), "jsonl")
    texts = feed(convert, [{"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 2}, {"a": 1, "b": 2}])
    assert texts == ['{"a":1,"b":2}', None, '{"a":2}', None]
    assert convert.summary() == {"records_read": 4, "records_written": 2, "duplicates_removed": 2}


def test_duplicates_are_still_found_after_a_resume_from_the_stored_digests():
    options = JsonOptions(operation="convert", dedupe=True)
    first = Convert(options, "jsonl")
    feed(first, [{"a": 1}, {"a": 2}])
    extra, state = first.extra(), first.state()
    assert len(extra) == 32 and first.extra() == b""  # each digest is handed over once
    second = Convert(options, "jsonl", state)
    second.load_extras([extra])
    assert feed(second, [{"a": 2}, {"a": 3}], start=2) == [None, '{"a":3}']


def test_without_dedupe_every_record_is_written():
    convert = Convert(JsonOptions(operation="convert"), "json")
    assert feed(convert, [{"a": 1}, {"a": 1}]) == ['{"a":1}', '{"a":1}']
    assert "duplicates_removed" not in convert.summary()


def test_split_writes_every_record():
    split = Split(JsonOptions(operation="split", output_format="json", pretty=True), "json")
    assert feed(split, [{"a": 1}]) == ['  {\n    "a": 1\n  }']


def test_warnings_are_capped_but_counted():
    split = Split(JsonOptions(operation="split"), "jsonl")
    split.warn([f"w{i}" for i in range(30)], 30)
    split.warn(["late"], 1)
    assert len(split.warnings) == 20 and split.warning_count == 31


def test_compress_cuts_the_input_in_fixed_frames_whatever_the_budget():
    codec = available()
    data = bytes(range(256)) * 40_000  # 10 MB
    options = JsonOptions(operation="compress", level=1)
    small, big = ByteOperation(options, codec), ByteOperation(options, codec)
    pieces, offset = [], 0
    while offset < len(data):
        piece, offset = small.piece(data, offset, 1)
        pieces.append(piece)
    whole, end = big.piece(data, 0, len(data))
    assert end == len(data) and b"".join(pieces) == whole and small.frames == big.frames == 5
    assert codec.decompress(whole, len(data)) == data
