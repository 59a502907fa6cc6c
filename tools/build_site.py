#!/usr/bin/env python3
"""Write the app's Python archive and the offline precache manifest, and optionally the deployable
site folder. Standard library only.

The page's Python package (py/dataflow, without the native host) goes to the interpreters as one
zip, static/vendor/dataflow.zip, that pyscript.toml unpacks (`"…/dataflow.zip" = "./*"`): one
request instead of one per module, and a module added under py/dataflow is in it without a line
of configuration. The zip is deterministic (sorted, fixed dates), so its hash changes with the
sources only.

Pyodide's standard library, as npm ships it, is sources only: every start of an interpreter compiled
the modules it imports (most of a warm start). static/vendor/python_stdlib.zip is that zip plus the
bytecode of the modules imported at start-up, compiled by the vendored Pyodide; static/interpreter.mjs
(pyscript.toml's `interpreter`) starts Pyodide with it, and the original is not served.

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
STDLIB_SOURCE = PYODIDE / "python_stdlib.zip"  # Pyodide's standard library as npm ships it: sources only
STDLIB = Path("static/vendor/python_stdlib.zip")  # what the page loads instead (static/interpreter.mjs): + bytecode


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
    """The bytecode of every archive member (see `compile_for_page`)."""
    return compile_for_page(root, node=node)[0]


def compile_for_page(root: Path, *, node: str | None = None) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """Bytecode compiled by the vendored Pyodide (tools/compile_pyc.mjs: its own Python version,
    unchecked-hash pycs, PEP 552), as (package, stdlib) lists of (name, bytes):
    - package: every archive member, named where the interpreter looks for it
      ("dataflow/core/__pycache__/model.cpython-314.pyc"): the page imports the package without
      compiling it (our imports 2.2x faster in Pyodide under Node);
    - stdlib: every standard-library module the interpreters import at start-up (Pyodide's bootstrap,
      the vendored packages, our modules), named as in python_stdlib.zip ("asyncio/events.pyc"): a warm
      start spent most of its interpreter start compiling these from source.
    ([], []) when node or the vendored runtime is missing, or compiling fails: the page compiles the
    sources itself, as before."""
    node = node or shutil.which("node")
    if node is None or not (root / PYODIDE / "pyodide.mjs").is_file():
        return [], []
    with tempfile.TemporaryDirectory() as folder:
        sources, out, stdlib = Path(folder) / "src", Path(folder) / "out", Path(folder) / "stdlib"
        out.mkdir()
        stdlib.mkdir()
        for name, source in archive_members(root):
            (sources / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, sources / name)
        done = subprocess.run([node, str(ROOT / COMPILER), str(root / PYODIDE), str(sources), str(out), str(stdlib)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"build_site: modules not precompiled ({done.stderr.strip()[-300:]})", file=sys.stderr)
            return [], []
        return ([(path.relative_to(out).as_posix(), path.read_bytes()) for path in sorted(out.rglob("*.pyc"))],
                [(path.relative_to(stdlib).as_posix(), path.read_bytes()) for path in sorted(stdlib.rglob("*.pyc"))])


def write_archive(root: Path, compiled: list[tuple[str, bytes]] | None = None) -> int | None:
    """Write ARCHIVE under `root` with the `compiled` bytecode (compiled here when None), only when its
    content changes; returns its number of modules, or None in an exported site (no py/dataflow: the
    archive it holds is its copy of the sources)."""
    if not (root / PACKAGE).is_dir():
        return None
    data = archive_bytes(root, compiled_members(root) if compiled is None else compiled)
    write_if_changed(root / ARCHIVE, data)
    return len(archive_members(root))


def stdlib_bytes(source: bytes, compiled: list[tuple[str, bytes]]) -> bytes:
    """Pyodide's standard-library zip `source`, every entry as it was, followed by the `compiled`
    (name, pyc) entries in name order: byte for byte the same for the same input."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(buffer, "w") as archive:
        entries = [(info, original.read(info)) for info in original.infolist()]
        entries += [(zipfile.ZipInfo(name, date_time=ZIP_DATE), data) for name, data in sorted(compiled)]
        for info, data in entries:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type, copy.external_attr = zipfile.ZIP_DEFLATED, info.external_attr or 0o644 << 16
            archive.writestr(copy, data)
    return buffer.getvalue()


def write_stdlib(root: Path, compiled: list[tuple[str, bytes]]) -> int | None:
    """Write STDLIB under `root`: Pyodide's standard library with the `compiled` bytecode of its start-up
    modules beside their sources (zipimport takes the pyc; tracebacks still show the source). Returns
    the number of compiled modules, or None in an exported site (no vendored source zip to start from)."""
    if not (root / STDLIB_SOURCE).is_file():
        return None
    write_if_changed(root / STDLIB, stdlib_bytes((root / STDLIB_SOURCE).read_bytes(), compiled))
    return len(compiled)


def write_if_changed(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)


def public_files(root: Path) -> list[Path]:
    """Every file the site serves, relative to `root`, sorted (sw.js and the manifest left out)."""
    found = []
    for entry in PUBLIC:
        path = root / entry
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            relative = candidate.relative_to(root)
            if (relative.name in SKIPPED_NAMES or candidate.suffix in SKIPPED_SUFFIXES
                    or "__pycache__" in relative.parts or relative in (MANIFEST, Path("sw.js"), STDLIB_SOURCE)
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
    package, stdlib = compile_for_page(args.root) if (args.root / PACKAGE).is_dir() else ([], [])
    modules = write_archive(args.root, package)
    if modules is not None:
        print(f"build_site: {ARCHIVE} ({modules} modules)")
    compiled = write_stdlib(args.root, stdlib)
    if compiled is not None:
        print(f"build_site: {STDLIB} ({compiled} modules compiled)")
    data = write_manifest(args.root)
    print(f"build_site: precache {data['version']} ({len(data['files'])} files)")
    if args.out:
        export(args.root, args.out)
        print(f"build_site: site written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
