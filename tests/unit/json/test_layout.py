"""Where the records are: JSONL, a top-level array, or the largest array of objects in an object
(with a way to choose another), found without building the document."""

import json

import pytest

from dataflow.executors.json.errors import InvalidJsonError, NotJsonError, RecordPathError, TooDeepError
from dataflow.executors.json.layout import detect, scan_arrays

EXPORT = json.dumps({"meta": {"count": 3, "tags": ["x", "y", "z", "w"]},
                     "data": {"tickets": [{"id": 1}, {"id": 2}, {"id": 3}], "empty": []},
                     "users": [{"u": 1}], "a/b~c": [{"k": 1}]}).encode()


def test_jsonl_is_known_by_its_extension_also_under_zst():
    assert detect(b'{"a":1}\n', "x.ndjson", None, 10).form == "jsonl"
    assert detect(b'{"a":1}\n', "x.JSONL.zst", None, 10).form == "jsonl"


def test_a_top_level_array_holds_the_records():
    layout = detect(b'\n  [{"a":1}]', "x.json", None, 10)
    assert (layout.form, layout.pointer, layout.start, layout.root) == ("json", "", 4, True)


def test_a_json_file_with_one_object_a_line_is_read_as_jsonl_with_a_warning():
    layout = detect(b'{"a":1}\n{"a":2}\n', "x.json", None, 10)
    assert layout.form == "jsonl" and "read as JSONL" in layout.warnings[0]


def test_the_largest_array_of_objects_is_chosen_and_named():
    layout = detect(EXPORT, "export.json", None, 10)
    assert layout.pointer == "/data/tickets" and not layout.root
    assert EXPORT[layout.start - 1:layout.start] == b"["
    assert "/data/tickets" in layout.warnings[0]
    assert [c.pointer for c in layout.candidates] == ["/data/tickets", "/a~1b~0c", "/users", "/meta/tags",
                                                      "/data/empty"]


def test_another_array_can_be_chosen_by_its_pointer():
    layout = detect(EXPORT, "export.json", "/users", 10)
    assert layout.pointer == "/users"


def test_an_unknown_pointer_lists_the_arrays_found():
    with pytest.raises(RecordPathError, match="There is no array at '/nope'; arrays found: /data/tickets"):
        detect(EXPORT, "export.json", "/nope", 10)


def test_counts_of_each_array_are_given():
    found = {c.pointer: (c.count, c.objects) for c in scan_arrays(EXPORT, 10)}
    assert found["/meta/tags"] == (4, 0) and found["/data/tickets"] == (3, 3) and found["/data/empty"] == (0, 0)


def test_an_object_without_arrays_of_objects_is_one_record():
    layout = detect(b'{"name": "x", "list": [1, 2]}', "x.json", None, 10)
    assert layout.single and "one record" in layout.warnings[0]


def test_a_single_scalar_document_is_not_records():
    with pytest.raises(RecordPathError, match="single value"):
        detect(b'"just a string"', "x.json", None, 10)


def test_text_that_is_not_json_says_what_it_looks_like():
    with pytest.raises(NotJsonError, match="This is not JSON: it looks like an HTML page"):
        detect(b"<!doctype html><p>hi", "x.json", None, 10)


def test_a_truncated_object_is_reported():
    with pytest.raises(InvalidJsonError, match="ends before the document is closed"):
        detect(b'{"data": [{"a": 1}, {"a": ', "x.json", None, 10)


def test_an_unclosed_document_with_a_bare_word_is_invalid_at_the_word_not_truncated():
    with pytest.raises(InvalidJsonError, match="line 1, column 2: this is not a JSON value") as raised:
        detect(b"{this is not json <b>x</b>", "x.json", None, 10)
    assert "truncated" not in str(raised.value)


def test_an_unclosed_document_with_a_stray_character_is_invalid_at_its_line_and_column():
    with pytest.raises(InvalidJsonError, match="line 2, column 2: this is not a JSON value"):
        detect(b'{"a": [true, null, -1.5e3,\n <b>', "x.json", None, 10)


def test_an_unclosed_string_at_the_end_is_truncation():
    with pytest.raises(InvalidJsonError, match="ends before the document is closed"):
        detect(b'{"a": [1, "never closed', "x.json", None, 10)


def test_mismatched_brackets_are_reported_with_the_line():
    with pytest.raises(InvalidJsonError, match="line 2: a bracket closes what it did not open"):
        detect(b'{"data": [1,\n 2}', "x.json", None, 10)


def test_deep_nesting_in_an_object_is_refused_without_recursion():
    with pytest.raises(TooDeepError, match="Nesting deeper than 100 levels on line 1, column 106: such a document"):
        detect(b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b"}", "x.json", None, 100)


def test_a_pointer_into_a_top_level_array_is_refused():
    with pytest.raises(RecordPathError):
        detect(b"[1]", "x.json", "/0", 10)


def test_a_deep_first_line_is_not_parsed_to_decide_whether_the_file_is_jsonl():
    data = b'{"a": ' + b"[" * 50_000 + b"]" * 50_000 + b'}\n{"b": 1}\n'
    with pytest.raises(TooDeepError):
        detect(data, "x.json", None, 100)
