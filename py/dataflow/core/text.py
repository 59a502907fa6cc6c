"""Numbers as people read them (durations, sizes), shared by the row view and executors' summaries.
Standard library only."""

from __future__ import annotations


def duration(seconds: float) -> str:
    """0:07, 1:23, 1:02:03 (seconds rounded, never negative)."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(size: int) -> str:
    """A size in bytes as "12 bytes", "2.0 KB", "5.0 MB" (1024-based)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def plural(count: int, noun: str) -> str:
    """ "1 page", "3 pages"."""
    return f"{count} {noun}{'s' if count != 1 else ''}"
