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
from dataflow.executors.llm.prompt import check_template
from dataflow.executors.llm.schema import check_schema

API_KEY = "api_key"  # the name of the kind's secret in ctx.secrets
FORMATS = ("jsonl", "json")
_KIND = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


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
            raise ValueError(f"the base URL must start with http:// or https://, got {self.base_url!r}")
        if not self.model.strip():
            raise ValueError("choose a model")
        if self.output_format not in FORMATS:
            raise ValueError(f"the output format is one of {', '.join(FORMATS)}, got {self.output_format!r}")
        if not self.output_key:
            raise ValueError("the output key must not be empty")
        for name in ("max_chars", "chunk_chars", "requests_per_minute", "price_in", "price_out"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("concurrency", "max_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.timeout <= 0 or self.long_wait <= 0:
            raise ValueError("timeout and long_wait must be positive")
        if self.prompt:
            check_template(self.prompt)  # a typo would send the template without the text, paid
        if self.schema is not None:
            if not self.prompt:
                raise ValueError("a JSON Schema goes with a prompt of your own")
            try:
                check_schema(self.schema)
            except SchemaError as error:
                raise ValueError(str(error)) from error

    def _check_types(self) -> None:
        """ValueError for a value of the wrong JSON type; whole numbers are accepted for decimals."""
        for spec in fields(self):
            value, default = getattr(self, spec.name), spec.default
            if spec.name in ("schema", "extra"):
                continue
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, spec.name, float(value))
            elif type(value) is not type(default):
                raise ValueError(f"{spec.name} must be {_KIND[type(default)]}, got {value!r}")

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
