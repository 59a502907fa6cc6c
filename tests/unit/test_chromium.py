"""tools/chromium.py: the order in which a Chromium is found, and a clean stdout when installing one
(`make test` reads the executable's path from it)."""

import subprocess

import pytest

from tools import chromium


@pytest.fixture
def no_system_chromium(monkeypatch, tmp_path):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(chromium, "SYSTEM_CHROMIUM", tmp_path / "missing")


def test_explicit_chromium_wins(monkeypatch):
    monkeypatch.setenv("CHROMIUM", "/opt/my/chrome")
    assert chromium.find_chromium() == "/opt/my/chrome"


def test_nothing_found_without_a_system_chromium(no_system_chromium):
    assert chromium.find_chromium() is None


def test_installing_as_root_uses_apt_and_keeps_stdout_clean(no_system_chromium, monkeypatch, capsys):
    calls = []

    def run(command, **kwargs):
        calls.append((command, kwargs))
        print("apt chatter that must not reach stdout", file=kwargs.get("stdout"))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(chromium.os, "geteuid", lambda: 0)
    monkeypatch.setattr(chromium.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(chromium.subprocess, "run", run)
    assert chromium.main() == 0
    out = capsys.readouterr().out
    assert out.strip() == str(chromium.SYSTEM_CHROMIUM)
    assert [c[0][:2] for c in calls] == [["apt-get", "update"], ["apt-get", "install"]]


def test_installing_as_a_user_uses_playwright(no_system_chromium, monkeypatch, capsys):
    monkeypatch.setattr(chromium.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(chromium.subprocess, "run", lambda command, **kw: subprocess.CompletedProcess(command, 0))
    assert chromium.main() == 0
    assert capsys.readouterr().out.strip() == chromium.BUNDLED


def test_a_failed_install_says_what_to_do(no_system_chromium, monkeypatch, capsys):
    def fail(command, **kwargs):
        raise subprocess.CalledProcessError(100, command)

    monkeypatch.setattr(chromium.os, "geteuid", lambda: 0)
    monkeypatch.setattr(chromium.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(chromium.subprocess, "run", fail)
    assert chromium.main() == 1
    assert "Set CHROMIUM=" in capsys.readouterr().err
