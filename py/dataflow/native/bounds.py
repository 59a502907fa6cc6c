"""Sane ranges for the command line's numeric options, checked in one place for every command, so
that `--workers 99999999999999999999` is a one-line error, not 8 GB of processes. Native ring.

The limits (a person's mistake is refused before anything starts):
- --workers: 1 to max(4 × the cores, 8) processes (more only queue for the same cores);
- --concurrency (temporal submit): 1 to 1000 files at once;
- --page-timeout: more than 0 and at most a day, or `inf` for no limit;
- --heartbeat-timeout, --initial-interval, --maximum-interval, --maximum-retry-after: more than 0
  and at most a day (seconds);
- --backoff-coefficient: a finite number from 1 to 100 (a factor, not seconds);
- --maximum-attempts: 1 to 1000 tries;
- (--max-images and the other kind options keep their form's bounds: native/form_options.py);
- --out: not empty.
"""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass
from pathlib import Path

DAY = 86_400.0


class Typed(float):
    """A number option's value that keeps the text the user typed, so that a message echoes `-1`,
    not `-1.0` (see `number`). check_bounds turns it back into a plain float."""

    typed: str


def folder(text: str) -> Path:
    """An --out folder: argparse's `type`; an empty one is refused (it would write into the current
    folder, perhaps the inputs')."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a folder for the results (it is created if missing), not ''")
    return Path(text)


def number(text: str) -> float:
    """argparse's `type` for a number option: float(text), remembering `text` (ValueError as float's,
    which argparse words as "invalid number value: 'abc'")."""
    value = Typed(text)
    value.typed = text
    return value


def shown(value: float | int) -> str:
    """A value as the user typed it (a Typed), else as Python writes it."""
    return getattr(value, "typed", None) or str(value)


class BoundsError(ValueError):
    """A numeric option out of its range; the message names the option as the user typed it."""


@dataclass(frozen=True)
class Bound:
    option: str  # as typed on the command line, e.g. "--workers"
    low: float
    high: float
    unit: str  # "seconds", "processes", ...: how the message names the value
    low_open: bool = False  # True: the value must be more than `low`
    allow_inf: bool = False  # `inf` means "no limit"
    whole: bool = False

    def check(self, value: float | int) -> None:
        """Raise BoundsError with one line naming the option if `value` is out of range."""
        if self.allow_inf and value == math.inf:
            return
        if not math.isfinite(value) or value < self.low or value > self.high or (self.low_open and value == self.low):
            raise BoundsError(f"{self.option} must be {self.describe()}, got {shown(value)}.")

    def describe(self) -> str:
        number = "a whole number" if self.whole else "a finite number" if not self.allow_inf else "a number"
        span = (f"more than {fmt(self.low)} and at most {fmt(self.high)}" if self.low_open
                else f"from {fmt(self.low)} to {fmt(self.high)}")
        text = f"{number} of {self.unit} {span}" if self.unit else f"{number} {span}"
        return text + (" ('inf' for no limit)" if self.allow_inf else "")


def fmt(number: float) -> str:
    return f"{int(number):,}" if float(number).is_integer() else str(number)


def max_workers(cpu_count: int | None = None) -> int:
    """The most worker processes accepted: max(4 × cores, 8)."""
    return max(4 * (cpu_count if cpu_count is not None else (os.cpu_count() or 1)), 8)


def bounds(cpu_count: int | None = None) -> dict[str, Bound]:
    """The bound of each numeric option, by argparse destination."""
    seconds = {name: Bound(f"--{name.replace('_', '-')}", 0.0, DAY, "seconds", low_open=True)
               for name in ("initial_interval", "maximum_interval", "maximum_retry_after", "heartbeat_timeout")}
    return {
        **seconds,
        "workers": Bound("--workers", 1, max_workers(cpu_count), "processes", whole=True),
        "concurrency": Bound("--concurrency", 1, 1000, "files", whole=True),
        "page_timeout": Bound("--page-timeout", 0.0, DAY, "seconds", low_open=True, allow_inf=True),
        "backoff_coefficient": Bound("--backoff-coefficient", 1.0, 100.0, ""),
        "maximum_attempts": Bound("--maximum-attempts", 1, 1000, "tries", whole=True),
    }


def check_bounds(args: argparse.Namespace, cpu_count: int | None = None) -> None:
    """Raise BoundsError for the first numeric option of `args` out of its range; a checked Typed
    value becomes a plain float in `args`."""
    for name, bound in bounds(cpu_count).items():
        value = getattr(args, name, None)
        if isinstance(value, int | float) and not isinstance(value, bool):
            bound.check(value)
            if isinstance(value, Typed):
                setattr(args, name, float(value))


def option_names(message: str, fields: tuple[str, ...]) -> str:
    """`message` with each field name (maximum_interval) written as its option (--maximum-interval)."""
    for field in sorted(fields, key=len, reverse=True):
        message = message.replace(field, "--" + field.replace("_", "-"))
    return message
