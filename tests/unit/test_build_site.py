"""tools/build_site.py: the precache manifest lists every public file with its hash and a version
that changes with any of them; the exported site holds exactly what is served."""

import base64
import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tools import build_site


def make_site(root):
    (root / "py" / "dataflow").mkdir(parents=True)
    (root / "static" / "vendor" / "pyodide").mkdir(parents=True)
    (root / "index.html").write_text("<html></html>")
    (root / "pyscript.toml").write_text("name = 'x'")
    (root / "sw.js").write_text("// sw")
    (root / "py" / "main.py").write_text("print(1)")
    (root / "py" / "dataflow" / "__init__.py").write_text("")
    (root / "py" / "dataflow" / "__pycache__").mkdir()
    (root / "py" / "dataflow" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (root / "static" / "app.css").write_text("body{}")
    (root / "static" / "vendor" / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm")
    (root / "static" / "vendor" / ".stamp").write_text("x")
    (root / "tests").mkdir()
    (root / "tests" / "secret.py").write_text("not public")


def read_manifest(root):
    text = (root / build_site.MANIFEST).read_text()
    return json.loads(text.split("self.PRECACHE = ", 1)[1].rstrip().rstrip(";"))


def test_manifest_lists_public_files_with_their_sha256(tmp_path):
    make_site(tmp_path)
    build_site.write_manifest(tmp_path)
    data = read_manifest(tmp_path)
    paths = [path for path, _ in data["files"]]
    assert paths == ["index.html", "py/main.py", "pyscript.toml", "static/app.css",
                     "static/vendor/pyodide/pyodide.asm.wasm"]  # py/dataflow is served as the archive
    assert dict(data["files"])["index.html"] == build_site.sha256(tmp_path / "index.html")


def test_the_package_is_precached_as_its_archive_not_module_by_module(tmp_path):
    make_site(tmp_path)
    assert build_site.write_archive(tmp_path) == 1
    first = build_site.write_manifest(tmp_path)
    paths = [path for path, _ in first["files"]]
    assert build_site.ARCHIVE.as_posix() in paths and "py/dataflow/__init__.py" not in paths
    (tmp_path / "py" / "dataflow" / "__init__.py").write_text("VERSION = 2\n")
    build_site.write_archive(tmp_path)
    assert build_site.write_manifest(tmp_path)["version"] != first["version"]  # a new module text: a new cache


def test_an_exported_site_keeps_its_archive_when_its_manifest_is_rebuilt(tmp_path):
    root, out = tmp_path / "repo", tmp_path / "out"
    root.mkdir()
    make_site(root)
    build_site.write_archive(root)
    build_site.write_manifest(root)
    build_site.export(root, out)
    assert build_site.write_archive(out) is None
    assert (out / build_site.ARCHIVE).read_bytes() == (root / build_site.ARCHIVE).read_bytes()


def test_version_changes_with_any_file_and_only_then(tmp_path):
    make_site(tmp_path)
    first = build_site.write_manifest(tmp_path)["version"]
    assert build_site.write_manifest(tmp_path)["version"] == first
    (tmp_path / "py" / "main.py").write_text("print(2)")
    assert build_site.write_manifest(tmp_path)["version"] != first


def test_export_copies_only_what_is_served(tmp_path):
    root, out = tmp_path / "repo", tmp_path / "out"
    root.mkdir()
    make_site(root)
    build_site.write_manifest(root)
    build_site.export(root, out)
    exported = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert "sw.js" in exported and "static/vendor/precache.js" in exported and ".nojekyll" in exported
    assert not [p for p in exported if p.startswith("tests/") or p.endswith(".pyc") or p.endswith(".stamp")]


def test_refuses_to_run_before_vendoring(tmp_path, capsys):
    assert build_site.main(["--root", str(tmp_path)]) == 1
    assert "run `make vendor` first" in capsys.readouterr().err


def test_the_native_host_and_install_metadata_are_not_served(tmp_path):
    make_site(tmp_path)
    (tmp_path / "py" / "dataflow" / "native").mkdir()
    (tmp_path / "py" / "dataflow" / "native" / "cli.py").write_text("")
    (tmp_path / "py" / "dataflow_tasks.egg-info").mkdir()
    (tmp_path / "py" / "dataflow_tasks.egg-info" / "PKG-INFO").write_text("")
    build_site.write_archive(tmp_path)
    paths = [path.as_posix() for path in build_site.public_files(tmp_path)]
    assert not [path for path in paths if "native" in path or "egg-info" in path]
    assert "py/main.py" in paths
    assert [name for name, _ in build_site.archive_members(tmp_path)] == ["dataflow/__init__.py"]


def test_without_a_vendored_runtime_the_archive_holds_the_sources_alone(tmp_path):
    make_site(tmp_path)  # no pyodide.mjs: nothing can compile for the page's interpreter
    assert build_site.compiled_members(tmp_path) == []
    build_site.write_archive(tmp_path)
    with zipfile.ZipFile(tmp_path / build_site.ARCHIVE) as archive:
        assert archive.namelist() == ["dataflow/__init__.py"]


def test_compiled_modules_go_into_the_archive_beside_their_sources_in_a_fixed_order(tmp_path):
    make_site(tmp_path)
    compiled = [("dataflow/__pycache__/b.cpython-314.pyc", b"B"), ("dataflow/__pycache__/a.cpython-314.pyc", b"A")]
    data = build_site.archive_bytes(tmp_path, compiled)
    assert data == build_site.archive_bytes(tmp_path, list(reversed(compiled)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["dataflow/__init__.py", "dataflow/__pycache__/a.cpython-314.pyc",
                                      "dataflow/__pycache__/b.cpython-314.pyc"]


VENDORED = (build_site.ROOT / build_site.PYODIDE / "pyodide.mjs").is_file()


@pytest.mark.skipif(shutil.which("node") is None or not VENDORED, reason="needs node and the vendored Pyodide")
def test_the_vendored_pyodide_compiles_each_module_to_an_unchecked_hash_pyc_of_its_version(tmp_path):
    full = build_site.compiled_members(build_site.ROOT, cache=tmp_path)
    compiled = dict(full)
    sources = [name for name, _ in build_site.archive_members(build_site.ROOT)]
    assert len(compiled) == len(sources)
    [pyc] = [data for name, data in compiled.items() if name.startswith("dataflow/core/__pycache__/model.cpython-")]
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # PEP 552: hash-based, not checked against the source
    dropped = sorted(tmp_path.iterdir())[:3]  # as if three modules had changed: Pyodide compiles them alone
    for entry in dropped:
        entry.unlink()
    assert build_site.compiled_members(build_site.ROOT, cache=tmp_path) == full  # the same bytes as all at once
    assert sorted(tmp_path.iterdir())[:3] == dropped


class Compiler:
    """CPython in the role of the vendored Pyodide: each module's code object, marshalled, named as
    compile_pyc.mjs names it; records which modules each call got (None: fail)."""

    def __init__(self, *, fail: bool = False):
        self.calls: list[list[str]] = []
        self.fail = fail

    def __call__(self, members):
        import marshal

        self.calls.append([name for name, _ in members])
        if self.fail:
            return None
        return [(f"{name.rpartition('/')[0]}/__pycache__/{name.rpartition('/')[2][:-3]}.cpython-314.pyc",
                 marshal.dumps(compile(source.read_bytes(), "/src/" + name, "exec"))) for name, source in members]


def package(root, modules):
    for name, text in modules.items():
        (root / "py" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "py" / name).write_text(text)
    return build_site.archive_members(root)


MODULES = {"dataflow/__init__.py": "", "dataflow/core/model.py": "A = 1\n", "dataflow/core/text.py": "B = 2\n"}


def pycs(root, compiler, *, runtime="r1", cache="cache"):
    return build_site.cached_pycs(build_site.archive_members(root), cache=root / cache, runtime=runtime,
                                  compiler=compiler)


def test_a_second_build_takes_every_pyc_from_the_cache_without_compiling(tmp_path):
    package(tmp_path, MODULES)
    compiler = Compiler()
    first = pycs(tmp_path, compiler)
    assert [name for name, _ in first] == ["dataflow/__pycache__/__init__.cpython-314.pyc",
                                           "dataflow/core/__pycache__/model.cpython-314.pyc",
                                           "dataflow/core/__pycache__/text.cpython-314.pyc"]
    assert pycs(tmp_path, compiler) == first
    assert compiler.calls == [list(MODULES)]  # once, with every module


def test_a_changed_module_alone_is_compiled_again_and_the_archive_is_a_full_builds(tmp_path):
    package(tmp_path, MODULES)
    compiler = Compiler()
    pycs(tmp_path, compiler)
    package(tmp_path, {"dataflow/core/text.py": "B = 3\n"})
    incremental = pycs(tmp_path, compiler)
    assert compiler.calls[1:] == [["dataflow/core/text.py"]]
    full = pycs(tmp_path, Compiler(), cache="empty")
    assert incremental == full
    assert build_site.archive_bytes(tmp_path, incremental) == build_site.archive_bytes(tmp_path, full)
    assert len(list((tmp_path / "cache").iterdir())) == len(MODULES)  # the old text.py's pyc is gone


def test_a_pyc_half_written_by_a_killed_build_is_never_taken_and_is_removed(tmp_path):
    package(tmp_path, MODULES)
    (tmp_path / "cache").mkdir()
    key = build_site.pyc_key("r1", "dataflow/core/model.py", b"A = 1\n")
    (tmp_path / "cache" / f".{key}.model.cpython-314.pyc.part").write_bytes(b"half")
    compiler = Compiler()
    assert dict(pycs(tmp_path, compiler))["dataflow/core/__pycache__/model.cpython-314.pyc"] != b"half"
    assert compiler.calls == [list(MODULES)] and not list((tmp_path / "cache").glob("*.part"))


def test_another_runtime_compiles_every_module_again(tmp_path):
    package(tmp_path, MODULES)
    compiler = Compiler()
    pycs(tmp_path, compiler, runtime="r1")
    pycs(tmp_path, compiler, runtime="r2")
    assert compiler.calls == [list(MODULES), list(MODULES)]
    assert len(list((tmp_path / "cache").iterdir())) == len(MODULES)


def test_the_same_text_under_another_name_is_compiled_for_that_name(tmp_path):
    package(tmp_path, MODULES)
    compiler = Compiler()
    pycs(tmp_path, compiler)
    package(tmp_path, {"dataflow/core/copy.py": "A = 1\n"})  # a pyc records its file name
    pycs(tmp_path, compiler)
    assert compiler.calls[1:] == [["dataflow/core/copy.py"]]


def test_a_failed_compile_gives_no_pycs_and_keeps_what_the_cache_holds(tmp_path):
    package(tmp_path, MODULES)
    kept = pycs(tmp_path, Compiler())
    package(tmp_path, {"dataflow/core/new.py": "C = 1\n"})
    assert pycs(tmp_path, Compiler(fail=True)) == []  # the page compiles the sources itself, as before
    assert len(list((tmp_path / "cache").iterdir())) == len(MODULES)
    assert set(kept) < set(pycs(tmp_path, Compiler()))


def test_the_runtime_id_changes_with_any_runtime_file(tmp_path):
    make_site(tmp_path)
    for name in build_site.RUNTIME_FILES:
        (tmp_path / build_site.PYODIDE / name).write_bytes(name.encode())
    first = build_site.runtime_id(tmp_path)
    assert build_site.runtime_id(tmp_path) == first
    (tmp_path / build_site.PYODIDE / "python_stdlib.zip").write_bytes(b"another Python")
    assert build_site.runtime_id(tmp_path) != first


def test_make_clean_removes_the_build_caches():
    makefile = (build_site.ROOT / "Makefile").read_text()
    removed = [Path(word) for word in makefile.split("\nclean:", 1)[1].split("\n\n", 1)[0].split()]
    for cache in (build_site.PYC_CACHE, build_site.STDLIB_BUILT, build_site.WHEELS_BUILT):
        assert any(cache == path or path in cache.parents for path in removed)


def stdlib_zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_page_loads_the_standard_library_with_its_bytecode_beside_the_sources(tmp_path):
    make_site(tmp_path)
    source = stdlib_zip([("asyncio/", b""), ("asyncio/events.py", b"x = 1\n"), ("json/__init__.py", b"y = 2\n")])
    (tmp_path / build_site.STDLIB_SOURCE).write_bytes(source)
    compiled = [("json/__init__.pyc", b"J"), ("asyncio/events.pyc", b"E")]
    assert build_site.write_stdlib(tmp_path, compiled) == 2
    with zipfile.ZipFile(tmp_path / build_site.STDLIB) as archive:
        assert archive.namelist() == ["asyncio/", "asyncio/events.py", "json/__init__.py", "asyncio/events.pyc",
                                      "json/__init__.pyc"]
        assert archive.read("asyncio/events.py") == b"x = 1\n" and archive.read("json/__init__.pyc") == b"J"
    assert build_site.stdlib_bytes(source, compiled) == build_site.stdlib_bytes(source, list(reversed(compiled)))
    paths = [path.as_posix() for path in build_site.public_files(tmp_path)]
    assert build_site.STDLIB.as_posix() in paths and build_site.STDLIB_SOURCE.as_posix() not in paths


def test_without_node_the_page_loads_the_standard_library_as_vendored(tmp_path):
    make_site(tmp_path)
    (tmp_path / build_site.STDLIB_SOURCE).write_bytes(stdlib_zip([("json/__init__.py", b"y = 2\n")]))
    assert build_site.build_stdlib(tmp_path) == 0  # no pyodide.mjs here: nothing compiled
    with zipfile.ZipFile(tmp_path / build_site.STDLIB) as archive:
        assert archive.namelist() == ["json/__init__.py"]


def test_an_exported_site_has_no_vendored_standard_library_to_rebuild_from(tmp_path):
    make_site(tmp_path)
    assert build_site.write_stdlib(tmp_path, [("json/__init__.pyc", b"J")]) is None


@pytest.mark.skipif(shutil.which("node") is None or not VENDORED, reason="needs node and the vendored Pyodide")
def test_the_vendored_pyodide_compiles_the_standard_library_modules_the_interpreters_import_at_start_up():
    members = build_site.archive_members(build_site.ROOT)
    done = build_site.run_compiler(build_site.ROOT, members, shutil.which("node"), stdlib=True)
    assert done is not None
    # the standard library the interpreters import at start-up, where zipimport looks: Pyodide's bootstrap
    # (_pyodide), the vendored packages' imports (tarfile for wheels) and ours (dataclasses), not the rest
    names = dict(done[1])
    assert {"_pyodide/_base.pyc", "tarfile.pyc", "dataclasses.pyc"} <= set(names)
    assert "unittest/__init__.pyc" not in names and "doctest.pyc" not in names
    assert int.from_bytes(names["dataclasses.pyc"][4:8], "little") == 0b01


def test_the_standard_library_is_built_again_only_when_the_runtime_or_a_module_changes(tmp_path):
    make_site(tmp_path)
    (tmp_path / build_site.STDLIB_SOURCE).write_bytes(stdlib_zip([("json/__init__.py", b"y = 2\n")]))
    assert build_site.build_stdlib(tmp_path) == 0  # nothing compiled (no runtime here): not marked built
    assert build_site.build_stdlib(tmp_path) == 0
    (tmp_path / build_site.STDLIB_BUILT).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / build_site.STDLIB_BUILT).write_text(build_site.stdlib_key(tmp_path))  # as a build with node
    assert build_site.build_stdlib(tmp_path) == -1  # the same runtime and modules: nothing runs
    module = next(source for _, source in build_site.archive_members(tmp_path))
    module.write_text(module.read_text() + "\nimport html\n")  # start-up may import another module now
    assert build_site.build_stdlib(tmp_path) == 0


def make_wheel(name, files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


DEMO = {"demo/__init__.py": "A = 1\n", "demo/sub/mod.py": "B = 2\n", "demo-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\n",
        "demo-1.0.dist-info/RECORD": "demo/__init__.py,sha256=x,6\ndemo-1.0.dist-info/RECORD,,\n"}


def vendor_wheel(root, files=None, *, pin=None):
    """A vendored wheel demo-1.0, its lock entry (as tools/vendor.py writes it) and its pin; returns its bytes."""
    data = make_wheel("demo", files or DEMO)
    digest = hashlib.sha256(data).hexdigest()
    (root / build_site.PYODIDE).mkdir(parents=True, exist_ok=True)
    (root / build_site.PYODIDE / "demo-1.0-py3-none-any.whl").write_bytes(data)
    lock = {"info": {"abi_version": "x"}, "packages": {"demo": {
        "name": "demo", "version": "1.0", "file_name": "demo-1.0-py3-none-any.whl", "sha256": digest,
        "imports": ["demo"], "depends": [], "install_dir": "site", "package_type": "package"}}}
    (root / build_site.LOCK_SOURCE).write_text(json.dumps(lock))
    (root / build_site.REQUIREMENTS).write_text(f"# pinned\nDemo==1.0 --hash=sha256:{pin or digest}\n")
    return data


def test_pinned_hashes_reads_each_pinned_wheel_and_its_hashes_by_normalised_name():
    text = ("# comment\nSome_Pkg==2.0 --hash=sha256:aa --hash=sha256:bb  # two builds\n"
            "unpinned>=1\nnohash==1.0\n\npypdf==7.1.0 --hash=sha256:cc\n")
    assert build_site.pinned_hashes(text) == {"some-pkg==2.0": {"aa", "bb"}, "pypdf==7.1.0": {"cc"}}


def test_the_page_installs_each_vendored_wheel_from_its_own_lock_and_not_the_originals(tmp_path):
    make_site(tmp_path)
    original = vendor_wheel(tmp_path)
    assert build_site.build_wheels(tmp_path) == 0  # no pyodide.mjs here: nothing compiled, the wheel as vendored
    served = tmp_path / build_site.WHEELS / "demo-1.0-py3-none-any.whl"
    assert served.read_bytes() == original
    entry = json.loads((tmp_path / build_site.LOCK).read_text())["packages"]["demo"]
    assert entry["file_name"] == "wheels/demo-1.0-py3-none-any.whl"  # relative to static/vendor/ (interpreter.mjs)
    assert entry["sha256"] == build_site.sha256(served) and entry["imports"] == ["demo"]
    paths = [path.as_posix() for path in build_site.public_files(tmp_path)]
    assert build_site.LOCK.as_posix() in paths and "static/vendor/wheels/demo-1.0-py3-none-any.whl" in paths
    assert not [path for path in paths if path.startswith("static/vendor/pyodide/")
                and path.endswith((".whl", ".json"))]


@pytest.mark.parametrize("tamper", ["wheel", "pin"])
def test_a_wheel_that_is_not_the_pinned_one_is_refused_and_nothing_is_served(tmp_path, capsys, tamper):
    make_site(tmp_path)
    vendor_wheel(tmp_path, pin="0" * 64 if tamper == "pin" else None)
    if tamper == "wheel":
        (tmp_path / build_site.PYODIDE / "demo-1.0-py3-none-any.whl").write_bytes(make_wheel("demo", {"x.py": ""}))
    with pytest.raises(build_site.BuildError, match="not the wheel requirements-browser.txt pins for demo 1.0"):
        build_site.build_wheels(tmp_path)
    assert not (tmp_path / build_site.LOCK).exists() and not (tmp_path / build_site.WHEELS).exists()
    assert build_site.main(["--root", str(tmp_path)]) == 1
    assert "build_site: error: static/vendor/pyodide/demo-1.0-py3-none-any.whl is not" in capsys.readouterr().err


def test_bytecode_goes_beside_its_modules_and_into_the_record_in_a_fixed_order(tmp_path):
    wheel = make_wheel("demo", DEMO)
    compiled = [("demo/sub/__pycache__/mod.cpython-314.pyc", b"M"), ("demo/__pycache__/__init__.cpython-314.pyc", b"")]
    data = build_site.wheel_bytes(wheel, compiled)
    assert data == build_site.wheel_bytes(wheel, list(reversed(compiled)))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["demo/__init__.py", "demo/sub/mod.py",
                                      "demo/__pycache__/__init__.cpython-314.pyc",
                                      "demo/sub/__pycache__/mod.cpython-314.pyc", "demo-1.0.dist-info/WHEEL",
                                      "demo-1.0.dist-info/RECORD"]
        record = archive.read("demo-1.0.dist-info/RECORD").decode().splitlines()
        assert archive.read("demo/sub/mod.py") == b"B = 2\n"
    assert record[:2] == DEMO["demo-1.0.dist-info/RECORD"].splitlines()
    # PEP 427: sha256 of the file, urlsafe base64 without padding, and its size (the empty file's line as pip writes it)
    mod = base64.urlsafe_b64encode(hashlib.sha256(b"M").digest()).decode().rstrip("=")
    empty = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
    assert record[2:] == [f"demo/__pycache__/__init__.cpython-314.pyc,sha256={empty},0",
                          f"demo/sub/__pycache__/mod.cpython-314.pyc,sha256={mod},1"]
    assert build_site.wheel_bytes(wheel, []) == wheel


def test_the_wheels_are_built_again_only_when_a_wheel_or_the_runtime_changes(tmp_path):
    make_site(tmp_path)
    vendor_wheel(tmp_path)
    assert build_site.build_wheels(tmp_path) == 0  # nothing compiled (no runtime here): not marked built
    assert build_site.build_wheels(tmp_path) == 0
    wheels = build_site.verified_wheels(tmp_path)
    (tmp_path / build_site.WHEELS_BUILT).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / build_site.WHEELS_BUILT).write_text(build_site.wheels_key(tmp_path, wheels))  # as a build with node
    assert build_site.build_wheels(tmp_path) == -1  # the same runtime and wheels: nothing runs
    (tmp_path / build_site.PYODIDE / "pyodide.asm.wasm").write_bytes(b"another runtime")
    assert build_site.build_wheels(tmp_path) == 0
    (tmp_path / build_site.WHEELS_BUILT).write_text(build_site.wheels_key(tmp_path, wheels))
    vendor_wheel(tmp_path, {**DEMO, "demo/new.py": "C = 3\n"})  # a new pin: another wheel
    assert build_site.wheels_key(tmp_path, build_site.verified_wheels(tmp_path)) \
        != build_site.wheels_key(tmp_path, wheels)
    assert build_site.build_wheels(tmp_path) == 0


def test_a_wheel_no_longer_vendored_is_no_longer_served(tmp_path):
    make_site(tmp_path)
    vendor_wheel(tmp_path)
    (tmp_path / build_site.WHEELS).mkdir(parents=True)
    (tmp_path / build_site.WHEELS / "old-0.1-py3-none-any.whl").write_bytes(b"old")
    build_site.build_wheels(tmp_path)
    assert sorted(path.name for path in (tmp_path / build_site.WHEELS).iterdir()) == ["demo-1.0-py3-none-any.whl"]


def test_an_exported_site_has_no_vendored_wheels_to_rebuild_from(tmp_path):
    root, out = tmp_path / "repo", tmp_path / "out"
    root.mkdir()
    make_site(root)
    vendor_wheel(root)
    build_site.build_wheels(root)
    build_site.write_manifest(root)
    build_site.export(root, out)
    assert (out / build_site.LOCK).is_file() and not (out / build_site.LOCK_SOURCE).exists()
    assert build_site.build_wheels(out) is None


INSTALL = """
import path from "node:path";
import { pathToFileURL } from "node:url";
const [vendor] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(vendor, "pyodide", "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: path.join(vendor, "pyodide") + "/", packageBaseUrl: vendor + "/",
                               lockFileURL: path.join(vendor, "pyodide-lock.json") });
await py.loadPackage("pypdf", { messageCallback: () => {} });
console.log(py.runPython(`
import importlib._bootstrap_external as external, json, sys
compiled = []
source_to_code = external.SourceLoader.source_to_code
def counting(self, data, path, *args, **kwargs):
    compiled.append(path)
    return source_to_code(self, data, path, *args, **kwargs)
external.SourceLoader.source_to_code = counting
import pypdf, pypdf.generic
json.dumps({"version": pypdf.__version__, "compiled": compiled,
            "modules": sorted(name for name in sys.modules if name.startswith("pypdf"))})
`));
"""


@pytest.mark.skipif(shutil.which("node") is None or not VENDORED, reason="needs node and the vendored Pyodide")
def test_the_vendored_pyodide_installs_pypdf_from_the_pages_lock_and_imports_it_without_compiling(tmp_path):
    for name in [*build_site.RUNTIME_FILES, "pyodide-lock.json", "pypdf-7.1.0-py3-none-any.whl"]:
        (tmp_path / build_site.PYODIDE).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(build_site.ROOT / build_site.PYODIDE / name, tmp_path / build_site.PYODIDE / name)
    lock = json.loads((tmp_path / build_site.LOCK_SOURCE).read_text())
    lock["packages"] = {"pypdf": lock["packages"]["pypdf"]}  # one wheel is enough to prove it (and quicker)
    (tmp_path / build_site.LOCK_SOURCE).write_text(json.dumps(lock))
    shutil.copyfile(build_site.ROOT / build_site.REQUIREMENTS, tmp_path / build_site.REQUIREMENTS)
    assert build_site.build_wheels(tmp_path) > 50  # pypdf's modules, compiled by the vendored Pyodide
    first = (tmp_path / build_site.WHEELS / "pypdf-7.1.0-py3-none-any.whl").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        modules = [name for name in archive.namelist() if name.endswith(".py")]
        pycs = {name: archive.read(name) for name in archive.namelist() if name.endswith(".pyc")}
    assert len(pycs) == len(modules)
    assert all(int.from_bytes(pyc[4:8], "little") == 0b01 for pyc in pycs.values())  # PEP 552, unchecked hash
    (tmp_path / build_site.WHEELS_BUILT).unlink()
    assert build_site.build_wheels(tmp_path) == len(pycs)  # built again from scratch: the same bytes
    assert (tmp_path / build_site.WHEELS / "pypdf-7.1.0-py3-none-any.whl").read_bytes() == first
    script = tmp_path / "install.mjs"
    script.write_text(INSTALL)
    done = subprocess.run(["node", str(script), str(tmp_path / "static" / "vendor")], capture_output=True,
                          text=True, check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["version"] == "7.1.0" and "pypdf.generic" in report["modules"]
    assert report["compiled"] == []  # every module imported came from its pyc: none compiled from source
