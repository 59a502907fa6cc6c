"""How long a provider asks us to wait, read from its response headers. Standard library only.

Sources: `Retry-After` (RFC 9110 §10.2.3: seconds or an HTTP date), `retry-after-ms` (OpenAI and
Azure send it; the OpenAI SDK prefers it), and OpenAI's `x-ratelimit-reset-requests` /
`x-ratelimit-reset-tokens` (durations like `12ms`, `6s`, `1m30s`). In a browser these are readable
only when the provider lists them in Access-Control-Expose-Headers; without them we back off.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
RESET_HEADERS = ("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens")


def parse_duration(text: str) -> float | None:
    """Seconds in a duration like `12ms`, `6.5s`, `1m30s`, `2h` (a bare number is seconds); None if
    it is not one."""
    value = text.strip().lower()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    if _DURATION.sub("", value):
        return None
    return sum(float(number) * _UNITS[unit] for number, unit in _DURATION.findall(value))


def parse_retry_after(text: str, now: float) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP date (relative to `now`,
    epoch seconds; a date in the past is 0). None if unreadable."""
    value = text.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        from email.utils import parsedate_to_datetime  # here: ~20 ms of the page's start-up in Pyodide

        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def retry_wait(headers: Mapping[str, str], now: float) -> float | None:
    """The wait the provider asks for, in seconds, or None when it says nothing readable.

    `retry-after-ms` first, then `Retry-After`, then the longest of the reset headers (both the
    request and the token budget must have room again). Header names are matched case-insensitively."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if "retry-after-ms" in lowered:
        try:
            return max(0.0, float(lowered["retry-after-ms"]) / 1000.0)
        except ValueError:
            pass
    if "retry-after" in lowered and (wait := parse_retry_after(lowered["retry-after"], now)) is not None:
        return wait
    resets = [parse_duration(lowered[name]) for name in RESET_HEADERS if name in lowered]
    known = [reset for reset in resets if reset is not None]
    return max(known) if known else None
