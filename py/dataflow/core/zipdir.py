"""Reading a ZIP archive by its central directory, so one entry can be read from a stored Blob
(a `slice()` of it) without loading the rest. Standard library only; the browser ring does the
slicing. Source of the layout: PKWARE's APPNOTE.TXT, sections 4.3.7 (local file header), 4.3.12
(central directory header) and 4.3.16 (end of central directory record). ZIP64 archives (over
65,535 entries or 4 GB) are refused with a clear error."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from dataflow.core.errors import DataflowError

END_SIGNATURE = b"PK\x05\x06"
CENTRAL_SIGNATURE = b"PK\x01\x02"
LOCAL_SIGNATURE = b"PK\x03\x04"
END_SIZE = 22
TAIL_BYTES = END_SIZE + 0xFFFF  # the end record plus the longest comment it may carry
LOCAL_HEADER_SIZE = 30
STORED, DEFLATED = 0, 8


class ZipFormatError(DataflowError):
    """The bytes are not a ZIP archive this reader understands (the message says why)."""


@dataclass(frozen=True)
class ZipEntry:
    """One file of the archive: sizes in bytes, `header_offset` from the archive's start."""

    name: str
    method: int
    compressed_size: int
    size: int
    header_offset: int


@dataclass(frozen=True)
class Directory:
    """Where the central directory is (`offset`, `size` in bytes) and how many entries it lists."""

    offset: int
    size: int
    count: int


def find_directory(tail: bytes, archive_size: int) -> Directory:
    """The central directory's place, from the last `TAIL_BYTES` (or fewer) bytes of the archive.
    Raises ZipFormatError when there is no end record or the archive is ZIP64."""
    at = tail.rfind(END_SIGNATURE)
    if at < 0 or len(tail) - at < END_SIZE:
        raise ZipFormatError("the result is not a ZIP archive (no end of central directory record)")
    _, disk, _, _, count, size, offset, _ = struct.unpack("<4sHHHHIIH", tail[at:at + END_SIZE])
    if disk != 0:
        raise ZipFormatError("the result is a multi-part ZIP archive")
    if count == 0xFFFF or offset == 0xFFFFFFFF or size == 0xFFFFFFFF:
        raise ZipFormatError("the result is a ZIP64 archive, which the viewer does not read")
    if offset + size > archive_size:
        raise ZipFormatError("the ZIP archive's central directory lies beyond its end (is it truncated?)")
    return Directory(offset=offset, size=size, count=count)


def read_directory(data: bytes, count: int) -> list[ZipEntry]:
    """The `count` entries of a central directory (`data` is exactly its bytes)."""
    return read_directory_part(data, count, 0)[0]


def read_directory_part(data: bytes, count: int, at: int) -> tuple[list[ZipEntry], int]:
    """`count` entries of a central directory from byte `at`, and where the next one starts (so a
    long directory can be read in parts, yielding in between)."""
    entries: list[ZipEntry] = []
    for _ in range(count):
        if data[at:at + 4] != CENTRAL_SIGNATURE:
            raise ZipFormatError(f"the ZIP central directory is damaged at byte {at}")
        (method, _, _, crc, compressed, size, name_len, extra_len, comment_len, _, _, _,
         offset) = struct.unpack("<HHHIIIHHHHHII", data[at + 10:at + 46])
        del crc
        raw = data[at + 46:at + 46 + name_len]
        flags = struct.unpack("<H", data[at + 8:at + 10])[0]
        name = raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        entries.append(ZipEntry(name=name, method=method, compressed_size=compressed, size=size,
                                header_offset=offset))
        at += 46 + name_len + extra_len + comment_len
    return entries, at


def data_start(entry: ZipEntry, local_header: bytes) -> int:
    """Where `entry`'s compressed bytes start, from its 30-byte local header."""
    if local_header[:4] != LOCAL_SIGNATURE or len(local_header) < LOCAL_HEADER_SIZE:
        raise ZipFormatError(f"the ZIP entry {entry.name!r} has no local header where the directory says")
    name_len, extra_len = struct.unpack("<HH", local_header[26:30])
    return entry.header_offset + LOCAL_HEADER_SIZE + name_len + extra_len


def decompress(entry: ZipEntry, raw: bytes) -> bytes:
    """The content of `entry` from its `compressed_size` stored bytes (stored or deflated)."""
    if entry.method == STORED:
        return raw
    if entry.method == DEFLATED:
        try:
            return zlib.decompressobj(-15).decompress(raw)
        except zlib.error as error:
            raise ZipFormatError(f"the ZIP entry {entry.name!r} is damaged: {error}") from error
    raise ZipFormatError(f"the ZIP entry {entry.name!r} uses compression method {entry.method}, "
                         "which the viewer does not read")


# Writing ------------------------------------------------------------------------------------

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
VERSION = 20  # zipfile's DEFAULT_VERSION: "version needed to extract" and "made by" (2.0)
UNIX = 3  # "made by" system: zipfile writes 3 everywhere but Windows (and we never run there)
UTF8_NAME = 0x800  # general purpose flag 11: the name is UTF-8 (APPNOTE 4.4.4)
SIZE_LIMIT = 0x7FFFFFFF  # beyond it zipfile switches to ZIP64, which the viewer does not read
FILE_ATTRIBUTES = 0o644 << 16


@dataclass(frozen=True)
class _Written:
    name: bytes
    flags: int
    method: int
    crc: int
    compressed_size: int
    size: int
    offset: int


def deflate(data: bytes) -> bytes:
    """`data` deflated as zipfile deflates an entry (default level, raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _encoded(name: str) -> tuple[bytes, int]:
    """An entry's name as stored, and its general purpose flags: cut at a NUL, as zipfile.ZipInfo does;
    ASCII, or UTF-8 with flag 11 set."""
    name = name.split("\x00", 1)[0]
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), UTF8_NAME


def _local_header(raw: bytes, flags: int, method: int, crc: int, size: int, compressed_size: int, time: int,
                  date: int) -> bytes:
    return struct.pack("<4sBBHHHHIIIHH", LOCAL_SIGNATURE, VERSION, 0, flags, method, time, date, crc,
                       compressed_size, size, len(raw), 0) + raw


def local_header(name: str, *, crc: int, size: int) -> bytes:
    """The local header ZipWriter writes before a stored (not deflated) entry of `size` bytes with
    CRC-32 `crc`, at the fixed date: data stored ahead of time can carry it, so an archive is written
    from stored ranges alone (APPNOTE.TXT 4.3.7)."""
    raw, flags = _encoded(name)
    return _local_header(raw, flags, STORED, crc, size, size, *_dos(FIXED_TIME))


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    """(time, date) in MS-DOS format, as ZIP headers carry them (APPNOTE.TXT 4.4.6)."""
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


class ZipWriter:
    """A ZIP archive written front to back as pieces of bytes, so no buffer ever holds the archive:
    each entry is its local header then its data (which the caller may write from elsewhere, e.g. a
    stored part, knowing only its CRC-32 and size), and `close()` gives the central directory and the
    end record. The bytes equal what `zipfile.ZipFile` writes to a seekable file for the same entries
    given to `writestr` as `ZipInfo(name, date_time)` (a name cut at a NUL, as zipfile does) with
    `external_attr = 0o644 << 16` (stored, or deflated at the default level): APPNOTE.TXT sections
    4.3.7, 4.3.12 and 4.3.16; the test suite compares the two byte for byte. Sizes and offsets over
    2 GiB (ZIP64) raise ZipFormatError."""

    def __init__(self, date_time: tuple[int, int, int, int, int, int] = FIXED_TIME):
        self._time, self._date = _dos(date_time)
        self._entries: list[_Written] = []
        self.offset = 0  # bytes written so far (the archive's size once closed)

    def header(self, name: str, *, method: int, crc: int, size: int, compressed_size: int) -> bytes:
        """The local header of the next entry, whose `compressed_size` bytes of data the caller writes
        right after it."""
        if max(size * 1.05, compressed_size, self.offset) > SIZE_LIMIT:  # zipfile's own ZIP64 rule
            raise ZipFormatError(f"the ZIP entry {name!r} would need ZIP64 (over 2 GiB)")
        raw, flags = _encoded(name)
        self._entries.append(_Written(raw, flags, method, crc, compressed_size, size, self.offset))
        header = _local_header(raw, flags, method, crc, size, compressed_size, self._time, self._date)
        self.offset += len(header) + compressed_size
        return header

    def entry(self, name: str, data: bytes, *, stored: bool) -> list[bytes]:
        """A whole entry: its header and its data, stored as is or deflated."""
        body = data if stored else deflate(data)
        crc = zlib.crc32(data)
        return [self.header(name, method=STORED if stored else DEFLATED, crc=crc, size=len(data),
                            compressed_size=len(body)), body]

    def close(self) -> bytes:
        """The central directory and the end record: the archive's last bytes."""
        directory = b"".join(
            struct.pack("<4sBBBBHHHHIIIHHHHHII", CENTRAL_SIGNATURE, VERSION, UNIX, VERSION, 0, e.flags, e.method,
                        self._time, self._date, e.crc, e.compressed_size, e.size, len(e.name), 0, 0, 0, 0,
                        FILE_ATTRIBUTES, e.offset) + e.name
            for e in self._entries)
        if len(self._entries) >= 0xFFFF or self.offset + len(directory) > SIZE_LIMIT:
            raise ZipFormatError("the ZIP archive would need ZIP64 (too many entries or over 2 GiB)")
        end = struct.pack("<4sHHHHIIH", END_SIGNATURE, 0, 0, len(self._entries), len(self._entries), len(directory),
                          self.offset, 0)
        self.offset += len(directory) + len(end)
        return directory + end
