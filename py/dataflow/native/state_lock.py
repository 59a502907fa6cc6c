"""One runner per state directory, as one tab per origin runs the page's tasks (its Web Lock): an
exclusive `flock` on STATE_DIR/lock, held while `run` or `retry` works and released by the kernel
when the process ends, however it ends. Native ring; POSIX only."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from dataflow.core.errors import DataflowError


class StateDirectoryBusyError(DataflowError):
    """Another `dataflow` process is running the tasks of this state directory."""


class StateLock:
    def __init__(self, state_dir: Path):
        self.path = Path(state_dir) / "lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise StateDirectoryBusyError at once (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StateDirectoryBusyError(f"another dataflow process is working in {self.path.parent}; "
                                          "wait for it to end (or stop it), then run this again.") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def is_busy(state_dir: Path) -> bool:
    """Whether a `dataflow` process holds the lock of `state_dir` now (a shared probe, released at once)."""
    try:
        fd = os.open(Path(state_dir) / "lock", os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
