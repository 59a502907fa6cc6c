"""Reading a Chat Completions answer: the message text and token usage out of the HTTP body, and
the JSON object out of the text (code fences and prose around it tolerated), checked against the
schema asked for. Standard library only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from dataflow.executors.llm import schema as json_schema
from dataflow.executors.llm.errors import AnswerError
from dataflow.executors.llm.prompt import DEFAULT_SCHEMA, SUMMARY_WORDS

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?(.*?)```", re.DOTALL)
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Completion:
    """The message text of the first choice and the tokens counted by the provider (0 if unsaid)."""

    content: str
    prompt_tokens: int
    completion_tokens: int


def read_completion(body: bytes) -> Completion:
    """The first choice's message and the usage of a Chat Completions response body.

    Raises AnswerError when the body is not such a response (a proxy's HTML page, say)."""
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise AnswerError(f"the response is not a chat completion: {_excerpt(body)}") from error
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return Completion(content if isinstance(content, str) else "", _count(usage.get("prompt_tokens")),
                      _count(usage.get("completion_tokens")))


def _excerpt(body: bytes) -> str:
    """What a person can read of a response body: "an empty body", or its first 120 characters quoted
    (invalid UTF-8 replaced, line breaks as spaces), with "…" when cut."""
    text = " ".join(body[:480].decode("utf-8", errors="replace").split())
    if not text:
        return "an empty body"
    return f"“{text[:120]}{'…' if len(text) > 120 or len(body) > 480 else ''}”"


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def extract_json(content: str) -> Any:
    """The first JSON object in `content`: inside a code fence if there is one, else the first `{`
    that starts a complete object. Raises AnswerError when there is none."""
    candidates = [match.group(1) for match in _FENCE.finditer(content)] + [content]
    for candidate in candidates:
        for start in [index for index, char in enumerate(candidate) if char == "{"]:
            try:
                value, _ = _DECODER.raw_decode(candidate, start)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    preview = content.strip()[:80]
    raise AnswerError(f"the answer holds no JSON object: {preview!r}" if preview else "the answer is empty")


def parse_answer(content: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    """The enrichment in an answer, checked against `schema` (None: the default four fields, whose
    summary must also stay within 150 words). Raises AnswerError saying what is wrong."""
    value = extract_json(content)
    problems = json_schema.errors(value, schema if schema is not None else DEFAULT_SCHEMA)
    if schema is None and not problems and len(value["summary"].split()) > SUMMARY_WORDS:
        problems.append(f"$.summary: {len(value['summary'].split())} words, at most {SUMMARY_WORDS} allowed")
    if problems:
        raise AnswerError("the answer does not follow the schema: " + "; ".join(problems[:5]))
    return value
