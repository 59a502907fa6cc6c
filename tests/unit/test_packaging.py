"""pyproject.toml: `pip install .` installs the package from py/ (without the browser ring) with a
`dataflow` command and pinned runtime dependencies."""

import ast
import importlib
import sys
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
    pins = [pin.split(";")[0].strip() for pin in project["dependencies"] + project["optional-dependencies"]["temporal"]]
    assert pins and all("==" in pin for pin in pins)
    tests = set((ROOT / "tests" / "requirements.txt").read_text().split())
    assert set(pins) <= tests
    assert load()["build-system"]["requires"] == ["setuptools==84.2.1"]


# Imported modules that no distribution provides: the standard library's on some Pythons only
# (compression.zstd, 3.14+; below it the zstandard package is declared).
STANDARD_ON_SOME_PYTHONS = {"compression"}


def imported_modules(package: Path) -> set[str]:
    """Top-level names of every module imported under `package`, by `import`, `from` or
    `importlib.import_module("…")` with a literal name."""
    found: set[str] = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module"
                  and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(str(node.args[0].value).split(".")[0])
    return found


def test_every_third_party_module_the_installed_packages_import_is_a_declared_dependency():
    project = load()["project"]
    declared = {pin.split("==")[0].lower() for pin in
                project["dependencies"] + project["optional-dependencies"]["temporal"]}
    installed = [ROOT / "py" / "dataflow" / name for name in ("core", "executors", "native")]
    third_party = {name for package in installed for name in imported_modules(package)
                   if name not in sys.stdlib_module_names and name != "dataflow"}
    missing = third_party - declared - STANDARD_ON_SOME_PYTHONS
    assert third_party and not missing, f"imported but not in pyproject.toml's dependencies: {sorted(missing)}"
