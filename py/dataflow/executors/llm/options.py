"""The LLM kind's options: provider (base URL, model, pacing, prices) and enrichment (text field,
prompt, schema, limits, output). A frozen dataclass, JSON in and out; the API key is never here
(it is a secret: `ctx.secrets[API_KEY]`). Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from dataflow.executors.llm.errors import SchemaError
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
          "price_out": "Price per million tokens out"}


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
    extra: dict[str, Any] = field(default_factory=dict)  # unknown fields kept for newer versions

    def __post_init__(self) -> None:
        self._check_types()
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(_bad("base_url", f"enter an address that starts with http:// or https://; "
                                              f"got {self.base_url!r}"))
        if not self.model.strip():
            raise ValueError(_bad("model", "enter the name of a model"))
        if self.output_format not in FORMATS:
            raise ValueError(_bad("output_format", f"choose one of {', '.join(FORMATS)}; got {self.output_format!r}"))
        if not self.output_key:
            raise ValueError(_bad("output_key", "must not be empty"))
        for name in ("max_chars", "chunk_chars", "requests_per_minute", "price_in", "price_out"):
            if getattr(self, name) < 0:
                raise ValueError(_bad(name, f"must not be negative; got {getattr(self, name)!r}"))
        for name in ("concurrency", "max_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(_bad(name, f"must be at least 1; got {getattr(self, name)!r}"))
        for name in ("timeout", "long_wait"):
            if getattr(self, name) <= 0:
                raise ValueError(_bad(name, f"must be more than 0 seconds; got {getattr(self, name)!r}"))
        self._check_prompt_and_schema()

    def _check_prompt_and_schema(self) -> None:
        if self.prompt:
            try:
                check_template(self.prompt)  # a typo would send the template without the text, paid
            except PromptError as error:
                raise PromptError(_bad("prompt", str(error))) from error
        if self.schema is not None:
            if not self.prompt:
                raise ValueError(_bad("schema", "a JSON Schema goes with a prompt of your own"))
            try:
                check_schema(self.schema)
            except SchemaError as error:
                raise ValueError(_bad("schema", str(error))) from error

    def _check_types(self) -> None:
        """ValueError for a value of the wrong JSON type; whole numbers are accepted for decimals."""
        for spec in fields(self):
            value, default = getattr(self, spec.name), spec.default
            if spec.name in ("schema", "extra"):
                continue
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, spec.name, float(value))
            elif type(value) is not type(default):
                raise ValueError(_bad(spec.name, f"must be {_KIND[type(default)]}; got {value!r}"))

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
