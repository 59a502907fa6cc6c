"""pyscript.toml maps every Python source of the app into the interpreter, with relative URLs."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NATIVE = ROOT / "py" / "dataflow" / "native"  # the command line and Temporal: never served to the page


def load_config():
    return tomllib.loads((ROOT / "pyscript.toml").read_text())


def test_every_module_of_the_package_is_mapped_into_the_interpreter():
    mapped = set(load_config()["files"])
    sources = {f"./{path.relative_to(ROOT).as_posix()}" for path in (ROOT / "py" / "dataflow").rglob("*.py")
               if NATIVE not in path.parents}
    assert sources - mapped == set(), "add these to [files] in pyscript.toml"
    assert mapped - sources == set(), "these [files] entries name no file"


def test_files_land_under_the_same_package_path():
    for source, target in load_config()["files"].items():
        assert target == source.replace("./py/", "./", 1)


def test_runtime_is_loaded_from_the_vendored_copy_by_relative_url():
    config = load_config()
    assert config["interpreter"] == "./static/vendor/pyodide/pyodide.mjs"
    assert config["packages"] == ["pypdf"]


def test_the_native_host_is_not_served_to_the_page():
    assert not [source for source in load_config()["files"] if "/dataflow/native/" in source]


def test_fastjsonschema_is_loaded_by_the_json_worker_only_never_on_the_main_thread():
    assert "fastjsonschema" not in load_config()["packages"]  # the main thread's (and PDF workers') config
    assert "fastjsonschema" in (ROOT / "requirements-browser.txt").read_text()  # vendored by hash
    worker = (ROOT / "py" / "json_worker.py").read_text()
    assert 'await pyodide_js.loadPackage("fastjsonschema")' in worker
    for script in ("main.py", "pdf_worker.py"):
        assert "fastjsonschema" not in (ROOT / "py" / script).read_text()
    assert "fastjsonschema" not in (ROOT / "index.html").read_text()
