"""The Chat Completions request: the original's four-field enrichment by default, or the user's
prompt with `{text}` and `{record.<path>}` placeholders and an optional JSON Schema.

Request shape: OpenAI's `POST {base_url}/chat/completions` with `model`, `messages`,
`temperature` and `response_format` (`json_object`, or `json_schema` when a schema is given;
Ollama, LM Studio and llama.cpp's server accept both). Standard library only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from dataflow.executors.llm.records import MISSING, Item, as_text, lookup

DEFAULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["summary", "keywords", "entities", "sentiment"],
    "properties": {
        "summary": {"type": "string"},
        "keywords": {"type": "array", "items": {"type": "string"}, "minItems": 5, "maxItems": 10},
        "entities": {
            "type": "object",
            "required": ["people", "organizations", "technical_terms"],
            "properties": {name: {"type": "array", "items": {"type": "string"}}
                           for name in ("people", "organizations", "technical_terms")},
        },
        "sentiment": {"type": "string", "enum": ["positive", "neutral", "negative"]},
    },
}
SUMMARY_WORDS = 150
DEFAULT_SYSTEM = (
    "You analyse text and answer with one JSON object only, no prose and no code fences, with these keys: "
    f'"summary" (a summary of at most {SUMMARY_WORDS} words), "keywords" (5 to 10 keywords), '
    '"entities" (an object with arrays "people", "organizations" and "technical_terms"), '
    '"sentiment" ("positive", "neutral" or "negative").'
)
CUSTOM_SYSTEM = "Answer with one JSON object only, no prose and no code fences."
# `{{name}}` (a literal `{name}`) or `{name}`: a name in braces, possibly spaced; other braces
# (a JSON example such as `{"label": "..."}`) are sent as written.
_BRACED = re.compile(r"\{\{\s*([^\s{}\"':,]+)\s*\}\}|\{(\s*[^\s{}\"':,]+\s*)\}")
_VALID = re.compile(r"text|record(?:\.[^\s{}\"':,]+)?")
PLACEHOLDERS = "{text}, {record}, {record.<path>} (for instance {record.fields.title})"


class PromptError(ValueError):
    """A template check_template refuses, or a placeholder naming a field the record lacks."""


@dataclass(frozen=True)
class Prompt:
    """The text sent for one item and whether it was cut (`original_chars` before the cut)."""

    system: str
    user: str
    truncated: bool
    original_chars: int


def cut(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut to `limit` characters (0: no limit) and whether it was cut."""
    if limit > 0 and len(text) > limit:
        return text[:limit], True
    return text, False


def check_template(template: str) -> None:
    """PromptError unless `template` has at least one placeholder and every `{name}` in it is one of
    PLACEHOLDERS, so that a typo (`{Text}`, `{ text }`, `{foo}`) is refused before any request is
    paid. `{{name}}` stands for a literal `{name}`; braces around anything but a bare name are text."""
    found = False
    for match in _BRACED.finditer(template):
        name = match.group(2)
        if name is None:
            continue
        if not _VALID.fullmatch(name):
            raise PromptError(f"the prompt has an unknown placeholder {{{name}}}: the valid ones are "
                             f"{PLACEHOLDERS}; write {{{{{name.strip()}}}}} for a literal {{{name.strip()}}}")
        found = True
    if not found:
        raise PromptError(f"the prompt has no placeholder, so the record's text would not be sent: "
                         f"use one of {PLACEHOLDERS}")


def fill(template: str, text: str, record: dict[str, Any]) -> str:
    """`template` with `{text}`, `{record}` (whole record as JSON) and `{record.<path>}` filled in and
    `{{name}}` written as `{name}`; other braces are left as they are. PromptError for a template
    check_template refuses or a path the record lacks."""
    check_template(template)

    def value(match: re.Match[str]) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped is not None:
            return "{" + escaped + "}"
        if name == "text":
            return text
        if name == "record":
            return as_text(record)
        found = lookup(record, name[len("record."):])
        if found is MISSING:
            raise PromptError(f"the record has no field {name[len('record.'):]!r} (used in the prompt)")
        return as_text(found)

    return _BRACED.sub(value, template)


def build_prompt(item: Item, *, template: str | None, max_chars: int) -> Prompt:
    """The messages' texts for `item`: its text cut at `max_chars`, in the user's template or alone."""
    text, truncated = cut(item.text, max_chars)
    if template:
        return Prompt(CUSTOM_SYSTEM, fill(template, text, item.record), truncated, len(item.text))
    return Prompt(DEFAULT_SYSTEM, text, truncated, len(item.text))


def request_body(prompt: Prompt, *, model: str, schema: dict[str, Any] | None, temperature: float = 0.0,
                 max_tokens: int | None = None, retry_note: str | None = None) -> bytes:
    """The JSON body of one Chat Completions call. `schema` None means the default enrichment (its
    own schema is checked on our side, `json_object` asked of the model); `retry_note` is added
    as a last user message when the first answer was not the JSON asked for."""
    messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
    if retry_note:
        messages.append({"role": "user", "content": retry_note})
    body: dict[str, Any] = {"model": model, "messages": messages, "temperature": temperature}
    if schema is None:
        body["response_format"] = {"type": "json_object"}
    else:
        body["response_format"] = {"type": "json_schema",
                                   "json_schema": {"name": "enrichment", "schema": schema, "strict": False}}
    if max_tokens:
        body["max_tokens"] = max_tokens
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
