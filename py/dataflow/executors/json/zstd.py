"""zstd behind one small interface, from whichever module this Python has: Python 3.14's
`compression.zstd` (present in the browser's Pyodide) or the `zstandard` package (the CPython
test venv). Decompression stops at a size limit, so a bomb cannot exhaust memory.
Executors ring: standard library, or zstandard when installed."""

from __future__ import annotations

import importlib
from typing import Protocol

from dataflow.executors.json.errors import CorruptZstError, FileTooLargeError, ZstdUnavailableError
from dataflow.executors.json.options import size_text

MAGIC = b"\x28\xb5\x2f\xfd"
STEP = 1024 * 1024  # decompressed bytes produced per call: the most we hold beyond the limit
FEED = 1024  # compressed bytes fed per call to a decompressor that has no output limit


class Zstd(Protocol):
    name: str

    def compress(self, data: bytes, level: int) -> bytes:
        """One complete zstd frame holding `data`, at `level` (1-22)."""

    def decompress(self, data: bytes, limit: int) -> bytes:
        """Every frame of `data`, concatenated. Raises FileTooLargeError past `limit` bytes and
        CorruptZstError when the data is damaged or ends inside a frame."""


class StdlibZstd:
    """Python 3.14's compression.zstd."""

    name = "compression.zstd"

    def __init__(self, module) -> None:
        self.module = module

    def compress(self, data: bytes, level: int) -> bytes:
        return self.module.compress(data, level=level)

    def decompress(self, data: bytes, limit: int) -> bytes:
        out, total, pending = [], 0, data
        decompressor = self.module.ZstdDecompressor()
        try:
            while True:
                piece = decompressor.decompress(pending, max_length=min(STEP, limit - total + 1))
                pending = b""
                total += len(piece)
                if total > limit:
                    raise _too_large(limit)
                out.append(piece)
                if decompressor.eof:
                    pending = decompressor.unused_data
                    if not pending:
                        return b"".join(out)
                    decompressor = self.module.ZstdDecompressor()
                elif decompressor.needs_input:
                    raise CorruptZstError("The .zst file ends in the middle of its data: it is truncated.")
        except self.module.ZstdError as error:
            raise CorruptZstError(f"The .zst file is damaged: {error}") from error


class ZstandardZstd:
    """The zstandard package (python-zstandard)."""

    name = "zstandard"

    def __init__(self, module) -> None:
        self.module = module

    def compress(self, data: bytes, level: int) -> bytes:
        return self.module.ZstdCompressor(level=level).compress(data)

    def decompress(self, data: bytes, limit: int) -> bytes:
        out, total, view, start = [], 0, memoryview(data), 0
        try:
            while start < len(view):  # one frame per round
                decompressor, position = self.module.ZstdDecompressor().decompressobj(), start
                while not decompressor.eof:
                    if position >= len(view):
                        raise CorruptZstError("The .zst file ends in the middle of its data: it is truncated.")
                    # A little input at a time: zstd expands at most ~32,000-fold, so a step stays bounded.
                    piece = decompressor.decompress(view[position:position + FEED])
                    position = min(position + FEED, len(view))
                    total += len(piece)
                    if total > limit:
                        raise _too_large(limit)
                    out.append(piece)
                start = position - len(decompressor.unused_data)
        except self.module.ZstdError as error:
            raise CorruptZstError(f"The .zst file is damaged: {error}") from error
        return b"".join(out)

def _too_large(limit: int) -> FileTooLargeError:
    return FileTooLargeError(f"The .zst file decompresses to more than {size_text(limit)}, the limit; "
                             "it was stopped there.")


def available() -> Zstd | None:
    """The zstd this Python has, preferring the standard library's."""
    try:
        return StdlibZstd(importlib.import_module("compression.zstd"))
    except ImportError:
        pass
    try:
        return ZstandardZstd(importlib.import_module("zstandard"))
    except ImportError:
        return None


def require() -> Zstd:
    """The available zstd, or ZstdUnavailableError with what to install."""
    found = available()
    if found is None:
        raise ZstdUnavailableError("zstd is not available in this Python: it needs Python 3.14's compression.zstd "
                                   "or the zstandard package.")
    return found


def is_zstd(data: bytes) -> bool:
    return data[:4] == MAGIC
