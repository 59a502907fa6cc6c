"""Prompts: the default four-field request, placeholders in a user's template, the length limit."""

import json

import pytest

from dataflow.executors.llm.prompt import (
    DEFAULT_SYSTEM,
    PromptError,
    build_prompt,
    check_template,
    cut,
    fill,
    request_body,
)
from dataflow.executors.llm.records import Item

RECORD = {"id": 7, "fields": {"title": "Pumps", "tags": ["a", "b"]}, "authors": [{"name": "Ada"}]}


def test_text_and_record_paths_are_filled_in():
    template = "Title: {record.fields.title}. By {record.authors.0.name}. Text: {text}"
    assert fill(template, "hello", RECORD) == "Title: Pumps. By Ada. Text: hello"


def test_a_non_string_field_is_filled_in_as_json():
    assert fill("{record.fields.tags} / {record.id}", "", RECORD) == '["a", "b"] / 7'


def test_the_whole_record_is_filled_in_as_json():
    assert json.loads(fill("{record}", "", RECORD)) == RECORD


def test_other_braces_are_left_alone():
    template = 'Answer like {"label": {"score": 1}} about {text}, {{ not a name'
    assert fill(template, "x", RECORD) == 'Answer like {"label": {"score": 1}} about x, {{ not a name'


def test_doubled_braces_around_a_name_are_a_literal_placeholder():
    filled = fill("Fill {{text}} with {text}; keep {{ record.id }}", "x", RECORD)
    assert filled == "Fill {text} with x; keep {record.id}"


@pytest.mark.parametrize("template, unknown", [
    ("Summarise this: {Text}", "{Text}"), ("{text} {foo}", "{foo}"), ("{ text }", "{ text }"),
    ("{records.id} {text}", "{records.id}"), ("{record.} {text}", "{record.}"),
])
def test_an_unknown_placeholder_is_refused_naming_it_and_the_valid_ones(template, unknown):
    with pytest.raises(PromptError) as caught:
        check_template(template)
    assert f"unknown placeholder {unknown}:" in str(caught.value)
    assert "{text}, {record}, {record.<path>}" in str(caught.value)


@pytest.mark.parametrize("template", ["Summarise this", "Keep {{text}} literal", 'Like {"a": 1}'])
def test_a_template_without_a_placeholder_is_refused(template):
    with pytest.raises(PromptError, match="no placeholder, so the record's text would not be sent"):
        check_template(template)


def test_fill_refuses_a_template_that_would_be_sent_without_the_text():
    with pytest.raises(PromptError, match=r"\{Text\}"):
        fill("Summarise this: {Text}", "the text", RECORD)


@pytest.mark.parametrize("template", ["{text}", "{record}", "Title {record.authors.0.name}", "{{x}} {text}"])
def test_templates_with_valid_placeholders_pass_the_check(template):
    check_template(template)


def test_a_missing_field_names_the_path():
    with pytest.raises(PromptError, match="'fields.body'"):
        fill("{record.fields.body}", "", RECORD)


def test_text_is_cut_at_the_limit_and_says_so():
    assert cut("abcdef", 4) == ("abcd", True)
    assert cut("abc", 4) == ("abc", False)
    assert cut("abcdef", 0) == ("abcdef", False)


def test_the_default_prompt_sends_the_text_with_the_four_field_instructions():
    prompt = build_prompt(Item(0, RECORD, "x" * 50), template=None, max_chars=20)
    assert prompt.system == DEFAULT_SYSTEM and prompt.user == "x" * 20
    assert (prompt.truncated, prompt.original_chars) == (True, 50)
    for word in ("summary", "150 words", "5 to 10 keywords", "people", "organizations", "technical_terms",
                 "positive", "neutral", "negative"):
        assert word in DEFAULT_SYSTEM


def test_a_template_gets_the_cut_text():
    prompt = build_prompt(Item(0, RECORD, "abcdef"), template="T={text}", max_chars=3)
    assert prompt.user == "T=abc" and prompt.truncated


def test_the_default_request_is_at_temperature_zero_and_asks_for_a_json_object():
    body = json.loads(request_body(build_prompt(Item(0, {}, "hi"), template=None, max_chars=0), model="m",
                                   schema=None))
    assert body["model"] == "m" and body["temperature"] == 0.0
    assert body["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in body["messages"]] == ["system", "user"] and body["messages"][1]["content"] == "hi"


def test_a_schema_is_sent_as_a_json_schema_response_format():
    schema = {"type": "object"}
    body = json.loads(request_body(build_prompt(Item(0, {}, "hi"), template="{text}", max_chars=0), model="m",
                                   schema=schema))
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == schema


def test_a_retry_note_is_a_last_user_message():
    body = json.loads(request_body(build_prompt(Item(0, {}, "hi"), template=None, max_chars=0), model="m",
                                   schema=None, retry_note="JSON only please"))
    assert body["messages"][-1] == {"role": "user", "content": "JSON only please"}
