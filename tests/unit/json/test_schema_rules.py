"""A user's JSON Schema checked against its draft's meta-schema (fastjsonschema) before any task
starts: the keyword and its place named, valid schemas (booleans and {} too) taken."""

import base64
import hashlib
import json

import pytest

from dataflow.executors.json import metaschemas
from dataflow.executors.json.errors import SchemaError
from dataflow.executors.json.schema import Inference
from dataflow.executors.json.schema_rules import META_SCHEMAS, compile_schema, draft, fastjsonschema, schema_problem

pytest.importorskip("fastjsonschema", reason="fastjsonschema is pinned in tests/requirements.txt: run make venv")

TYPES = '"array", "boolean", "integer", "null", "number", "object", "string"'


@pytest.mark.parametrize(("schema", "message"), [
    ({"required": 5}, '"required" at /required must be array; got 5'),
    ({"required": ["id", "id"]}, '"required" at /required must contain unique items; got ["id", "id"]'),
    ({"type": "strin"}, f'"type" at /type must be one of {TYPES}, or an array of them; got "strin"'),
    ({"properties": []}, '"properties" at /properties must be object; got []'),
    ({"properties": {"a": 5}}, "the value at /properties/a must be object or boolean; got 5"),
    ({"properties": {"a.b": {"minLength": -1}}}, '"minLength" at /properties/a.b/minLength must be bigger'),
    ({"properties": {"x/y": {"enum": 3}}}, '"enum" at /properties/x~1y/enum must be array; got 3'),
    ({"items": 5}, '"items" at /items must be a schema, or an array of schemas; got 5'),
    ({"items": [{}, {"type": 5}]}, f'"type" at /items/1/type must be one of {TYPES}, or an array of them; got 5'),
    ({"allOf": []}, '"allOf" at /allOf must contain at least 1 items; got []'),
    ({"anyOf": [{}, {"maximum": "5"}]}, '"maximum" at /anyOf/1/maximum must be number; got "5"'),
    ({"dependencies": {"a": 5}}, "the value at /dependencies/a must be a schema, or an array of strings; got 5"),
    ({"pattern": "("}, '"pattern" at /pattern must be a valid regex; got "("'),
    ({"additionalProperties": "no"}, '"additionalProperties" at /additionalProperties must be object or boolean'),
])
def test_a_schema_breaking_the_draft_07_meta_schema_is_refused_naming_keyword_and_place(schema, message):
    problem = schema_problem(json.dumps(schema))
    assert problem.startswith(message), problem
    assert problem.endswith("(JSON Schema draft-07's meta-schema)")


def test_a_draft_04_schema_is_checked_against_draft_04_rules():
    draft_04 = "http://json-schema.org/draft-04/schema#"
    assert schema_problem(json.dumps({"$schema": draft_04, "maximum": 3, "exclusiveMaximum": True})) == ""
    problem = schema_problem(json.dumps({"$schema": draft_04, "additionalProperties": 5}))
    assert problem == ('"additionalProperties" at /additionalProperties must be true or false, or a schema; got 5 '
                       "(JSON Schema draft-04's meta-schema)")
    assert "exclusiveMaximum" in schema_problem(json.dumps({"exclusiveMaximum": True}))  # a number in draft-07


@pytest.mark.parametrize("schema", [
    True, False, {},
    {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "tags": {"type": "array"}}},
    {"type": ["string", "null"], "minLength": 1, "pattern": "^[a-z]+$"},
    {"definitions": {"id": {"type": "integer"}}, "properties": {"id": {"$ref": "#/definitions/id"}}},
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {"a": {"type": "string"}}},
    {"$schema": "http://json-schema.org/draft-06/schema#", "items": [{"type": "string"}], "additionalItems": False},
])
def test_valid_schemas_are_taken(schema):
    assert schema_problem(json.dumps(schema)) == ""


def test_a_schema_the_meta_schema_allows_but_fastjsonschema_cannot_compile_is_refused_with_its_reason():
    assert schema_problem('{"$ref": "#/definitions/missing"}').startswith("The schema cannot be used: Unresolvable ref")
    assert "remote $ref are not fetched" in schema_problem('{"$ref": "https://example.com/schema.json"}')


def test_a_schema_nested_past_what_pythons_compiler_takes_is_refused_saying_so():
    schema: dict = {}
    inner = schema
    for _ in range(30):
        inner["anyOf"] = [{}]
        inner = inner["anyOf"][0]
    assert schema_problem(json.dumps(schema)).startswith("The schema nests too deeply or is too large to be checked")


def test_an_error_without_a_message_is_named_by_its_type(monkeypatch):
    def out_of_memory(*args, **kwargs):
        raise MemoryError
    monkeypatch.setattr(fastjsonschema(), "compile", out_of_memory)
    with pytest.raises(SchemaError, match=r"Python refuses \(MemoryError\)"):
        compile_schema({"type": "string"})


def test_checking_a_schema_never_writes_the_meta_schema_defaults_into_it():
    text = '{"properties": {"a": {}}}'
    assert schema_problem(text) == ""
    validate = compile_schema(json.loads(text))
    assert validate({"a": 1}) == {"a": 1}


def test_the_draft_is_the_one_fastjsonschema_applies():
    assert draft({"$schema": "http://json-schema.org/draft-04/schema#"}) == "draft-04"
    assert draft({"$schema": "http://json-schema.org/draft-06/schema"}) == "draft-06"
    assert [draft(schema) for schema in ({}, True, {"$schema": "https://json-schema.org/draft/2020-12/schema"})] \
        == ["draft-07"] * 3


@pytest.mark.parametrize(("name", "sha256"), [
    ("DRAFT_04", "4UidC0dV8CeTMCWR0_y48Htok6gqlPJIlfjk7fEbguI"),  # jsonschema-specifications 2025.9.1's RECORD
    ("DRAFT_06", "wp386fVINcOgbAOzxdXsDtp3cGVo-cTffPvHVmpRAG0"),
    ("DRAFT_07", "PVOSCIJhYGxVm2A_OFMpyfGrRbXWZ-uZBodFOwVdQF4"),
])
def test_the_meta_schemas_are_the_published_documents_byte_for_byte(name, sha256):
    digest = hashlib.sha256(getattr(metaschemas, name).encode()).digest()
    assert base64.urlsafe_b64encode(digest).decode().rstrip("=") == sha256


@pytest.mark.parametrize("name", sorted(META_SCHEMAS))
def test_each_meta_schema_is_valid_under_itself(name):
    assert schema_problem(META_SCHEMAS[name]) == ""


def test_compile_refuses_a_type_fastjsonschema_does_not_know():
    with pytest.raises(SchemaError, match="The schema cannot be used"):
        compile_schema({"type": "no-such-type"})


def test_the_schema_inspect_infers_is_taken_back_as_a_schema_to_validate_against():
    inference = Inference()
    for record in ({"id": 1, "name": "a", "tags": ["x"], "when": "2024-01-02", "meta": {"ok": True, "n": None}},
                   {"id": 2.5, "tags": [], "meta": {"ok": False, "n": 3}}, {"id": "3", "extra": [{"k": 1}]}):
        inference.add(record)
    assert schema_problem(json.dumps(inference.schema())) == ""


@pytest.mark.parametrize("schema", [
    {"$id": "https://example.com/person.schema.json", "$schema": "https://json-schema.org/draft/2020-12/schema",
     "title": "Person", "type": "object", "properties": {"age": {"description": "years", "type": "integer",
                                                                "minimum": 0}}},
    {"$id": "urn:example:vegetables", "type": "array", "items": {"$ref": "#/definitions/veggie"},
     "definitions": {"veggie": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}},
])
def test_schemas_as_the_json_schema_site_writes_them_are_taken(schema):
    assert schema_problem(json.dumps(schema)) == ""
