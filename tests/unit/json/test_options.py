"""JsonOptions: defaults, validation with clear messages, and the output form."""

import sys
from dataclasses import fields

import pytest

from dataflow.executors.json.errors import SchemaError, ValidatorUnavailableError
from dataflow.executors.json.kind import JsonKind
from dataflow.executors.json.options import LABELS, JsonOptions, schema_refusal, size_text, too_large
from dataflow.executors.json.schema_rules import schema_problem


def test_defaults_are_the_originals():
    options = JsonOptions()
    assert (options.operation, options.split_size, options.level, options.output_format) == ("inspect", 500, 19,
                                                                                              "auto")


def test_round_trips_through_a_dict_and_ignores_unknown_keys():
    options = JsonOptions(operation="split", split_size=10, pretty=True)
    assert JsonOptions.from_dict(options.to_dict() | {"unknown": 1}) == options


@pytest.mark.parametrize(("fields", "message"), [
    ({"operation": "shred"}, "Operation: choose one of inspect, clean"),
    ({"level": 23}, r"zstd level \(higher is slower\): enter a whole number from 1 to 22"),
    ({"level": True}, "zstd level .*: enter a whole number"),
    ({"split_size": 0}, "Records per file: enter a whole number from 1"),
    ({"output_format": "xml"}, "Output form: choose one of auto, json, jsonl"),
    ({"pretty": "yes"}, "Pretty print: choose yes or no"),
    ({"records_path": "data.items"}, r"^Records path \(JSON Pointer\): enter a JSON Pointer such as /data/items"),
    ({"pretty": True, "output_format": "jsonl"}, "Pretty print: pretty printing applies to JSON arrays"),
    ({"schema": "{not json"}, r"JSON Schema to validate records \(Inspect\): the schema is not valid JSON"),
    ({"schema": "[1]"}, "JSON Schema .*: a JSON Schema is an object"),
    ({"max_depth": 5000}, r"Deepest nesting \(levels\): enter a whole number from 1 to 900"),
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


def test_every_form_field_is_labelled_as_its_messages_say():
    assert all(field.label == LABELS[field.name] for field in JsonKind().form)
    assert set(LABELS) == {field.name for field in fields(JsonOptions)}


@pytest.mark.parametrize("path", ["/a/~2", "/~", "/a~/b", "/a/~x"])
def test_a_records_path_with_an_escape_rfc_6901_does_not_have_is_refused(path):
    with pytest.raises(ValueError, match=r"^Records path \(JSON Pointer\): in a JSON Pointer ~ is written ~0"):
        JsonOptions(records_path=path)


def test_a_records_path_with_the_two_escapes_is_taken():
    assert JsonOptions(records_path="/a~1b/~0c").records_path == "/a~1b/~0c"


@pytest.mark.parametrize("schema, where", [
    ('{"type": 5}', '"type" at /type'), ('{"type": []}', '"type" at /type'),
    ('{"type": ["string", "text"]}', '"type" at /type'),
    ('{"properties": {"type": {"type": "strin"}}}', '"type" at /properties/type/type'),
    ('{"items": {"type": "objekt"}}', '"type" at /items/type'),
    ('{"anyOf": [{"type": "null"}, {"type": "int"}]}', '"type" at /anyOf/1/type'),
    ('{"definitions": {"a": {"not": {"type": 1}}}}', '"type" at /definitions/a/not/type'),
])
def test_a_schema_naming_a_type_json_schema_does_not_have_is_refused_with_where(schema, where):
    pytest.importorskip("fastjsonschema")
    with pytest.raises(ValueError, match=rf'^JSON Schema to validate records \(Inspect\): {where} must be one of "'):
        JsonOptions(schema=schema)


@pytest.mark.parametrize("schema", ['{"required": 5}', '{"properties": []}', '{"type": "strin"}'])
def test_options_with_a_schema_breaking_its_meta_schema_are_refused_before_any_task(schema):
    pytest.importorskip("fastjsonschema")
    with pytest.raises(SchemaError, match="meta-schema"):
        JsonKind().parse_options({"operation": "inspect", "schema": schema})


@pytest.mark.parametrize("operation", ["convert", "split", "clean", "compress"])
def test_a_schema_is_not_refused_by_an_operation_that_does_not_validate(operation):
    options = JsonKind().parse_options({"operation": operation, "schema": '{"required": 5}'})
    assert options.schema == '{"required": 5}'  # kept as typed, for when Inspect is chosen again
    with pytest.raises(SchemaError):
        JsonKind().parse_options({"operation": "inspect", "schema": "{not json"})


def test_a_schema_nested_too_deep_is_refused_before_it_is_parsed():
    with pytest.raises(SchemaError, match="nests deeper than 200 levels"):
        JsonOptions(schema="[" * 50_000 + "]" * 50_000)


def test_a_property_called_type_is_not_taken_for_the_type_keyword():
    assert JsonOptions(schema='{"type": ["object", "null"], "properties": {"type": {"type": "string"}}}').schema


@pytest.fixture
def main_thread(monkeypatch):
    """This Python as the page's main thread: fastjsonschema cannot be imported (and nothing is cached)."""
    monkeypatch.setitem(sys.modules, "fastjsonschema", None)  # import raises ImportError
    schema_problem.cache_clear()
    yield
    schema_problem.cache_clear()


def test_where_fastjsonschema_cannot_be_imported_the_parse_skips_the_meta_schema_and_checks_the_rest(main_thread):
    assert JsonKind().parse_options({"operation": "inspect", "schema": '{"required": 5}'}).schema == '{"required": 5}'
    with pytest.raises(SchemaError, match="not valid JSON"):
        JsonOptions(schema="{not json")
    with pytest.raises(SchemaError, match="is an object"):
        JsonOptions(schema="[]")


def test_where_fastjsonschema_cannot_be_imported_the_full_check_says_so_rather_than_pass(main_thread):
    with pytest.raises(ValidatorUnavailableError):
        schema_refusal('{"required": 5}')


@pytest.mark.parametrize("schema", ['{"required": 5}', '{"type": "strin"}', "{not json", '{"$ref": "#/nowhere"}'])
def test_the_full_check_of_a_schema_says_what_the_options_say_when_they_refuse_it(schema):
    pytest.importorskip("fastjsonschema")
    with pytest.raises(SchemaError) as refused:
        JsonOptions(schema=schema)
    assert schema_refusal(schema) == str(refused.value)


@pytest.mark.parametrize("schema", ['{"type": "object", "required": ["id"]}', "true", "{}"])
def test_the_full_check_takes_a_usable_schema(schema):
    pytest.importorskip("fastjsonschema")
    assert schema_refusal(schema) == ""
