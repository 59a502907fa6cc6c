"""From stored bytes to UTF-8 text we can parse: byte-order marks, UTF-16, and what a file that is
not JSON looks like. Every byte offset elsewhere in this package counts in the UTF-8 bytes this
returns. Standard library only."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from dataflow.executors.json.errors import EmptyFileError, EncodingError, NotJsonError

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"), (b"BZh", "a bzip2 archive"), (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"SQLite format 3", "an SQLite database"), (b"PAR1", "a Parquet file"),
    (b"Obj\x01", "an Avro file"),
)
JSON_STARTS = frozenset('[{"-0123456789tfn')
SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]*")  # bytes.strip()'s whitespace, matched without copying the file


def space_end(data: bytes, start: int = 0) -> int:
    """The index of the first byte at or after `start` that is not whitespace (len(data) if none)."""
    match = SPACE.match(data, start)
    return match.end() if match is not None else start
TEXT = re.compile(rb"[^ \t\n\r\x0b\x0c]")


@dataclass
class Text:
    """The file as UTF-8 bytes without a byte-order mark, and what it was."""

    data: bytes
    encoding: str
    warnings: list[str] = field(default_factory=list)


def to_utf8(data: bytes) -> Text:
    """UTF-8 (with or without BOM) as it is; UTF-16 with BOM transcoded. Raises EmptyFileError,
    EncodingError (UTF-32, UTF-16 without BOM, undecodable UTF-16) and NotJsonError (binary files)."""
    if space_end(data) == len(data):
        raise EmptyFileError("The file is empty." if not data else "The file holds only whitespace.")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise EncodingError("The file is UTF-32 text; save it as UTF-8 (or UTF-16) and add it again.")
    if data.startswith(codecs.BOM_UTF8):
        return Text(data[len(codecs.BOM_UTF8):], "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise EncodingError(f"The file starts like UTF-16 but is not valid UTF-16 at byte {error.start:,}: "
                                f"{error.reason}.") from None
        return Text(text.encode("utf-8"), "utf-16", ["The file is UTF-16; it was read as such (outputs are UTF-8)."])
    described = describe_binary(data)
    if described:
        raise NotJsonError(f"This is not JSON: it looks like {described}.")
    return Text(data, "utf-8")


def describe_binary(data: bytes) -> str | None:
    """What a binary file looks like, or None for text."""
    for magic, what in SIGNATURES:
        if data.startswith(magic):
            return what
    head = data[:512]
    if b"\x00" in head:
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            return "UTF-16 text without a byte-order mark (save it as UTF-8)"
        return "binary data"
    return None


def describe_text(head: str) -> str:
    """What the start of a text file that is not JSON looks like."""
    stripped = head.lstrip()
    lowered = stripped[:200].lower()
    first_line = stripped.split("\n", 1)[0]
    if lowered.startswith(("<!doctype html", "<html")):
        return "an HTML page"
    if lowered.startswith("<?xml") or lowered.startswith("<"):
        return "XML or HTML"
    if first_line.startswith("---") or (":" in first_line and not first_line.startswith(("{", "["))
                                        and first_line.split(":", 1)[0].strip().isidentifier()):
        return "YAML or a text of key: value lines"
    if first_line.count(",") >= 1 and "{" not in first_line:
        return "CSV or other comma-separated text"
    return f"plain text starting with {excerpt(stripped, 0)}"


def excerpt(text: str, position: int, width: int = 24) -> str:
    """A short, quoted piece of text around `position`, with line breaks shown as ⏎."""
    start = max(0, position - width)
    piece = text[start:position + width].replace("\r", "").replace("\n", "⏎").replace("\t", " ")
    return ("…" if start else "") + f"“{piece}”" + ("…" if position + width < len(text) else "")


def not_utf8(data: bytes, error: UnicodeDecodeError, offset: int) -> EncodingError:
    """The error for bytes that are not UTF-8, at byte `offset + error.start` of `data`."""
    at = offset + error.start
    line = data.count(b"\n", 0, at) + 1
    byte = data[at]
    guess = "Latin-1 or Windows-1252" if 0x80 <= byte <= 0xFF else "another encoding"
    return EncodingError(f"The text is not UTF-8: byte 0x{byte:02X} on line {line:,} (byte {at:,}) looks like "
                         f"{guess}. Save the file as UTF-8 and add it again.")


def starts_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in JSON_STARTS
