"""RecordReader: records one at a time from any byte offset, whatever the window size, with the
depth guard and clear errors (line, column, excerpt) for every kind of bad input."""

import json

import pytest

from dataflow.executors.json.errors import (
    EncodingError,
    InvalidJsonError,
    NonFiniteNumberError,
    NumberTooLargeError,
    TooDeepError,
    TruncatedJsonError,
)
from dataflow.executors.json.layout import detect
from dataflow.executors.json.reader import RecordReader
from tests.unit.json.conftest import as_array, as_jsonl, make_records


def reader_for(data: bytes, name: str = "data.json", *, window: int = 64, max_depth: int = 64) -> RecordReader:
    return RecordReader(data, detect(data, name, None, max_depth), max_depth=max_depth, window=window)


def read_all(data: bytes, name: str = "data.json", **kwargs) -> list:
    return [record.value for record in reader_for(data, name, **kwargs).records()]


@pytest.mark.parametrize("window", [8, 64, 1 << 20])
@pytest.mark.parametrize(("name", "encode"), [("data.json", as_array), ("data.jsonl", as_jsonl),
                                              ("data.json", lambda r: as_array(r, indent=2))])
def test_every_record_is_read_whatever_the_window(name, encode, window):
    records = make_records(40)
    assert read_all(encode(records), name, window=window) == records


@pytest.mark.parametrize(("name", "encode"), [("data.json", as_array), ("data.jsonl", as_jsonl)])
def test_reading_resumes_from_the_offset_after_any_record(name, encode):
    records = make_records(15)
    data = encode(records)
    reader = reader_for(data, name, window=32)
    for record in reader.records():
        rest = [r.value for r in reader_for(data, name, window=32).records(record.end, record.index + 1)]
        assert rest == records[record.index + 1:]


def test_offsets_count_utf8_bytes_not_characters():
    data = as_jsonl([{"text": "ééé"}, {"text": "日本"}])
    first = next(reader_for(data, "a.jsonl").records())
    assert first.end == data.index(b"\n") + 1


def test_records_inside_an_object_stop_at_the_end_of_their_array():
    data = json.dumps({"items": [{"a": 1}, {"a": 2}], "after": [1, 2, 3]}).encode()
    assert read_all(data) == [{"a": 1}, {"a": 2}]


def test_an_empty_array_has_no_records():
    assert read_all(b"  [ ]  ") == []


def test_blank_lines_in_jsonl_are_skipped():
    assert read_all(b'{"a":1}\n\n  \n{"a":2}', "a.jsonl") == [{"a": 1}, {"a": 2}]


def test_duplicate_keys_keep_the_last_value_with_a_warning():
    reader = reader_for(b'[{"a":1},{"id":1,"id":2}]')
    assert [r.value for r in reader.records()] == [{"a": 1}, {"id": 2}]
    assert reader.warnings == ["Record 2 repeats the key 'id'; the last value was kept."]
    assert reader.warning_count == 1


def test_a_record_larger_than_the_window_grows_it():
    big = {"text": "x" * 5000, "nested": [[1, 2]] * 100}
    assert read_all(as_array([big, {"a": 1}]), window=16) == [big, {"a": 1}]


@pytest.mark.parametrize(("data", "error", "message"), [
    (b'[{"a":1},\n {"a" 1}]', InvalidJsonError, "Invalid JSON on line 2, column 7: expecting ':' delimiter"),
    (b'[{"a":1},]', InvalidJsonError, "a comma before ] (a trailing comma is not JSON)"),
    (b'[1, 2 3]', InvalidJsonError, "line 1, column 7: expected a comma or ] after the record"),
    (b'[{"a":1}] trailing', InvalidJsonError, "there is more after the closing ] of the array"),
    (b'[{"a":1},{"b":', TruncatedJsonError, "The file looks truncated: the file ends inside a record"),
    (b'[{"a":1}', TruncatedJsonError, "the file ends before the array of records is closed"),
    (b'[{"a":"never closed', TruncatedJsonError, "looks truncated"),
    (b'[{"a": 1}, {"b": NaN}]', NonFiniteNumberError, "NaN on line 1, column 18 is not valid JSON"),
    (b'[{"a": -Infinity}]', NonFiniteNumberError, "-Infinity on line 1, column 8"),
    (b'[{"a": 1e400}]', NumberTooLargeError, "The number 1e400 on line 1, column 8 is too large"),
    (b'[{"a": ' + b"9" * 400 + b"}]", NumberTooLargeError, "is too large for a double-precision float"),
    ('[{"a": "caf\xe9"}]'.encode("latin-1"), EncodingError, "byte 0xE9 on line 1 (byte 11) looks like Latin-1"),
])
def test_bad_input_raises_its_error_with_a_clear_message(data, error, message):
    with pytest.raises(error) as raised:
        read_all(data, window=8)
    assert message in str(raised.value)


def test_the_excerpt_shows_the_text_around_the_error():
    with pytest.raises(InvalidJsonError) as raised:
        read_all(b'[{"name": "ok"}, {"name": tru}]')
    assert "“" in str(raised.value) and '{"name": tru}' in str(raised.value)
    assert raised.value.line == 1 and raised.value.column == 27


def test_a_string_in_the_value_is_not_taken_for_nan():
    with pytest.raises(NonFiniteNumberError) as raised:
        read_all(b'[{"s": "NaN", "v": NaN}]')
    assert raised.value.column == 20


def test_two_values_on_one_jsonl_line_are_refused_with_the_line():
    with pytest.raises(InvalidJsonError, match="line 2, column 9: there is more than one value on this line"):
        read_all(b'{"a":1}\n{"a":2} {"a":3}\n', "a.jsonl")


def test_a_cut_last_jsonl_line_is_reported_as_truncated():
    with pytest.raises(TruncatedJsonError):
        read_all(b'{"a":1}\n{"a":', "a.jsonl")


@pytest.mark.parametrize("name", ["data.json", "data.jsonl"])
def test_nesting_far_beyond_the_limit_is_refused_before_parsing(name):
    deep = b"[" * 50_000 + b"]" * 50_000
    data = b"[" + deep + b"]" if name == "data.json" else deep + b"\n"
    with pytest.raises(TooDeepError, match="Nesting deeper than 64 levels on line 1"):
        read_all(data, name, window=1 << 20)


def test_nesting_at_the_limit_is_read():
    value = json.loads("[" * 63 + "]" * 63)
    assert read_all(as_array([value])) == [value]


def test_brackets_inside_strings_do_not_count_as_nesting():
    record = {"text": "[" * 500 + "{" * 500}
    assert read_all(as_array([record]), window=128) == [record]


def test_a_single_object_document_is_one_record():
    assert read_all(b'{"name": "only", "n": 1}') == [{"name": "only", "n": 1}]
