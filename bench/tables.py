"""What the CPython benchmarks share: a median (min–max) cell, and printing a markdown table that
`--out` also writes to a file."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path


def summary(values: Sequence[float], fmt: str) -> str:
    """"median (min–max)" of `values`, each formatted with `fmt` (a str.format pattern)."""
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def publish(title: str, headers: tuple[str, str, str], rows: list[tuple[str, str, str]], out: Path | None) -> None:
    """Print the table under `title`; with `out`, write it there too (folders created)."""
    lines = [title, "", "| " + " | ".join(headers) + " |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    table = "\n".join(lines)
    print(table)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table + "\n")
