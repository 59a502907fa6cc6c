#!/usr/bin/env python3
"""Build static/vendor/: the pinned PyScript + Pyodide runtime and the wheels the page loads.

Standard library only, so it runs before any virtualenv exists. It runs `npm ci`, downloads the
wheels of requirements-browser.txt with `pip download --require-hashes`, copies what the page
needs into static/vendor/, and writes a pyodide-lock.json that lists only the vendored wheels,
each with the sha256 of the local file. A stamp makes a second run with nothing changed a no-op.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
REQUIREMENTS = ROOT / "requirements-browser.txt"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
PYSCRIPT_SUFFIXES = (".js", ".css")
PYODIDE_PYTHON = "3.14"


class VendorError(Exception):
    """A problem the user can fix (a missing tool, a failed download); printed without traceback."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def normalize(name: str) -> str:
    """PEP 503 name normalisation, as the Pyodide lock file keys its packages."""
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_imports(wheel: Path) -> list[str]:
    """Top-level importable names of a wheel: packages with __init__.py and top-level modules."""
    names: set[str] = set()
    with zipfile.ZipFile(wheel) as archive:
        for entry in archive.namelist():
            first, _, rest = entry.partition("/")
            if first.endswith((".dist-info", ".data")):
                continue
            if rest == "__init__.py":
                names.add(first)
            elif not rest and first.endswith(".py"):
                names.add(first[:-3])
    return sorted(names)


def wheel_entry(wheel: Path, template: dict | None) -> dict:
    """One lock entry for a local wheel; fields from Pyodide's own entry where it has one."""
    name, version = wheel.name.split("-")[:2]
    entry = dict(template or {})
    entry.update(
        name=entry.get("name", normalize(name)),
        version=version,
        file_name=wheel.name,
        sha256=sha256_of(wheel),
        install_dir=entry.get("install_dir", "site"),
        package_type=entry.get("package_type", "package"),
    )
    entry["imports"] = entry.get("imports") or wheel_imports(wheel)
    entry.setdefault("depends", [])
    entry.setdefault("unvendored_tests", False)
    entry.setdefault("tool", {})
    return entry


def build_lock(npm_lock: dict, wheels: list[Path]) -> dict:
    """Return a lock that lists exactly `wheels`, with their real sha256.

    Every other package of Pyodide's lock is left out: its wheel is not vendored, so an import
    of it must fail as a plain ImportError instead of fetching a file that is not there.
    """
    known = npm_lock.get("packages", {})
    packages = {}
    for wheel in sorted(wheels):
        key = normalize(wheel.name.split("-")[0])
        packages[key] = wheel_entry(wheel, known.get(key))
    for key, entry in packages.items():
        missing = [dep for dep in entry["depends"] if normalize(dep) not in packages]
        if missing:
            raise VendorError(
                f"{key} depends on {', '.join(missing)}, which requirements-browser.txt does not vendor"
            )
    return {"info": npm_lock.get("info", {}), "packages": packages}


def stamp_for(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run(command: list[str], what: str) -> None:
    tool = command[0]
    if shutil.which(tool) is None and not Path(tool).exists():
        raise VendorError(f"{what} needs `{tool}`, which is not on PATH. Install it and run again.")
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        raise VendorError(f"{what} failed: `{' '.join(command)}` exited with {result.returncode}")


def ensure_pip() -> None:
    probe = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if probe.returncode != 0:
        raise VendorError(f"pip is not available for {sys.executable}; install python3-pip and run again.")


def download_wheels(target: Path) -> list[Path]:
    ensure_pip()
    run(
        [
            sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
            "--require-hashes", "--no-deps", "--only-binary=:all:",
            "--python-version", PYODIDE_PYTHON, "-r", str(REQUIREMENTS), "-d", str(target),
        ],
        "Downloading the browser wheels",
    )
    return sorted(target.glob("*.whl"))


def copy_runtime(staging: Path) -> None:
    modules = ROOT / "node_modules"
    pyscript_dist = modules / "@pyscript" / "core" / "dist"
    (staging / "pyscript").mkdir(parents=True)
    for source in pyscript_dist.iterdir():
        if source.suffix in PYSCRIPT_SUFFIXES:
            shutil.copy2(source, staging / "pyscript" / source.name)
    (staging / "pyodide").mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(modules / "pyodide" / name, staging / "pyodide" / name)


def vendor(*, force: bool = False) -> bool:
    """Build static/vendor/ unless its stamp says it is current. Returns True when it built."""
    inputs = [ROOT / "package-lock.json", REQUIREMENTS, Path(__file__)]
    stamp = stamp_for(inputs)
    stamp_file = VENDOR / ".stamp"
    if not force and stamp_file.exists() and stamp_file.read_text() == stamp:
        return False
    run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], "npm ci")
    with tempfile.TemporaryDirectory(dir=ROOT / "static") as tmp:
        staging = Path(tmp) / "vendor"
        copy_runtime(staging)
        wheels = download_wheels(staging / "pyodide")
        npm_lock = json.loads((ROOT / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
        lock = build_lock(npm_lock, wheels)
        (staging / "pyodide" / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
        (staging / ".stamp").write_text(stamp)
        if VENDOR.exists():
            shutil.rmtree(VENDOR)
        staging.rename(VENDOR)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if the stamp is current")
    args = parser.parse_args(argv)
    try:
        built = vendor(force=args.force)
    except VendorError as error:
        print(f"vendor: error: {error}", file=sys.stderr)
        return 1
    print("vendor: static/vendor/ built" if built else "vendor: static/vendor/ is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
