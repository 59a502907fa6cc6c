"""The LLM kind's options: defaults, validation with plain messages, unknown fields kept."""

import re
from dataclasses import fields
from pathlib import Path

import pytest

from dataflow.executors.llm.options import LABELS, LlmOptions


def test_defaults_are_the_originals_enrichment_with_four_requests_in_flight():
    options = LlmOptions.from_dict(None)
    assert (options.prompt, options.schema, options.temperature, options.concurrency) == ("", None, 0.0, 4)
    assert options.output_key == "llm" and options.output_format == "jsonl"
    assert options.endpoint == "https://api.openai.com/v1/chat/completions"


def test_the_endpoint_joins_the_base_url_without_a_double_slash():
    assert LlmOptions(base_url="http://localhost:11434/v1/").endpoint == "http://localhost:11434/v1/chat/completions"


@pytest.mark.parametrize("values, message", [
    ({"base_url": "localhost:1234"}, "^Base URL: enter an address that starts with http"),
    ({"model": " "}, "^Model: enter the name of a model"),
    ({"output_format": "csv"}, "^Output: choose one of jsonl, json; got 'csv'"),
    ({"concurrency": 0}, "^Requests in flight per task: must be at least 1"),
    ({"requests_per_minute": -1}, "^Requests per minute: must not be negative"),
    ({"timeout": 0}, "^Time-out per request: must be more than 0"),
    ({"schema": {"type": "object"}}, "^JSON Schema the answer must follow: .*prompt of your own"),
    ({"prompt": "{text}", "schema": {"type": "object", "oneOf": []}}, "^JSON Schema the answer .*: .*uses oneOf"),
    ({"concurrency": "many"}, "^Requests in flight per task: must be a whole number"),
    ({"needs_key": "yes"}, "^The provider needs a key: must be true or false"),
])
def test_invalid_values_are_refused_with_the_reason(values, message):
    with pytest.raises(ValueError, match=message):
        LlmOptions.from_dict(values)


def test_options_round_trip_and_keep_unknown_fields():
    data = {**LlmOptions(prompt="{text}", schema={"type": "object"}).to_dict(), "future": 1}
    options = LlmOptions.from_dict(data)
    assert options.extra == {"future": 1} and options.to_dict() == data


def test_the_key_is_not_an_option():
    assert "api_key" not in LlmOptions().to_dict()


def test_whole_numbers_are_taken_for_decimal_settings():
    assert LlmOptions.from_dict({"timeout": 30, "price_in": 1}).timeout == 30.0


@pytest.mark.parametrize("prompt, message", [
    ("Summarise this: {Text}", r"unknown placeholder \{Text\}.*\{text\}, \{record\}, \{record.<path>\}"),
    ("{foo} {text}", r"unknown placeholder \{foo\}"),
    ("Summarise this", "^Prompt: the prompt has no placeholder"),
])
def test_a_saved_prompt_without_a_valid_placeholder_is_refused_naming_it(prompt, message):
    with pytest.raises(ValueError, match=message):
        LlmOptions.from_dict({"prompt": prompt})


def test_every_option_has_the_label_the_provider_section_shows_it_with():
    page = (Path(__file__).parents[3] / "index.html").read_text(encoding="utf-8")
    shown = {}
    for label in re.findall(r"<label[^>]*>(.*?)</label>", page, flags=re.S):
        name = re.search(r'data-llm-option="(\w+)"', label)
        if name:
            shown[name.group(1)] = " ".join(re.sub(r"<[^>]*>", " ", label).split())
    assert shown and all(text.startswith(LABELS[name]) for name, text in shown.items()), shown
    assert set(LABELS) == {spec.name for spec in fields(LlmOptions)} - {"extra"}
