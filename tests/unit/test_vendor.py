"""tools/vendor.py: the lock it writes lists exactly the vendored wheels, with their real sha256."""

import hashlib
import tomllib
import zipfile

import pytest

from tools.vendor import REQUIREMENTS, ROOT, VendorError, build_lock, wheel_imports

NPM_LOCK = {
    "info": {"arch": "wasm32", "python": "3.14.2"},
    "packages": {
        "micropip": {
            "name": "micropip", "version": "0.11.1", "file_name": "micropip-0.11.1-py3-none-any.whl",
            "sha256": "0" * 64, "imports": ["micropip"], "depends": ["packaging"],
            "install_dir": "site", "package_type": "package", "unvendored_tests": False, "tool": {},
        },
        "packaging": {
            "name": "packaging", "version": "26.1", "file_name": "packaging-26.1-py3-none-any.whl",
            "sha256": "1" * 64, "imports": ["packaging"], "depends": [],
            "install_dir": "site", "package_type": "package", "unvendored_tests": False, "tool": {},
        },
        "pillow": {"name": "pillow", "version": "11.0", "file_name": "pillow.whl", "sha256": "2" * 64,
                   "imports": ["PIL"], "depends": []},
    },
}


def make_wheel(directory, filename, members):
    path = directory / filename
    with zipfile.ZipFile(path, "w") as archive:
        for member in members:
            archive.writestr(member, "# test\n")
    return path


@pytest.fixture
def wheels(tmp_path):
    return [
        make_wheel(tmp_path, "micropip-0.11.1-py3-none-any.whl", ["micropip/__init__.py"]),
        make_wheel(tmp_path, "packaging-26.1-py3-none-any.whl", ["packaging/__init__.py"]),
        make_wheel(tmp_path, "pypdf-7.1.0-py3-none-any.whl",
                   ["pypdf/__init__.py", "pypdf/_page.py", "pypdf-7.1.0.dist-info/RECORD"]),
    ]


def test_lock_lists_only_the_vendored_wheels(wheels):
    lock = build_lock(NPM_LOCK, wheels)
    assert sorted(lock["packages"]) == ["micropip", "packaging", "pypdf"]
    assert lock["info"] == NPM_LOCK["info"]


def test_lock_entries_carry_the_sha256_of_the_local_files(wheels):
    lock = build_lock(NPM_LOCK, wheels)
    for wheel in wheels:
        entry = next(e for e in lock["packages"].values() if e["file_name"] == wheel.name)
        assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()


def test_existing_entries_keep_their_imports_and_depends(wheels):
    micropip = build_lock(NPM_LOCK, wheels)["packages"]["micropip"]
    assert micropip["depends"] == ["packaging"]
    assert micropip["imports"] == ["micropip"]


def test_new_package_gets_a_complete_entry_from_its_wheel(wheels):
    pypdf = build_lock(NPM_LOCK, wheels)["packages"]["pypdf"]
    assert pypdf == {
        "name": "pypdf", "version": "7.1.0", "file_name": "pypdf-7.1.0-py3-none-any.whl",
        "sha256": hashlib.sha256(wheels[2].read_bytes()).hexdigest(), "imports": ["pypdf"],
        "depends": [], "install_dir": "site", "package_type": "package",
        "unvendored_tests": False, "tool": {},
    }


def test_missing_dependency_is_a_clear_error(tmp_path):
    alone = [make_wheel(tmp_path, "micropip-0.11.1-py3-none-any.whl", ["micropip/__init__.py"])]
    with pytest.raises(VendorError, match="micropip depends on packaging"):
        build_lock(NPM_LOCK, alone)


def test_wheel_imports_finds_packages_and_top_level_modules(tmp_path):
    wheel = make_wheel(tmp_path, "x-1.0-py3-none-any.whl",
                       ["alpha/__init__.py", "alpha/sub/__init__.py", "beta.py", "x-1.0.dist-info/METADATA"])
    assert wheel_imports(wheel) == ["alpha", "beta"]


def test_micropip_is_vendored_if_pyscript_is_asked_for_packages():
    # PyScript installs a config's `packages` with micropip (polyscript's Pyodide engine: loadPackage
    # ("micropip"), then micropip.install), and only then: the workers load their wheels with loadPackage,
    # so the page ships no micropip while pyscript.toml names no packages.
    asked = "packages" in tomllib.loads((ROOT / "pyscript.toml").read_text())
    pinned = {line.split("==")[0] for line in REQUIREMENTS.read_text().splitlines()}
    assert not asked or {"micropip", "packaging"} <= pinned
