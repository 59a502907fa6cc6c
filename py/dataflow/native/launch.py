"""The `dataflow` console script's entry point, kept small: loading the command (rich, pypdf, the
executors) takes a second or more on a busy machine, and a Ctrl-C or SIGTERM meanwhile must be one
line and exit code 130 or 143, not the traceback of an import nor a silent exit. Native ring.

Signals are taken over by the first lines of this module, before it imports anything but built-in
modules: the console script imports it first. Until `entry_point` runs, a signal writes the line and
ends the process at once (nothing has started: there is nothing to save); inside `entry_point` it
raises, so the command's own handling (cli.interruptible) and the `finally` blocks run. What is left
before these lines is Python's own start-up (the interpreter, `site`, the console script's `import
re`), which no code of ours can precede.
"""

import _signal  # type: ignore[import-not-found]  # signal's built-in half: microseconds, no enum
import sys

INTERRUPTED = 130  # as dataflow.native.cli.INTERRUPTED, without importing it
TERMINATED = 143  # 128 + SIGTERM
LINE = "Interrupted: nothing was lost; run the same command again to go on.\n"
EXIT_CODES = {_signal.SIGINT: INTERRUPTED, _signal.SIGTERM: TERMINATED}


def _leave_at_once(signum, frame):
    """Before entry_point: one line, and the exit code of the signal (nothing to save yet)."""
    try:
        sys.stderr.write(LINE)
        sys.stderr.flush()
    finally:
        import os

        os._exit(EXIT_CODES.get(signum, INTERRUPTED))


def _is_console_script() -> bool:
    """True when this process is the `dataflow` command (not a test or a program importing us)."""
    name = (sys.argv[0] if sys.argv else "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.split(".", 1)[0] in ("dataflow", "dataflow-script")


CONSOLE_SCRIPT = _is_console_script()  # decided once, as this process starts (a test may change argv)
if _is_console_script():
    _signal.signal(_signal.SIGINT, _leave_at_once)
    _signal.signal(_signal.SIGTERM, _leave_at_once)


class Terminated(BaseException):  # noqa: N818 - an outcome, as KeyboardInterrupt
    """SIGTERM came before the command took signals over (see cli.interruptible)."""


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def _terminated(signum, frame):
    raise Terminated


def entry_point() -> None:
    """Import the command line and run it; exit with its code."""
    previous = {}
    try:
        previous[_signal.SIGINT] = _signal.signal(_signal.SIGINT, _interrupted)
        previous[_signal.SIGTERM] = _signal.signal(_signal.SIGTERM, _terminated)
        import importlib  # already loaded by Python's start-up: a look-up, not an import

        code = importlib.import_module("dataflow.native.cli").main()
    except KeyboardInterrupt:  # before the command could take over Ctrl-C (see cli.interruptible)
        sys.stderr.write(LINE)
        code = INTERRUPTED
    except Terminated:
        sys.stderr.write(LINE)
        code = TERMINATED
    finally:
        for signum, handler in previous.items():  # the console script's: a signal now leaves at once
            _signal.signal(signum, handler)
    if "temporalio" in sys.modules and CONSOLE_SCRIPT:  # never in a test that calls this function
        _exit_before_shutdown(code)
    sys.exit(code)


def _exit_before_shutdown(code: int) -> None:
    """End the process without Python's shutdown, once the command is done and its output flushed:
    the Temporal SDK's runtime threads, still alive then, made the shutdown hang or abort
    ("PyGILState_Release ... finalizing") now and then, mostly after a Ctrl-C. The command has
    closed what it opened (worker processes, files) in its own `finally` blocks."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said
            stream.flush()
    os._exit(code)
