"""One runner per state directory: a second one is refused at once with a clear message, and the
lock goes with its process, however that process ends."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dataflow.native.state_lock import StateDirectoryBusyError, StateLock
from tests.unit.native.test_cli import dataflow

ROOT = Path(__file__).resolve().parents[3]


def test_a_second_runner_is_refused_until_the_first_releases(tmp_path):
    first, second = StateLock(tmp_path / "state"), StateLock(tmp_path / "state")
    first.acquire()
    with pytest.raises(StateDirectoryBusyError, match="another dataflow process is working in"):
        second.acquire()
    first.release()
    second.acquire()
    second.release()


def test_the_lock_goes_with_a_killed_process(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from dataflow.native.state_lock import StateLock; "
         f"StateLock(__import__('pathlib').Path({str(tmp_path)!r})).acquire(); print('held', flush=True); "
         "time.sleep(60)"], stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "py")))
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(StateDirectoryBusyError):
        StateLock(tmp_path).acquire()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    lock = StateLock(tmp_path)
    lock.acquire()
    lock.release()


def test_run_says_so_when_another_process_works_in_the_directory(write_pdf, tmp_path):
    write_pdf("a.pdf", b"%PDF-1.4")
    busy = StateLock(tmp_path / "out" / ".dataflow")
    busy.acquire()
    try:
        code, text = dataflow("run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet")
    finally:
        busy.release()
    assert code == 2 and "another dataflow process is working in" in text
