"""The LLM kind's options: provider (base URL, model, pacing, prices) and enrichment (text field,
prompt, schema, limits, output). A frozen dataclass, JSON in and out; the API key is never here
(it is a secret: `ctx.secrets[API_KEY]`). Standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from dataflow.executors.llm.errors import OptionError, SchemaError
from dataflow.executors.llm.prompt import PromptError, check_template
from dataflow.executors.llm.schema import check_schema

API_KEY = "api_key"  # the name of the kind's secret in ctx.secrets
FORMATS = ("jsonl", "json")
_KIND = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
# The options' labels as the page's provider section shows them (index.html; a unit test compares),
# and the start of every message about a bad value ("Model: enter the name of a model.").
LABELS = {"base_url": "Base URL", "model": "Model", "needs_key": "The provider needs a key",
          "text_path": "Text field", "prompt": "Prompt", "schema": "JSON Schema the answer must follow",
          "max_chars": "Cut texts longer than", "chunk_chars": "PDF pages: chunks of", "output_key": "Output key",
          "output_format": "Output", "concurrency": "Requests in flight per task",
          "requests_per_minute": "Requests per minute", "timeout": "Time-out per request",
          "max_attempts": "Attempts per record", "long_wait": "Longest provider wait per record",
          "temperature": "Temperature", "price_in": "Price per million tokens in",
          "price_out": "Price per million tokens out", "retry_failed": "Send only the records that failed"}
# The numbers' ranges (the provider section's min and max; a unit test compares): whole numbers, and
# decimals that must also be finite. Out of range is refused, never clamped.
WHOLE = {"max_chars": (0, 10_000_000), "chunk_chars": (0, 10_000_000), "concurrency": (1, 64),
         "requests_per_minute": (0, 100_000), "max_attempts": (1, 20)}
DECIMAL: dict[str, tuple[float, float | None]] = {
    "temperature": (0.0, 2.0), "price_in": (0.0, 1_000_000.0), "price_out": (0.0, 1_000_000.0),
    "timeout": (0.0, None), "long_wait": (0.0, None)}
POSITIVE = ("timeout", "long_wait")  # seconds: more than 0 and finite (not in the form: no ceiling)


@dataclass(frozen=True)
class LlmOptions:
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    needs_key: bool = True  # local servers (Ollama, llama.cpp) take requests without one
    text_path: str = ""  # dotted path of the field to send; empty: the whole record as JSON
    prompt: str = ""  # empty: the original's four fields; else a template with {text}, {record.<path>}
    schema: dict[str, Any] | None = None  # JSON Schema the answer to `prompt` must follow
    max_chars: int = 12_000  # text longer than this is cut (0: never), and the output says so
    chunk_chars: int = 0  # a PDF task's pages: 0 one record per page, else chunks of this many characters
    output_key: str = "llm"
    output_format: str = "jsonl"
    concurrency: int = 4  # requests in flight per task
    requests_per_minute: int = 60  # per provider, shared by its tasks (0: no ceiling)
    timeout: float = 120.0  # seconds for one request
    max_attempts: int = 6  # tries per record for retryable failures
    long_wait: float = 30.0  # a provider wait longer than this (s) makes the whole task wait
    temperature: float = 0.0
    price_in: float = 0.0  # per million input tokens
    price_out: float = 0.0  # per million output tokens
    # the records are an earlier enrichment's result (kind.LlmKind.derive): those with an answer under
    # `output_key` keep it, only the others are sent (not in the form: the row's "Retry N failed records")
    retry_failed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # unknown fields kept for newer versions

    def __post_init__(self) -> None:
        self._check_types()
        from urllib.parse import urlsplit  # here: its import (ipaddress) is ~90 ms of the page's start-up

        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise _refuse("base_url", f"enter an address that starts with http:// or https://; "
                                      f"got {self.base_url!r}")
        if not self.model.strip():
            raise _refuse("model", "enter the name of a model")
        if self.output_format not in FORMATS:
            raise _refuse("output_format", f"choose one of {', '.join(FORMATS)}; got {self.output_format!r}")
        if not self.output_key:
            raise _refuse("output_key", "must not be empty")
        if self.text_path and not all(self.text_path.split(".")):  # "a..b" would miss in every record
            raise _refuse("text_path", f"enter names joined by single dots, such as fields.description or "
                                       f"authors.0.name; got {self.text_path!r}")
        self._check_prompt_and_schema()

    def _check_prompt_and_schema(self) -> None:
        if self.prompt:
            try:
                check_template(self.prompt)  # a typo would send the template without the text, paid
            except PromptError as error:
                raise _refuse("prompt", str(error)) from error
        if self.schema is not None:
            if not self.prompt:
                raise _refuse("schema", "a JSON Schema goes with a prompt of your own")
            try:
                check_schema(self.schema)
            except SchemaError as error:
                raise _refuse("schema", str(error)) from error

    def _check_types(self) -> None:
        """OptionError for a value of the wrong JSON type or a number out of its range (WHOLE,
        DECIMAL); whole numbers are accepted for decimals."""
        for spec in fields(self):
            value, default = getattr(self, spec.name), spec.default
            if spec.name in WHOLE:
                _check_whole(spec.name, value)
            elif spec.name in DECIMAL:
                object.__setattr__(self, spec.name, _checked_decimal(spec.name, value))
            elif spec.name not in ("schema", "extra") and type(value) is not type(default):
                raise _refuse(spec.name, f"must be {_KIND[type(default)]}; got {value!r}")

    @property
    def endpoint(self) -> str:
        """The Chat Completions URL."""
        return self.base_url.rstrip("/") + "/chat/completions"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(data.pop("extra"))
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> LlmOptions:
        """Options from JSON: missing fields take defaults, unknown ones are kept in `extra`.
        Raises ValueError naming a bad value."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)} - {"extra"}
        values = {name: data.pop(name) for name in list(data) if name in known}
        try:
            return cls(**values, extra=data)
        except TypeError as error:
            raise ValueError(f"invalid LLM options: {error}") from error


def _bad(name: str, problem: str) -> str:
    """A message about option `name`, in the words of its label: "Model: enter the name of a model."."""
    return f"{LABELS[name]}: {problem.rstrip('.')}."


def _refuse(name: str, problem: str) -> OptionError:
    """The error about option `name` (see _bad), naming it for the form."""
    return OptionError(_bad(name, problem), name)


def _got(value: Any) -> str:
    """What was typed, in a message: "the field is empty", "got 2.5"."""
    if value is None:
        return "the field is empty"
    if isinstance(value, float) and not math.isfinite(value):
        return "got something that is not a finite number"
    return f"got {value!r}"


def _check_whole(name: str, value: Any) -> None:
    """OptionError unless `value` is a whole number in WHOLE[name] (None: an empty field)."""
    low, high = WHOLE[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _refuse(name, f"enter a whole number from {low:,} to {high:,}; {_got(value)}")


def _checked_decimal(name: str, value: Any) -> float:
    """`value` as a float when it is a finite number in DECIMAL[name] (more than 0 for POSITIVE
    ones); else OptionError (None: an empty field)."""
    low, high = DECIMAL[name]
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
    if name in POSITIVE:
        fits, wanted = 0 < number < math.inf, "more than 0"
    else:
        fits, wanted = low <= number <= (high or 0.0), f"from {low:,.0f} to {high or 0.0:,.0f}"
    if not fits:  # NaN fails every comparison
        raise _refuse(name, f"enter a number {wanted}; {_got(value)}")
    return number
