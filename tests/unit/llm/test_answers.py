"""Answers: the message and usage out of a Chat Completions body, the JSON object out of the text
(code fences and prose tolerated), checked against the schema asked for."""

import json

import pytest

from dataflow.executors.llm.answers import extract_json, parse_answer, read_completion
from dataflow.executors.llm.errors import AnswerError

GOOD = {"summary": "A short text.", "keywords": ["a", "b", "c", "d", "e"],
        "entities": {"people": [], "organizations": ["ACME"], "technical_terms": []}, "sentiment": "neutral"}


def body(content, usage=None):
    data = {"choices": [{"message": {"role": "assistant", "content": content}}]}
    if usage is not None:
        data["usage"] = usage
    return json.dumps(data).encode()


def test_the_first_choice_and_its_usage_are_read():
    completion = read_completion(body("hi", {"prompt_tokens": 12, "completion_tokens": 3}))
    assert (completion.content, completion.prompt_tokens, completion.completion_tokens) == ("hi", 12, 3)


def test_a_body_without_usage_counts_zero_tokens():
    assert read_completion(body("hi")).prompt_tokens == 0


@pytest.mark.parametrize("raw", [b"<html>Bad gateway</html>", b"{}", b'{"choices": []}', b"\xff\xfe"])
def test_a_body_that_is_not_a_completion_is_an_answer_error(raw):
    with pytest.raises(AnswerError, match="not a chat completion"):
        read_completion(raw)


@pytest.mark.parametrize(("raw", "said"), [
    (b"<html><body>Captive portal</body></html>", "“<html><body>Captive portal</body></html>”"),
    (b"", "an empty body"), (b"  \n ", "an empty body"), (b"line one\r\nline two", "“line one line two”"),
    (b"x" * 500, "“" + "x" * 120 + "…”")])
def test_the_body_that_is_not_a_completion_is_quoted_as_text_not_as_python_bytes(raw, said):
    with pytest.raises(AnswerError) as raised:
        read_completion(raw)
    assert str(raised.value) == f"the response is not a chat completion: {said}"


def test_plain_json_is_read():
    assert extract_json(json.dumps(GOOD)) == GOOD


def test_json_in_a_code_fence_with_prose_around_it_is_read():
    text = f"Sure! Here you go:\n```json\n{json.dumps(GOOD, indent=2)}\n```\nAnything else?"
    assert extract_json(text) == GOOD


def test_json_after_prose_without_a_fence_is_read():
    assert extract_json(f"The analysis {{is}} below: {json.dumps(GOOD)} Thanks.") == GOOD


def test_an_answer_without_a_json_object_is_an_error_that_quotes_it():
    with pytest.raises(AnswerError, match="no JSON object: 'I cannot help with that.'"):
        extract_json("I cannot help with that.")


def test_an_empty_answer_says_so():
    with pytest.raises(AnswerError, match="empty"):
        extract_json("   ")


def test_a_json_array_is_not_the_object_asked_for():
    with pytest.raises(AnswerError):
        extract_json("[1, 2, 3]")


def test_the_default_answer_must_have_its_four_fields():
    incomplete = {key: value for key, value in GOOD.items() if key != "sentiment"}
    with pytest.raises(AnswerError, match="missing 'sentiment'"):
        parse_answer(json.dumps(incomplete), None)


def test_the_default_sentiment_is_one_of_three_words():
    with pytest.raises(AnswerError, match="sentiment"):
        parse_answer(json.dumps({**GOOD, "sentiment": "ecstatic"}), None)


def test_the_default_keywords_are_five_to_ten():
    with pytest.raises(AnswerError, match="at least 5"):
        parse_answer(json.dumps({**GOOD, "keywords": ["a"]}), None)
    with pytest.raises(AnswerError, match="at most 10"):
        parse_answer(json.dumps({**GOOD, "keywords": [str(n) for n in range(11)]}), None)


def test_the_default_summary_is_at_most_150_words():
    assert parse_answer(json.dumps({**GOOD, "summary": "word " * 150}), None)["summary"]
    with pytest.raises(AnswerError, match="151 words"):
        parse_answer(json.dumps({**GOOD, "summary": "word " * 151}), None)


def test_a_custom_schema_is_applied_instead_of_the_default():
    schema = {"type": "object", "required": ["label"], "properties": {"label": {"enum": ["spam", "ham"]}}}
    assert parse_answer('{"label": "ham"}', schema) == {"label": "ham"}
    with pytest.raises(AnswerError, match="not one of"):
        parse_answer('{"label": "eggs"}', schema)
