"""pyscript.toml maps the app's Python package into every interpreter as one archive that
tools/build_site.py builds from every module under py/dataflow, with relative URLs; no interpreter
installs a package it does not run."""

import io
import tomllib
import zipfile
from pathlib import Path

from tools import build_site

ROOT = Path(__file__).resolve().parents[2]
NATIVE = ROOT / "py" / "dataflow" / "native"  # the command line and Temporal: never served to the page


def load_config():
    return tomllib.loads((ROOT / "pyscript.toml").read_text())


def page_sources(root: Path) -> set[str]:
    return {path.relative_to(root / "py").as_posix() for path in (root / "py" / "dataflow").rglob("*.py")
            if NATIVE not in path.parents and "__pycache__" not in path.parts}


def test_the_package_reaches_the_interpreter_as_the_built_archive_unpacked_in_place():
    assert load_config()["files"] == {f"./{build_site.ARCHIVE.as_posix()}": "./*"}


def test_every_module_of_the_package_is_in_the_archive_and_nothing_else():
    with zipfile.ZipFile(io.BytesIO(build_site.archive_bytes(ROOT))) as archive:
        names = set(archive.namelist())
        assert archive.read("dataflow/core/model.py") == (ROOT / "py/dataflow/core/model.py").read_bytes()
    assert page_sources(ROOT) - names == set(), "build_site.archive_members leaves these out"
    assert names - page_sources(ROOT) == set(), "the archive holds files the page must not load"


def test_a_module_added_under_the_package_is_archived_without_configuration(tmp_path):
    (tmp_path / "py" / "dataflow" / "newkind").mkdir(parents=True)
    (tmp_path / "py" / "dataflow" / "native").mkdir()
    (tmp_path / "py" / "dataflow" / "__init__.py").write_text("")
    (tmp_path / "py" / "dataflow" / "newkind" / "plugin.py").write_text("x = 1\n")
    (tmp_path / "py" / "dataflow" / "native" / "cli.py").write_text("y = 2\n")
    names = [name for name, _ in build_site.archive_members(tmp_path)]
    assert names == ["dataflow/__init__.py", "dataflow/newkind/plugin.py"]


def test_the_archive_is_the_same_bytes_for_the_same_sources():
    assert build_site.archive_bytes(ROOT) == build_site.archive_bytes(ROOT)


def test_runtime_is_loaded_from_the_vendored_copy_by_relative_url():
    assert load_config()["interpreter"] == "./static/interpreter.mjs"
    module = (ROOT / "static" / "interpreter.mjs").read_text()
    assert 'from "./vendor/pyodide/pyodide.mjs"' in module  # the vendored runtime, re-exported with its version
    vendor = build_site.STDLIB.parent
    assert 'new URL("./vendor/", import.meta.url)' in module  # the other paths are relative to static/vendor/
    for served in (build_site.STDLIB, build_site.LOCK):  # the stdlib and the lock of the wheels build_site compiles
        assert f'"./{served.relative_to(vendor).as_posix()}"' in module


def test_the_native_host_is_not_served_to_the_page():
    assert not [name for name, _ in build_site.archive_members(ROOT) if name.startswith("dataflow/native/")]


def test_no_interpreter_installs_packages_from_the_shared_config():
    assert "packages" not in load_config()  # the main thread runs no pypdf; workers load their own


def test_pypdf_is_loaded_by_the_pdf_worker_only_never_on_the_main_thread():
    assert 'await pyodide_js.loadPackage("pypdf")' in (ROOT / "py" / "pdf_worker.py").read_text()
    for script in ("main.py", "json_worker.py"):
        assert "pypdf" not in (ROOT / "py" / script).read_text()


def test_fastjsonschema_is_loaded_by_the_json_worker_only_never_on_the_main_thread():
    assert "fastjsonschema" in (ROOT / "requirements-browser.txt").read_text()  # vendored by hash
    worker = (ROOT / "py" / "json_worker.py").read_text()
    assert 'await pyodide_js.loadPackage("fastjsonschema")' in worker
    for script in ("main.py", "pdf_worker.py"):
        assert "fastjsonschema" not in (ROOT / "py" / script).read_text()
    assert "fastjsonschema" not in (ROOT / "index.html").read_text()


def test_no_module_of_the_package_loads_a_pyodide_package_so_the_main_thread_loads_none():
    # only the worker scripts (py/*_worker.py) load packages; the page's start-up stays as it is
    loaders = [path.relative_to(ROOT).as_posix() for path in (ROOT / "py" / "dataflow").rglob("*.py")
               if "loadPackage" in path.read_text() or "micropip" in path.read_text()]
    assert loaders == []
