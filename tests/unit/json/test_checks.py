"""Validation against a user schema (fastjsonschema, offline) and the chat fine-tuning format check."""

import pytest

from dataflow.executors.json.checks import ChatCheck, SchemaCheck, Tally, chat_problems
from dataflow.executors.json.errors import SchemaError

pytest.importorskip("fastjsonschema", reason="fastjsonschema is pinned in tests/requirements.txt: run make venv")

SCHEMA = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "age": {"minimum": 0}}}


def test_invalid_records_are_grouped_by_the_path_of_their_first_error_with_the_first_few_kept():
    check = SchemaCheck(SCHEMA, keep=2)
    for index, record in enumerate([{"id": 1}, {"id": "x"}, {"id": "y"}, {"id": "z"}, {"id": 5, "age": -1}, {}]):
        check.check(record, index)
    summary = check.tally.summary()
    assert summary["problems"] == 5
    assert summary["by_key"]["$.id"]["count"] == 3 and summary["by_key"]["$.id"]["more"] == 1
    assert summary["by_key"]["$.id"]["examples"][0] == {"record": 2, "message": "$.id must be integer"}
    assert summary["by_key"]["$.age"]["examples"][0]["record"] == 5
    assert summary["by_key"]["$"]["examples"][0]["message"] == "$ must contain ['id'] properties"


def test_a_schema_that_cannot_compile_is_refused():
    with pytest.raises(SchemaError, match="The schema cannot be used"):
        SchemaCheck({"type": "no-such-type"}, keep=1)


def test_a_remote_ref_is_never_fetched():
    with pytest.raises(SchemaError, match="remote \\$ref are not fetched"):
        SchemaCheck({"$ref": "https://example.com/schema.json"}, keep=1)


def test_a_2020_12_schema_gets_a_warning_about_newer_keywords():
    check = SchemaCheck({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}, keep=1)
    assert "2019-09/2020-12 are not checked" in check.warnings[0]


def test_the_tally_state_continues_after_a_round_trip():
    tally = Tally(1)
    tally.add("a", 1)
    resumed = Tally(1, tally.state())
    resumed.add("a", 2)
    assert resumed.summary()["by_key"]["a"] == {"count": 2, "examples": [1], "more": 1}


GOOD = {"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"},
                     {"role": "assistant", "content": "hello"}]}


@pytest.mark.parametrize(("record", "problems"), [
    (GOOD, []),
    ({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [{"id": "1"}]}]}, []),
    ({"prompt": "x"}, ["missing_messages"]),
    ({"messages": []}, ["missing_messages"]),
    ("not an object", ["missing_messages"]),
    ({"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]}, ["unknown_role"]),
    ({"messages": [{"role": "user"}, {"role": "assistant", "content": "y"}]}, ["missing_content"]),
    ({"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "y"}]}, ["missing_content"]),
    ({"messages": [{"role": "user", "content": "hi"}]}, ["no_assistant_message"]),
    ({"messages": ["hi", {"role": "assistant", "content": "y"}]}, ["message_not_object"]),
])
def test_chat_records_fall_into_the_common_error_categories(record, problems):
    assert chat_problems(record) == problems


def test_the_chat_check_counts_bad_records_once_and_keeps_their_numbers():
    check = ChatCheck(keep=5)
    for index, record in enumerate([GOOD, {"messages": [{"role": "x"}]}, {}]):
        check.check(record, index)
    assert check.bad == 2
    assert check.tally.summary()["by_key"]["missing_messages"]["examples"] == [3]
    assert ChatCheck(5, check.state()).bad == 2
