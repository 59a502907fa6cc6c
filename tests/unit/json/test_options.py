"""JsonOptions: defaults, validation with clear messages, and the output form."""

import pytest

from dataflow.executors.json.options import JsonOptions, size_text, too_large


def test_defaults_are_the_originals():
    options = JsonOptions()
    assert (options.operation, options.split_size, options.level, options.output_format) == ("inspect", 500, 19,
                                                                                              "auto")


def test_round_trips_through_a_dict_and_ignores_unknown_keys():
    options = JsonOptions(operation="split", split_size=10, pretty=True)
    assert JsonOptions.from_dict(options.to_dict() | {"unknown": 1}) == options


@pytest.mark.parametrize(("fields", "message"), [
    ({"operation": "shred"}, "operation must be one of inspect, clean"),
    ({"level": 23}, "level must be a whole number from 1 to 22"),
    ({"level": True}, "level must be a whole number"),
    ({"split_size": 0}, "split_size must be a whole number from 1"),
    ({"output_format": "xml"}, "output_format must be one of auto, json, jsonl"),
    ({"pretty": "yes"}, "pretty must be true or false"),
    ({"records_path": "data.items"}, "records_path must be a JSON Pointer"),
    ({"pretty": True, "output_format": "jsonl"}, "pretty printing applies to JSON arrays"),
    ({"schema": "{not json"}, "the schema is not valid JSON"),
    ({"schema": "[1]"}, "a JSON Schema is an object"),
    ({"max_depth": 5000}, "max_depth must be a whole number from 1 to 900"),
])
def test_bad_options_are_refused_with_a_message(fields, message):
    with pytest.raises(ValueError, match=message):
        JsonOptions(**fields)


def test_convert_writes_the_other_form_and_other_operations_keep_the_input_form():
    assert JsonOptions(operation="convert").output_form("json") == "jsonl"
    assert JsonOptions(operation="convert").output_form("jsonl") == "json"
    assert JsonOptions(operation="clean").output_form("jsonl") == "jsonl"
    assert JsonOptions(operation="convert", output_format="json").output_form("json") == "json"


def test_the_schema_is_parsed_and_an_empty_one_is_none():
    assert JsonOptions(schema='{"type": "object"}').parsed_schema() == {"type": "object"}
    assert JsonOptions(schema="  ").parsed_schema() is None


def test_sizes_read_like_people_write_them():
    assert [size_text(n) for n in (512, 3 * 1024 + 200, 200 * 1024 * 1024)] == ["512 bytes", "3.2 KB", "200 MB"]


def test_a_size_just_over_the_limit_is_shown_in_bytes():
    limit = 200 * 1024 * 1024
    assert too_large(300 * 1024 * 1024, limit) == "The file is 300 MB; the limit is 200 MB."
    assert too_large(limit + 100, limit) == "The file is 209,715,300 bytes; the limit is 209,715,200 bytes."
