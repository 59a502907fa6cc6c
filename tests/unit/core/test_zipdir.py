"""The ZIP central directory reader gives the same names and contents as zipfile."""

import io
import zipfile

import pytest

from dataflow.core.zipdir import (
    TAIL_BYTES,
    ZipFormatError,
    data_start,
    decompress,
    find_directory,
    read_directory,
    read_directory_part,
)


def archive(entries: dict[str, bytes], comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for index, (name, data) in enumerate(entries.items()):
            out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED if index % 2 else zipfile.ZIP_STORED)
        out.comment = comment
    return buffer.getvalue()


def read_all(data: bytes) -> dict[str, bytes]:
    directory = find_directory(data[-TAIL_BYTES:], len(data))
    found = {}
    for entry in read_directory(data[directory.offset:directory.offset + directory.size], directory.count):
        start = data_start(entry, data[entry.header_offset:entry.header_offset + 30])
        found[entry.name] = decompress(entry, data[start:start + entry.compressed_size])
    return found


def test_every_entry_reads_back_as_zipfile_wrote_it_stored_or_deflated():
    entries = {f"text/page-{n:04d}.txt": f"Page {n} ✓ ".encode() * n for n in range(1, 30)}
    assert read_all(archive(entries, comment=b"a comment")) == entries


def test_a_directory_read_in_parts_equals_one_read():
    data = archive({f"f{n}": b"x" * n for n in range(10)})
    directory = find_directory(data, len(data))
    part = data[directory.offset:directory.offset + directory.size]
    first, at = read_directory_part(part, 4, 0)
    rest, _ = read_directory_part(part, 6, at)
    assert first + rest == read_directory(part, 10)


def test_bytes_without_an_end_record_are_refused_with_a_reason():
    with pytest.raises(ZipFormatError, match="not a ZIP archive"):
        find_directory(b"%PDF-1.7 nothing else", 21)


def test_a_truncated_archive_is_refused():
    data = archive({"a": b"abc"})
    tail = data[-22:]
    with pytest.raises(ZipFormatError, match="truncated"):
        find_directory(tail, 10)
