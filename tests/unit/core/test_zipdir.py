"""The ZIP central directory reader gives the same names and contents as zipfile."""

import io
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataflow.core.zipdir import (
    STORED,
    TAIL_BYTES,
    ZipFormatError,
    ZipWriter,
    data_start,
    decompress,
    find_directory,
    local_header,
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


# Writing ------------------------------------------------------------------------------------

def zipfile_archive(entries: list[tuple[str, bytes, bool]]) -> bytes:
    """What the PDF result's writer produced before ZipWriter: zipfile, writestr, fixed time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as out:
        for name, data, stored in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            out.writestr(info, data)
    return buffer.getvalue()


def written(entries: list[tuple[str, bytes, bool]]) -> bytes:
    writer = ZipWriter()
    pieces = [piece for name, data, stored in entries for piece in writer.entry(name, data, stored=stored)]
    return b"".join(pieces) + writer.close()


SAMPLES = [
    [],
    [("metadata.json", b"{}", False)],
    [("text/page-0001.txt", b"", False), ("images/empty.png", b"", True)],
    [("text/page-0001.txt", "Seite 1 — ✓ ".encode() * 500, False), ("images/p1-Im0.jpg", bytes(range(256)) * 40, True),
     ("images/p1-Ïm1.tiff", b"II*\x00" + b"\x07" * 9000, False), ("images/ünïcode.png", b"\x89PNG" * 3, True),
     ("metadata.json", b'{"a": 1}', False)],
]


@pytest.mark.parametrize("entries", SAMPLES)
def test_the_writer_gives_the_bytes_zipfile_gives(entries):
    assert written(entries) == zipfile_archive(entries)


@given(st.lists(st.tuples(st.text(min_size=1, max_size=12), st.binary(max_size=3000), st.booleans()), max_size=6,
                unique_by=lambda entry: entry[0]))
@settings(max_examples=60, deadline=None)
def test_any_entries_give_zipfile_s_bytes(entries):
    assert written(entries) == zipfile_archive(entries)


def test_an_entry_written_from_its_crc_and_size_equals_one_written_whole():
    data = b"stored part " * 100
    whole = ZipWriter()
    from_parts = ZipWriter()
    header = from_parts.header("images/a.png", method=STORED, crc=zlib.crc32(data), size=len(data),
                               compressed_size=len(data))
    assert [header, data] == whole.entry("images/a.png", data, stored=True)
    assert from_parts.close() == whole.close() and from_parts.offset == whole.offset


@pytest.mark.parametrize("name", ["images/a.png", "images/é.jpg", "images/a\x00b.png"])
def test_a_header_made_ahead_of_time_is_the_one_the_writer_writes_for_that_stored_entry(name):
    data = b"kept as is " * 10
    writer = ZipWriter()
    writer.header("text/page-0001.txt", method=STORED, crc=0, size=3, compressed_size=3)  # any offset
    expected = writer.header(name, method=STORED, crc=zlib.crc32(data), size=len(data), compressed_size=len(data))
    assert local_header(name, crc=zlib.crc32(data), size=len(data)) == expected


def test_the_written_archive_reads_back_with_the_reader():
    entries = SAMPLES[3]
    assert read_all(written(entries)) == {name: data for name, data, _ in entries}


def test_an_entry_too_large_for_a_plain_zip_is_refused():
    with pytest.raises(ZipFormatError, match="ZIP64"):
        ZipWriter().header("big", method=STORED, crc=0, size=2**31, compressed_size=2**31)
