"""Record texts, file assembly, canonical digests, names and deterministic ZIPs."""

import json

from dataflow.executors.json.output import (
    canonical_digest,
    join_records,
    record_text,
    report_bytes,
    report_name,
    split_name,
    stem,
    zip_files,
)
from tests.unit.json.conftest import unzip


def test_compact_records_keep_key_order_and_unicode():
    assert record_text({"b": 1, "a": "é"}, form="jsonl", pretty=False) == '{"b":1,"a":"é"}'


def test_pretty_records_are_indented_inside_the_array():
    texts = [record_text({"a": [1]}, form="json", pretty=True), record_text({"b": 2}, form="json", pretty=True)]
    data = join_records(texts, form="json")
    assert data.decode() == '[\n  {\n    "a": [\n      1\n    ]\n  },\n  {\n    "b": 2\n  }\n]\n'
    assert json.loads(data) == [{"a": [1]}, {"b": 2}]


def test_jsonl_has_one_record_a_line_and_arrays_are_valid_json():
    texts = ['{"a":1}', '{"a":2}']
    assert join_records(texts, form="jsonl") == b'{"a":1}\n{"a":2}\n'
    assert json.loads(join_records(texts, form="json")) == [{"a": 1}, {"a": 2}]
    assert join_records([], form="json") == b"[]\n" and join_records([], form="jsonl") == b""


def test_equal_records_have_equal_digests_whatever_their_key_order():
    assert canonical_digest({"a": 1, "b": [1, 2]}) == canonical_digest({"b": [1, 2], "a": 1})
    assert canonical_digest({"a": 1}) != canonical_digest({"a": 1.5}) and len(canonical_digest(1)) == 16


def test_stems_drop_folders_and_every_json_suffix():
    assert [stem(n) for n in ("dir/export.json", "x.jsonl.zst", "C:\\a\\b.ndjson", ".json")] == [
        "export", "x", "b", "data"]


def test_split_names_are_zero_padded_to_the_width_of_the_total():
    assert split_name("x", 7, 12, "jsonl") == "x-0007.jsonl"
    assert split_name("x", 7, 123_456, "json") == "x-000007.json"


def test_zips_are_identical_for_identical_files():
    files = [("a.jsonl", b"1\n"), ("b.jsonl", b"2\n")]
    assert zip_files(files) == zip_files(files)
    assert unzip(zip_files(files)) == dict(files)


def test_a_lone_surrogate_is_written_as_its_escape_and_the_rest_stays_utf8():
    value = json.loads('{"a":"\\ud800 é 😀","\\udc00":1}')
    text = record_text(value, form="jsonl", pretty=False)
    assert text == '{"a":"\\ud800 é 😀","\\udc00":1}' and json.loads(text) == value
    assert record_text(value, form="json", pretty=True).encode("utf-8").count(b"\\ud") == 2
    assert json.loads(report_bytes({"example": value})) == {"example": value}


def test_records_differing_only_by_a_lone_surrogate_have_different_digests():
    assert canonical_digest(json.loads('"\\ud800"')) != canonical_digest(json.loads('"\\ud801"'))


def test_a_report_is_named_after_the_whole_input_name():
    names = {report_name(source) for source in ("good.jsonl.zst", "good.jsonl", "a/b\\good.json")}
    assert names == {"good.jsonl.zst.report.json", "good.jsonl.report.json", "good.json.report.json"}
