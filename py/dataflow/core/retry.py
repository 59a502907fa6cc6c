"""Retry policy as data: Temporal's field names, validated, and a pure delay function."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how soon a failed task is tried again.

    `maximum_attempts` counts every try (Temporal's meaning): 4 is the first try plus 3 retries.
    `maximum_retry_after` caps how far past now an executor's "not before" time (RetryAfterError,
    e.g. HTTP 429 Retry-After) may push the next attempt, in seconds.
    With `jitter`, each delay is drawn uniformly from [0, capped exponential delay] ("full
    jitter"), which spreads retries of many tasks that failed together.
    """

    initial_interval: float = 1.0
    backoff_coefficient: float = 2.0
    maximum_interval: float = 30.0
    maximum_attempts: int = 4
    jitter: bool = True
    non_retryable_error_types: tuple[str, ...] = field(default=())
    maximum_retry_after: float = 3600.0  # seconds: the latest a RetryAfterError may push a retry


    def __post_init__(self) -> None:
        if self.initial_interval <= 0:
            raise ValueError(f"initial_interval must be positive, got {self.initial_interval}")
        if self.backoff_coefficient < 1:
            raise ValueError(f"backoff_coefficient must be at least 1, got {self.backoff_coefficient}")
        if self.maximum_interval < self.initial_interval:
            raise ValueError(
                f"maximum_interval ({self.maximum_interval}) must be at least "
                f"initial_interval ({self.initial_interval})"
            )
        if isinstance(self.maximum_attempts, bool) or not isinstance(self.maximum_attempts, int):
            raise ValueError(f"maximum_attempts must be a whole number, got {self.maximum_attempts!r}")
        if self.maximum_attempts < 1:
            raise ValueError(f"maximum_attempts must be at least 1 (the first try), got {self.maximum_attempts}")
        if not self.maximum_retry_after > 0:
            raise ValueError(f"maximum_retry_after must be positive, got {self.maximum_retry_after}")
        object.__setattr__(self, "non_retryable_error_types", tuple(self.non_retryable_error_types))

    @property
    def max_retries(self) -> int:
        """Automatic retries after the first try: maximum_attempts - 1."""
        return self.maximum_attempts - 1

    def ceiling_for(self, retry: int) -> float:
        """The delay before retry number `retry` (1-based) without jitter, capped."""
        if retry < 1:
            raise ValueError(f"retry numbers start at 1, got {retry}")
        exponent = min(retry - 1, 1024)  # beyond this the cap applies anyway; avoid overflow
        try:
            delay = self.initial_interval * self.backoff_coefficient**exponent
        except OverflowError:
            delay = self.maximum_interval
        return min(delay, self.maximum_interval)

    def delay_for(self, retry: int, *, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number `retry`; with jitter, uniform in [0, ceiling]."""
        ceiling = self.ceiling_for(retry)
        return rng() * ceiling if self.jitter else ceiling

    def next_attempt_at(self, retry: int, now: float, *, not_before: float | None = None,
                        rng: Callable[[], float] = random.random) -> float:
        """Epoch seconds of retry number `retry`: the later of the backoff delay and `not_before`
        (an executor's retry-after time), but never more than `maximum_retry_after` from `now`."""
        backoff = now + self.delay_for(retry, rng=rng)
        if not_before is None:
            return backoff
        return min(max(backoff, not_before), max(backoff, now + self.maximum_retry_after))

    def is_retryable(self, error_type: str) -> bool:
        """False for an error class name listed in non_retryable_error_types."""
        return error_type not in self.non_retryable_error_types

    def to_dict(self) -> dict[str, Any]:
        return {
            "initial_interval": self.initial_interval,
            "backoff_coefficient": self.backoff_coefficient,
            "maximum_interval": self.maximum_interval,
            "maximum_attempts": self.maximum_attempts,
            "jitter": self.jitter,
            "non_retryable_error_types": list(self.non_retryable_error_types),
            "maximum_retry_after": self.maximum_retry_after,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RetryPolicy:
        """Read a stored policy (unknown fields ignored); ValueError or TypeError if it is invalid.

        Thousands of saved tasks carry a handful of distinct policies: a policy read before is
        reused (it is frozen), not built and validated again."""
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        if "non_retryable_error_types" in known:
            known["non_retryable_error_types"] = tuple(known["non_retryable_error_types"])
        try:
            key = tuple((name, type(value), value) for name, value in sorted(known.items()))
            policy = _read.get(key)
        except TypeError:  # an unhashable value: let the constructor say what is wrong
            return cls(**known)
        if policy is None:
            if len(_read) >= POLICIES_KEPT:
                _read.clear()
            policy = _read[key] = cls(**known)
        return policy


POLICIES_KEPT = 64
_read: dict[tuple, RetryPolicy] = {}  # policies read by RetryPolicy.from_dict
