"""Writing a file so that a reader sees the old content or the new, never a part: a temporary
file in the same directory, flushed and fsynced, then `os.replace`. Native ring, stdlib only."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from dataflow.core.errors import StorageFullError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what open() would give; mkstemp's own 0600 would hide results from others


def write_atomically(path: Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Replace `path` with `data` (bytes, or pieces written one after the other, so a large value need
    not be in memory) in one step. A full disk raises StorageFullError (the old file stays).

    `durable` fsyncs the file before the rename, so a power cut cannot leave an empty file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFullError(f"the disk is full: {path} could not be written") from error
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
