"""Numbers as people read them (durations, sizes), shared by the row view and executors' summaries,
and user-supplied names as they may be shown. Standard library only."""

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


# Unicode's bidirectional formatting characters (UAX #9, "Explicit Directional Formatting" and the
# implicit marks): embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks LRM U+200E,
# RLM U+200F and ALM U+061C. In a file name they can make "bill\u202excod.exe" read "billexe.docx".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_SHOWN_BIDI = str.maketrans({char: f"⟨U+{ord(char):04X}⟩" for char in BIDI_CONTROLS})


def display_name(name: str) -> str:
    """A user-supplied name (a file's, a task's) as it may be shown: each bidirectional formatting
    character (BIDI_CONTROLS) written out visibly as "⟨U+202E⟩", so it cannot reorder what a person
    reads. For display only: the stored name and a download's name keep the characters."""
    return name.translate(_SHOWN_BIDI)
