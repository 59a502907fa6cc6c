"""The LLM kind's options: defaults, validation with plain messages, unknown fields kept."""

import re
from dataclasses import fields
from pathlib import Path

import pytest

from dataflow.executors.llm.errors import OptionError
from dataflow.executors.llm.options import DECIMAL, LABELS, WHOLE, LlmOptions


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
    ({"concurrency": 0}, "^Requests in flight per task: enter a whole number from 1 to 64; got 0"),
    ({"requests_per_minute": -1}, "^Requests per minute: enter a whole number from 0 to 100,000; got -1"),
    ({"timeout": 0}, "^Time-out per request: enter a number more than 0; got 0"),
    ({"schema": {"type": "object"}}, "^JSON Schema the answer must follow: .*prompt of your own"),
    ({"prompt": "{text}", "schema": {"type": "object", "oneOf": []}}, "^JSON Schema the answer .*: .*uses oneOf"),
    ({"concurrency": "many"}, "^Requests in flight per task: enter a whole number from 1 to 64; got 'many'"),
    ({"needs_key": "yes"}, "^The provider needs a key: must be true or false"),
])
def test_invalid_values_are_refused_with_the_reason(values, message):
    with pytest.raises(ValueError, match=message):
        LlmOptions.from_dict(values)


@pytest.mark.parametrize("values, message", [
    ({"concurrency": 100_000}, "^Requests in flight per task: enter a whole number from 1 to 64; got 100000.$"),
    ({"requests_per_minute": 2.5}, "^Requests per minute: enter a whole number from 0 to 100,000; got 2.5.$"),
    ({"chunk_chars": 1.5}, "^PDF pages: chunks of: enter a whole number from 0 to 10,000,000; got 1.5.$"),
    ({"price_in": float("inf")}, "^Price per million tokens in: enter a number from 0 to 1,000,000; got something "
                                 "that is not a finite number.$"),
    ({"price_out": float("nan")}, "^Price per million tokens out: .*not a finite number.$"),
    ({"price_out": 1e7}, "^Price per million tokens out: enter a number from 0 to 1,000,000; got 10000000.0.$"),
    ({"temperature": 2.5}, "^Temperature: enter a number from 0 to 2; got 2.5.$"),
])
def test_a_number_not_whole_out_of_range_or_not_finite_is_refused_with_its_range_never_clamped(values, message):
    with pytest.raises(OptionError, match=message) as caught:
        LlmOptions.from_dict(values)
    assert caught.value.option == next(iter(values))


@pytest.mark.parametrize("name", ["concurrency", "price_in", "max_chars"])
def test_an_empty_number_field_is_refused_as_empty_not_as_a_zero(name):
    with pytest.raises(OptionError, match=r"enter a .*number from .*; the field is empty.$"):
        LlmOptions.from_dict({name: None})


def test_the_bounds_are_inclusive():
    options = LlmOptions.from_dict({"concurrency": 64, "requests_per_minute": 0, "price_in": 1_000_000})
    assert (options.concurrency, options.requests_per_minute, options.price_in) == (64, 0, 1_000_000.0)


@pytest.mark.parametrize("path", ["a..b", ".a", "a.", "."])
def test_a_malformed_text_field_path_is_refused(path):
    with pytest.raises(OptionError, match=r"^Text field: enter names joined by single dots") as caught:
        LlmOptions.from_dict({"text_path": path})
    assert caught.value.option == "text_path"


def test_a_schema_naming_an_unknown_type_is_refused_at_the_options():
    with pytest.raises(OptionError, match=r"^JSON Schema the answer must follow: schema.type must be one of "
                                          r"object, .*; got 'objekt'"):
        LlmOptions.from_dict({"prompt": "{text}", "schema": {"type": "objekt"}})


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


def test_the_provider_sections_number_fields_have_the_options_ranges():
    page = (Path(__file__).parents[3] / "index.html").read_text(encoding="utf-8")
    shown = {}
    for control in re.findall(r"<input[^>]*>", page, flags=re.S):
        name = re.search(r'data-llm-option="(\w+)"', control)
        if name and 'type="number"' in control:
            shown[name.group(1)] = (float(re.search(r'min="([^"]+)"', control).group(1)),
                                    float(re.search(r'max="([^"]+)"', control).group(1)))
    assert shown and all(shown[name] == (WHOLE | DECIMAL)[name] for name in shown), shown
    assert set(shown) == set(WHOLE | DECIMAL) - {"max_attempts", "temperature", "timeout", "long_wait"}
