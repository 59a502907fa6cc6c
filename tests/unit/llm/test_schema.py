"""The small JSON Schema validator: the keywords it supports, and a refusal for the others."""

import pytest

from dataflow.executors.llm.errors import SchemaError
from dataflow.executors.llm.schema import check_schema, errors

SCHEMA = {"type": "object", "required": ["name", "tags"], "additionalProperties": False,
          "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5},
                         "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
                         "score": {"type": "number", "minimum": 0, "maximum": 1},
                         "count": {"type": "integer"}, "flag": {"type": ["boolean", "null"]}}}


def test_a_conforming_value_has_no_errors():
    assert errors({"name": "ab", "tags": ["x"], "score": 0.5, "count": 3, "flag": None}, SCHEMA) == []


@pytest.mark.parametrize("value, fragment", [
    ({"tags": []}, "missing 'name'"),
    ({"name": "", "tags": []}, "at least 1"),
    ({"name": "toolong", "tags": []}, "at most 5"),
    ({"name": "a", "tags": ["x", "y", "z"]}, "at most 2"),
    ({"name": "a", "tags": [1]}, "$.tags[0]: expected string, got integer"),
    ({"name": "a", "tags": [], "score": 2}, "above the maximum"),
    ({"name": "a", "tags": [], "count": 1.5}, "expected integer"),
    ({"name": "a", "tags": [], "count": True}, "expected integer, got boolean"),
    ({"name": "a", "tags": [], "other": 1}, "unexpected 'other'"),
    ({"name": "a", "tags": [], "flag": "yes"}, "expected ['boolean', 'null']"),
])
def test_each_violation_is_named_with_its_path(value, fragment):
    assert any(fragment in line for line in errors(value, SCHEMA)), errors(value, SCHEMA)


def test_any_of_needs_one_match():
    schema = {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert errors(3, schema) == [] and errors("x", schema) == []
    assert errors(1.5, schema) == ["$: matches none of anyOf"]


def test_a_schema_with_an_unsupported_keyword_is_refused_by_name():
    with pytest.raises(SchemaError, match=r"properties.name uses pattern"):
        check_schema({"type": "object", "properties": {"name": {"type": "string", "pattern": "^a"}}})


def test_a_schema_must_be_an_object():
    with pytest.raises(SchemaError, match="JSON object"):
        check_schema(["type", "object"])
