"""How records are written (JSON array or JSONL, compact or pretty), their canonical form for
duplicate detection, output file names, and deterministic ZIPs: the same records give the same
bytes whatever chunks or interruptions produced them. Standard library only."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterable
from io import BytesIO
from typing import Any

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SUFFIXES = (".zst", ".jsonl", ".ndjson", ".json")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """`text` (JSON from json.dumps with ensure_ascii=False) with every lone surrogate written as
    its escape (`\\ud800`), as ensure_ascii=True writes it: valid JSON in (`"\\ud800"` is) gives
    valid UTF-8 out, and every other character stays as it was. A surrogate can only stand inside a
    string there, so the escape keeps the JSON valid."""
    if text.isascii():
        return text
    return LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def record_text(value: Any, *, form: str, pretty: bool) -> str:
    """One record as written: compact on one line, or indented by 2 inside a pretty JSON array."""
    if pretty and form == "json":
        text = "  " + json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n  ")
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return escape_surrogates(text)


def join_records(texts: Iterable[str], *, form: str) -> bytes:
    """The file holding `texts` (from record_text): `[\\n r1,\\n r2\\n]\\n` or `r1\\nr2\\n`."""
    if form == "jsonl":
        return "".join(text + "\n" for text in texts).encode("utf-8")
    body = ",\n".join(texts)
    return ("[\n" + body + "\n]\n" if body else "[]\n").encode("utf-8")


def canonical_digest(value: Any) -> bytes:
    """16 bytes that are equal for equal records whatever their key order or spacing."""
    text = escape_surrogates(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                                        allow_nan=False))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def base_name(source: str) -> str:
    """The file name without folders (either slash)."""
    return source.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]


def report_name(source: str) -> str:
    """`good.jsonl.zst.report.json`: the whole input name, so the reports of good.json and good.jsonl differ."""
    return f"{base_name(source) or 'data'}.report.json"


def stem(source: str) -> str:
    """The file name without folders and without .zst/.json/.jsonl/.ndjson."""
    base = base_name(source)
    for suffix in SUFFIXES:
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    return base or "data"


def zip_files(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP of (name, data) in the given order, with fixed dates: identical input, identical bytes."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def split_name(base: str, number: int, total: int, form: str) -> str:
    """`base-0001.jsonl`: numbered from 1, zero-padded to the width of the total (at least 4)."""
    width = max(4, len(str(total)))
    return f"{base}-{number:0{width}d}.{form}"


def report_bytes(report: dict[str, Any]) -> bytes:
    """The report as UTF-8 JSON (indented by 2); lone surrogates escaped (see escape_surrogates)."""
    return (escape_surrogates(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=False)) + "\n").encode("utf-8")
