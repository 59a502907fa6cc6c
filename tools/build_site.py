#!/usr/bin/env python3
"""Write the app's Python archive and the offline precache manifest, and optionally the deployable
site folder. Standard library only.

The page's Python package (py/dataflow, without the native host) goes to the interpreters as one
zip, static/vendor/dataflow.zip, that pyscript.toml unpacks (`"…/dataflow.zip" = "./*"`): one
request instead of one per module, and a module added under py/dataflow is in it without a line
of configuration. The zip is deterministic (sorted, fixed dates), so its hash changes with the
sources only.

The service worker (sw.js) caches exactly the files listed in static/vendor/precache.js, each
with its sha256, under a cache named after a hash of the whole list: a deployment that changes
any file gets a new cache, installed whole and verified, and the old one is deleted on activation.
`--out _site` also copies the public files there, for GitHub Pages.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = ["index.html", "pyscript.toml", "sw.js", "py", "static"]
MANIFEST = Path("static/vendor/precache.js")
SKIPPED_NAMES = {".stamp", ".DS_Store"}
SKIPPED_SUFFIXES = {".map", ".pyc"}
PACKAGE = Path("py/dataflow")
NATIVE = PACKAGE / "native"  # the command line and Temporal host: never loaded by the page
ARCHIVE = Path("static/vendor/dataflow.zip")
NOT_SERVED = (PACKAGE,)  # served inside ARCHIVE, not file by file
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
PYODIDE = Path("static/vendor/pyodide")  # the vendored runtime, which compiles the package (see compiled_members)
COMPILER = Path("tools/compile_pyc.mjs")


def archive_members(root: Path) -> list[tuple[str, Path]]:
    """(name in the archive, source) of every module the page loads: py/dataflow/**/*.py but the
    native host, named from py/ ("dataflow/core/model.py"), sorted."""
    sources = sorted(path for path in (root / PACKAGE).rglob("*.py")
                     if "__pycache__" not in path.parts and (root / NATIVE) not in path.parents)
    return [(path.relative_to(root / PACKAGE.parent).as_posix(), path) for path in sources]


def archive_bytes(root: Path, compiled: list[tuple[str, bytes]] | None = None) -> bytes:
    """The zip of `archive_members` and the `compiled` (name, bytes) entries, byte for byte the same
    for the same sources."""
    entries = [(name, source.read_bytes()) for name, source in archive_members(root)] + sorted(compiled or [])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def compiled_members(root: Path, *, node: str | None = None) -> list[tuple[str, bytes]]:
    """The bytecode of every archive member, compiled by the vendored Pyodide (tools/compile_pyc.mjs:
    its own Python version, unchecked-hash pycs), named where the interpreter looks for it
    ("dataflow/core/__pycache__/model.cpython-314.pyc"): the page then imports the package without
    compiling it (our imports 2.2x faster in Pyodide under Node). [] when node or the vendored runtime
    is missing, or compiling fails: the page compiles the sources itself, as before."""
    node = node or shutil.which("node")
    if node is None or not (root / PYODIDE / "pyodide.mjs").is_file():
        return []
    with tempfile.TemporaryDirectory() as folder:
        sources, out = Path(folder) / "src", Path(folder) / "out"
        out.mkdir()
        for name, source in archive_members(root):
            (sources / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, sources / name)
        done = subprocess.run([node, str(ROOT / COMPILER), str(root / PYODIDE), str(sources), str(out)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"build_site: modules not precompiled ({done.stderr.strip()[-300:]})", file=sys.stderr)
            return []
        return [(path.relative_to(out).as_posix(), path.read_bytes()) for path in sorted(out.rglob("*.pyc"))]


def write_archive(root: Path) -> int | None:
    """Write ARCHIVE under `root` (only when its content changes); returns its number of modules,
    or None in an exported site (no py/dataflow: the archive it holds is its copy of the sources)."""
    if not (root / PACKAGE).is_dir():
        return None
    data, target = archive_bytes(root, compiled_members(root)), root / ARCHIVE
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)
    return len(archive_members(root))


def public_files(root: Path) -> list[Path]:
    """Every file the site serves, relative to `root`, sorted (sw.js and the manifest left out)."""
    found = []
    for entry in PUBLIC:
        path = root / entry
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            relative = candidate.relative_to(root)
            if (relative.name in SKIPPED_NAMES or candidate.suffix in SKIPPED_SUFFIXES
                    or "__pycache__" in relative.parts or relative in (MANIFEST, Path("sw.js"))
                    or any(part.endswith(".egg-info") for part in relative.parts)  # left by `pip install -e .`
                    or any(folder in relative.parents for folder in NOT_SERVED)):
                continue
            found.append(relative)
    return sorted(found)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(root: Path) -> dict:
    files = [[path.as_posix(), sha256(root / path)] for path in public_files(root)]
    version = hashlib.sha256(json.dumps(files).encode()).hexdigest()[:16]
    return {"version": version, "files": files}


def write_manifest(root: Path) -> dict:
    data = manifest(root)
    target = root / MANIFEST
    target.parent.mkdir(parents=True, exist_ok=True)
    header = "// Generated by tools/build_site.py: what the service worker caches.\n"
    text = f"{header}self.PRECACHE = {json.dumps(data)};\n"
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return data


def export(root: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    for relative in [*public_files(root), Path("sw.js"), MANIFEST]:
        destination = out / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / relative, destination)
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve every file as it is


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--out", type=Path, help="also copy the public site into this folder")
    args = parser.parse_args(argv)
    if not (args.root / "static" / "vendor" / "pyodide").exists():
        print("build_site: error: static/vendor/ is missing; run `make vendor` first", file=sys.stderr)
        return 1
    modules = write_archive(args.root)
    if modules is not None:
        print(f"build_site: {ARCHIVE} ({modules} modules)")
    data = write_manifest(args.root)
    print(f"build_site: precache {data['version']} ({len(data['files'])} files)")
    if args.out:
        export(args.root, args.out)
        print(f"build_site: site written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
