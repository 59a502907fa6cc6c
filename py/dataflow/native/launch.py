"""The `dataflow` console script's entry point, kept small: loading the command (rich, pypdf, the
executors) takes a second or more on a busy machine, and a Ctrl-C or SIGTERM meanwhile must be one
line and exit code 130 or 143, not the traceback of an import nor a silent exit. Native ring."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import FrameType

INTERRUPTED = 130  # as dataflow.native.cli.INTERRUPTED, without importing it
TERMINATED = 143  # 128 + SIGTERM; `signal` is imported inside the guard (a Ctrl-C may come meanwhile)
LINE = "Interrupted: nothing was lost; run the same command again to go on.\n"


class Terminated(BaseException):  # noqa: N818 - an outcome, as KeyboardInterrupt
    """SIGTERM came before the command took signals over (see cli.interruptible)."""


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def entry_point() -> None:
    """Import the command line and run it; exit with its code."""
    previous: Any = None
    try:
        import signal

        previous = signal.signal(signal.SIGTERM, _terminated)
        cli = importlib.import_module("dataflow.native.cli")
        code = cli.main()
    except KeyboardInterrupt:  # before the command could take over Ctrl-C (see cli.interruptible)
        sys.stderr.write(LINE)
        code = INTERRUPTED
    except Terminated:
        sys.stderr.write(LINE)
        code = TERMINATED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    sys.exit(code)
