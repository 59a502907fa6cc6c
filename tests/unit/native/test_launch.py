"""The console script's entry point: a Ctrl-C while the command loads is one line and exit code 130."""

import re
from pathlib import Path

import pytest

from dataflow.native import launch


def test_a_ctrl_c_while_the_command_loads_is_one_line_and_exit_code_130(monkeypatch, capsys):
    def interrupted(name):
        raise KeyboardInterrupt

    monkeypatch.setattr("importlib.import_module", interrupted)
    with pytest.raises(SystemExit) as stopped:
        launch.entry_point()
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "Interrupted: nothing was lost; run the same command again to go on.\n"


def test_the_command_runs_with_its_own_exit_code(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["dataflow", "status", "/nonexistent/dataflow-test"])
    with pytest.raises(SystemExit) as stopped:
        launch.entry_point()
    assert stopped.value.code == 2 and "there are no tasks in" in capsys.readouterr().err


def test_a_sigterm_while_the_command_loads_is_the_same_line_and_exit_code_143(monkeypatch, capsys):
    import os
    import signal

    def terminated(name):
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises at the next bytecode
        for _ in range(10**6):
            pass
        raise AssertionError("SIGTERM was not handled")

    monkeypatch.setattr("importlib.import_module", terminated)
    with pytest.raises(SystemExit) as stopped:
        launch.entry_point()
    assert stopped.value.code == 143
    assert capsys.readouterr().err == "Interrupted: nothing was lost; run the same command again to go on.\n"
    assert signal.getsignal(signal.SIGTERM) is not launch._terminated  # put back


def test_signals_are_taken_over_before_anything_but_built_in_modules_is_imported():
    import ast
    import sys

    tree = ast.parse(Path(launch.__file__).read_text(encoding="utf-8"))
    before = []
    for node in tree.body:
        if isinstance(node, ast.If) and "_is_console_script" in ast.unparse(node.test):
            break
        before.append(node)
    else:
        raise AssertionError("launch.py takes signals over in an `if _is_console_script():` block")
    imported = [alias.name for node in before if isinstance(node, ast.Import | ast.ImportFrom)
                for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])]
    assert imported and all(name in sys.builtin_module_names for name in imported), imported


def test_a_ctrl_c_at_any_moment_of_start_up_is_one_line_and_130_or_python_dying_before_our_code():
    """SIGINT at once and after small delays to the real console script (a `run` that then waits for a
    password on stdin). Whatever our code was doing, the outcome is the line and 130. Before our first
    line, Python's own start-up (interpreter, site, the script's `import re`) may end by the signal
    (no message: the shell shows 130) or print its own traceback: no frame of ours is in it."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    script = Path(sys.executable).parent / "dataflow"
    if not script.exists():
        pytest.skip("the dataflow console script is not installed in this environment (pip install -e .)")
    ours = str(Path(launch.__file__).parent.parent)  # py/dataflow
    outcomes = []
    lost: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "a.pdf"  # --password applies to PDFs only
        source.write_bytes(b"%PDF-1.4")
        for delay in (0.0, 0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5):
            process = subprocess.Popen([str(script), "run", str(source), "--out", str(Path(folder) / "out"),
                                        "--password", "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, env=dict(os.environ, COLUMNS="200"))
            time.sleep(delay)
            process.send_signal(signal.SIGINT)
            try:
                try:
                    process.wait(timeout=30)  # a loaded machine (CI: 2 processes of tests) is slow to start one
                except subprocess.TimeoutExpired:  # KNOWN (session 6 note): rarely, under load, the first is lost
                    process.send_signal(signal.SIGINT)  # as a person presses Ctrl-C again: that one must end it
                    process.wait(timeout=30)
                    lost.append(delay)
            finally:
                process.kill()
                process.stdin.close()
            error = process.stderr.read().decode()
            process.stderr.close()
            if process.returncode == 130:
                assert error == launch.LINE
            elif error:  # Python's own start-up printed it, or launch.py's lines before it takes signals over
                frames = [line for line in error.splitlines() if line.strip().startswith("File ")]
                ours_after = [line for line in frames
                              if ours in line and "__init__.py" not in line and not _before_take_over(line)]
                assert "KeyboardInterrupt" in error and not ours_after, error
            else:
                assert process.returncode == -signal.SIGINT
            outcomes.append(process.returncode)
    assert outcomes[-1] == 130  # half a second in, our code runs: the line, always
    if lost:
        print(f"a first Ctrl-C was lost at delay(s) {lost} (known, see the session 6 note)")


def _before_take_over(frame: str) -> bool:
    """Whether a traceback line is a frame of launch.py at or before its signal take-over (microseconds
    of module start-up that no code of ours can shorten)."""
    source = Path(launch.__file__).read_text().splitlines()
    take_over = next(number for number, line in enumerate(source, 1) if line.startswith("if _is_console_script()"))
    found = re.search(r'File "(.+)", line (\d+)', frame)
    return bool(found) and found.group(1) == launch.__file__ and int(found.group(2)) <= take_over
