"""The three rings hold: the core imports only the standard library (and itself), executors never
touch the browser, and only `dataflow.browser` imports `js`, `pyodide` or `pyscript`."""

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "py" / "dataflow"
BROWSER_MODULES = {"js", "pyodide", "pyscript"}
STDLIB = set(sys.stdlib_module_names)


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module)
    return roots


def modules_in(ring: str) -> list[Path]:
    return sorted((PACKAGE / ring).rglob("*.py"))


@pytest.mark.parametrize("path", modules_in("core"), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library_and_itself(path):
    for name in imported_roots(path):
        root = name.split(".")[0]
        assert root in STDLIB or name.startswith("dataflow.core"), f"{path.name} imports {name}"


@pytest.mark.parametrize("path", modules_in("executors"), ids=lambda p: p.name)
def test_executors_never_import_the_browser(path):
    for name in imported_roots(path):
        root = name.split(".")[0]
        assert root not in BROWSER_MODULES and not name.startswith("dataflow.browser"), f"{path.name} imports {name}"


def test_only_the_browser_ring_imports_browser_modules():
    for path in PACKAGE.rglob("*.py"):
        if "browser" in path.relative_to(PACKAGE).parts:
            continue
        roots = {name.split(".")[0] for name in imported_roots(path)}
        assert not roots & BROWSER_MODULES, f"{path} imports {roots & BROWSER_MODULES}"


def test_every_module_says_what_it_owns():
    for path in PACKAGE.rglob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text())), f"{path} has no module docstring"


GENERIC = sorted([*modules_in("core"), *modules_in("browser"), PACKAGE / "__init__.py",
                  PACKAGE / "executors" / "__init__.py"])
COMPOSITION_ROOT = PACKAGE / "browser" / "app.py"


@pytest.mark.parametrize("path", GENERIC, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_generic_modules_never_import_an_executor(path):
    for name in imported_roots(path):
        assert not name.startswith("dataflow.executors"), f"{path.name} imports {name}"


def test_no_generic_module_names_a_kind_but_the_one_line_that_registers_it():
    naming = [(path.relative_to(PACKAGE).as_posix(), number, line.strip())
              for path in GENERIC for number, line in enumerate(path.read_text().splitlines(), 1)
              if "pdf" in line.lower()]
    assert len(naming) == 1, f"generic modules that name the PDF kind: {naming}"
    assert naming[0][0] == COMPOSITION_ROOT.relative_to(PACKAGE).as_posix()
    assert naming[0][2].startswith("PLUGINS = (")
