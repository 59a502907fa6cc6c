"""The console script's entry point: a Ctrl-C while the command loads is one line and exit code 130."""

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
