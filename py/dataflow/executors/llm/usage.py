"""Tokens and cost: counted per record from the provider's `usage`, summed per task, priced with
the user's prices per million tokens. Standard library only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Requests made and tokens the provider counted (input = prompt, output = completion)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.requests + other.requests, self.prompt_tokens + other.prompt_tokens,
                     self.completion_tokens + other.completion_tokens)

    def cost(self, price_in: float, price_out: float) -> float:
        """Estimated cost in the prices' currency; prices are per million tokens."""
        return (self.prompt_tokens * price_in + self.completion_tokens * price_out) / 1_000_000

    def to_dict(self) -> dict[str, int]:
        return {"requests": self.requests, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens}

    @classmethod
    def from_dict(cls, data: Any) -> Usage:
        data = data if isinstance(data, dict) else {}
        return cls(*(int(data.get(name) or 0) for name in ("requests", "prompt_tokens", "completion_tokens")))


def total(usages: Iterable[Usage]) -> Usage:
    """The sum of several usages."""
    return sum(usages, Usage())
