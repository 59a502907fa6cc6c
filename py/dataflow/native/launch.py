"""The `dataflow` console script's entry point, kept small: loading the command (rich, pypdf, the
executors) takes a second or more on a busy machine, and a Ctrl-C meanwhile must be one line and
exit code 130, not the traceback of an import. Native ring."""

from __future__ import annotations

import importlib
import sys

INTERRUPTED = 130  # as dataflow.native.cli.INTERRUPTED, without importing it


def entry_point() -> None:
    """Import the command line and run it; exit with its code."""
    try:
        cli = importlib.import_module("dataflow.native.cli")
        code = cli.main()
    except KeyboardInterrupt:  # before the command could take over Ctrl-C (see cli.interruptible)
        sys.stderr.write("Interrupted: nothing was lost; run the same command again to go on.\n")
        code = INTERRUPTED
    sys.exit(code)
