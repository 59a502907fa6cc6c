"""pyproject.toml: `pip install .` installs the package from py/ (without the browser ring) with a
`dataflow` command and pinned runtime dependencies."""

import importlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_dataflow_command_points_at_an_existing_function():
    target = load()["project"]["scripts"]["dataflow"]
    module, function = target.split(":")
    assert callable(getattr(importlib.import_module(module), function))


def test_packages_come_from_py_without_the_browser_ring():
    found = load()["tool"]["setuptools"]["packages"]["find"]
    assert found["where"] == ["py"] and found["include"] == ["dataflow*"] and "dataflow.browser*" in found["exclude"]


def test_runtime_dependencies_are_pinned_and_agree_with_the_test_requirements():
    project = load()["project"]
    pins = project["dependencies"] + project["optional-dependencies"]["temporal"]
    assert pins and all("==" in pin for pin in pins)
    tests = set((ROOT / "tests" / "requirements.txt").read_text().split())
    assert set(pins) <= tests
    assert load()["build-system"]["requires"] == ["setuptools==84.2.1"]
