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

The vendored wheels (pypdf for the PDF workers) are sources only too, so every worker compiled pypdf's
modules again as it started. Each is served as static/vendor/wheels/<its file name>: the wheel tools/vendor.py
downloaded (its sha256 checked against requirements-browser.txt first), with the bytecode the vendored
Pyodide compiles beside each module; static/vendor/pyodide-lock.json, the page's lock, names those
files and their sha256, which Pyodide checks as it installs them. The originals are not served.

The service worker (sw.js) caches exactly the files listed in static/vendor/precache.js, each
with its sha256, under a cache named after a hash of the whole list: a deployment that changes
any file gets a new cache, installed whole and verified, and the old one is deleted on activation.
`--out _site` also copies the public files there, for GitHub Pages.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
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
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")  # as tools/vendor.py
# (archive name, source) pairs -> (pyc name, bytes) pairs, or None when compiling failed
Compiler = Callable[[list[tuple[str, Path]]], list[tuple[str, bytes]] | None]
PYC_CACHE = Path("build/pyc")  # each module's pyc by pyc_key, reused by the next build; `make clean` removes it
STDLIB_SOURCE = PYODIDE / "python_stdlib.zip"  # Pyodide's standard library as npm ships it: sources only
STDLIB = Path("static/vendor/python_stdlib.zip")  # what the page loads instead (static/interpreter.mjs): + bytecode
STDLIB_BUILT = Path("build/stdlib.key")  # the stdlib_key STDLIB was last built for (`make clean` removes it)
REQUIREMENTS = Path("requirements-browser.txt")  # the pinned wheels, each with its sha256
LOCK_SOURCE = PYODIDE / "pyodide-lock.json"  # tools/vendor.py's lock: the wheels as downloaded, beside it
LOCK = Path("static/vendor/pyodide-lock.json")  # the page's lock (static/interpreter.mjs), paths from static/vendor/
WHEELS = Path("static/vendor/wheels")  # the wheels the page installs: the vendored ones, plus their bytecode
WHEELS_BUILT = Path("build/wheels.key")  # the wheels_key WHEELS was last built for (`make clean` removes it)


class BuildError(Exception):
    """A vendored file that is not what was pinned: printed without a traceback, and nothing is served."""


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


def compiled_members(root: Path, *, node: str | None = None, cache: Path | None = None) -> list[tuple[str, bytes]]:
    """The bytecode of every archive member, compiled by the vendored Pyodide (tools/compile_pyc.mjs:
    its own Python version, unchecked-hash pycs), named where the interpreter looks for it
    ("dataflow/core/__pycache__/model.cpython-314.pyc"): the page then imports the package without
    compiling it (our imports 2.2x faster in Pyodide under Node). Pycs of unchanged modules come from
    `cache` (root/PYC_CACHE: see cached_pycs), so Node runs only for what changed. [] when node or the vendored
    runtime is missing, or compiling fails: the page compiles the sources itself, as before."""
    node = node or shutil.which("node")
    if node is None or not (root / PYODIDE / "pyodide.mjs").is_file():
        return []
    return cached_pycs(archive_members(root), cache=cache or root / PYC_CACHE, runtime=runtime_id(root),
                       compiler=lambda members: pyodide_compile(root, members, node))


def pyodide_compile(root: Path, members: list[tuple[str, Path]], node: str) -> list[tuple[str, bytes]] | None:
    """(pyc name, bytes) of `members` ((archive name, source) pairs) compiled by the vendored Pyodide
    under Node, each at its archive name (a pyc records it); None, with the reason on stderr, if it fails."""
    done = run_compiler(root, members, node, stdlib=False)
    return None if done is None else done[0]


def run_compiler(root: Path, members: list[tuple[str, Path]], node: str, *,
                 stdlib: bool) -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]] | None:
    """tools/compile_pyc.mjs over `members`: (their pycs, and with `stdlib` the pycs of every
    standard-library module the interpreters import at start-up, named as in python_stdlib.zip:
    "asyncio/events.pyc"), or None, with the reason on stderr, if it fails."""
    with tempfile.TemporaryDirectory() as folder:
        sources, out, lib = Path(folder) / "src", Path(folder) / "out", Path(folder) / "stdlib"
        out.mkdir()
        lib.mkdir()
        for name, source in members:
            (sources / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, sources / name)
        command = [node, str(ROOT / COMPILER), str(root / PYODIDE), str(sources), str(out), *([str(lib)] * stdlib)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"build_site: modules not precompiled ({done.stderr.strip()[-300:]})", file=sys.stderr)
            return None
        return ([(path.relative_to(out).as_posix(), path.read_bytes()) for path in sorted(out.rglob("*.pyc"))],
                [(path.relative_to(lib).as_posix(), path.read_bytes()) for path in sorted(lib.rglob("*.pyc"))])


def runtime_id(root: Path) -> str:
    """What a pyc depends on besides its module's text and name: the sha256 (hex) of the vendored
    runtime's files (its Python version, magic number and compiler) and of the compile script (a
    missing one counts as empty)."""
    digest = hashlib.sha256()
    for path in [*(root / PYODIDE / name for name in RUNTIME_FILES), ROOT / COMPILER]:
        digest.update(f"{path.name}\0{sha256(path) if path.is_file() else ''}\0".encode())
    return digest.hexdigest()


def pyc_key(runtime: str, name: str, source: bytes) -> str:
    """The cache key of a module's pyc: sha256 (hex) of the runtime id, its archive name and its text."""
    return hashlib.sha256(runtime.encode() + b"\0" + name.encode() + b"\0" + source).hexdigest()


def source_name(pyc: str) -> str:
    """The archive name of the module a pyc name belongs to: "a/__pycache__/m.cpython-314.pyc" -> "a/m.py"."""
    folder, _, base = pyc.rpartition("/__pycache__/")
    return f"{folder}/{base.split('.', 1)[0]}.py"


def cached_pycs(members: list[tuple[str, Path]], *, cache: Path, runtime: str,
                compiler: Compiler) -> list[tuple[str, bytes]]:
    """(pyc name, bytes) of `members`, sorted: a pyc kept in `cache` under its module's `pyc_key` is
    reused, the others are compiled in one `compiler` call (never called when all are kept) and kept,
    and entries no member uses any more are deleted. The same bytes as compiling all of them: a pyc
    depends only on what the key holds. [] when `compiler` fails (returns None)."""
    keys = {name: pyc_key(runtime, name, source.read_bytes()) for name, source in members}
    kept = {entry.name.split(".", 1)[0]: entry for entry in cache.glob("*.pyc")} if cache.is_dir() else {}
    missing = [(name, source) for name, source in members if keys[name] not in kept]
    if missing:
        compiled = compiler(missing)
        if compiled is None:
            return []
        kept.update(_keep(cache, {keys[source_name(pyc)]: (pyc, data) for pyc, data in compiled
                                  if source_name(pyc) in keys}))
    wanted = set(keys.values())
    for key, entry in kept.items():
        if key not in wanted:
            entry.unlink(missing_ok=True)
    pycs = []
    for name, key in keys.items():
        if key in kept:  # the cache file's name holds the pyc's ("<key>.model.cpython-314.pyc")
            pycs.append((f"{name.rpartition('/')[0]}/__pycache__/{kept[key].name.split('.', 1)[1]}",
                         kept[key].read_bytes()))
    return sorted(pycs)


def _keep(cache: Path, compiled: dict[str, tuple[str, bytes]]) -> dict[str, Path]:
    """Write each (pyc name, bytes) to `cache` as "<key>.<pyc's file name>", whole or not at all."""
    cache.mkdir(parents=True, exist_ok=True)
    for leftover in cache.glob(".*.part"):  # what a build killed while writing left
        leftover.unlink(missing_ok=True)
    written = {}
    for key, (pyc, data) in compiled.items():
        entry = cache / f"{key}.{pyc.rpartition('/')[2]}"
        partial = entry.with_name(f".{entry.name}.part")  # a build killed here leaves no half pyc under a key
        partial.write_bytes(data)
        partial.replace(entry)
        written[key] = entry
    return written


def write_archive(root: Path) -> int | None:
    """Write ARCHIVE under `root` (only when its content changes); returns its number of modules,
    or None in an exported site (no py/dataflow: the archive it holds is its copy of the sources)."""
    if not (root / PACKAGE).is_dir():
        return None
    write_if_changed(root / ARCHIVE, archive_bytes(root, compiled_members(root)))
    return len(archive_members(root))


def stdlib_key(root: Path) -> str:
    """What the standard library's start-up bytecode depends on: the runtime (`runtime_id`) and every
    module of ours (their imports decide which standard-library modules start-up loads)."""
    digest = hashlib.sha256(runtime_id(root).encode())
    for name, source in archive_members(root):
        digest.update(pyc_key("", name, source.read_bytes()).encode())
    return digest.hexdigest()


def build_stdlib(root: Path, *, node: str | None = None) -> int | None:
    """Write STDLIB (see write_stdlib) with the bytecode the vendored Pyodide compiles for the start-up
    modules, unless it was built for the same `stdlib_key` (then nothing runs: returns -1). Returns the
    number of modules compiled (0 without node or when compiling fails: the sources alone, as
    vendored), or None in an exported site."""
    if not (root / STDLIB_SOURCE).is_file():
        return None
    key, built = stdlib_key(root), root / STDLIB_BUILT
    if (root / STDLIB).is_file() and built.is_file() and built.read_text() == key:
        return -1
    node = node or shutil.which("node")
    done = run_compiler(root, archive_members(root), node, stdlib=True) \
        if node and (root / PYODIDE / "pyodide.mjs").is_file() else None
    compiled = write_stdlib(root, done[1] if done else [])
    if done:
        built.parent.mkdir(parents=True, exist_ok=True)
        built.write_text(key)
    return compiled


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


def pinned_hashes(text: str) -> dict[str, set[str]]:
    """{"name==version" (PEP 503 name): its allowed sha256 (hex)} of a requirements file's pinned lines
    ("pypdf==7.1.0 --hash=sha256:..."); lines without a pin or a hash are left out."""
    pins: dict[str, set[str]] = {}
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words or "==" not in words[0]:
            continue
        name, version = words[0].split("==", 1)
        hashes = {word.split("sha256:", 1)[1] for word in words[1:] if word.startswith("--hash=sha256:")}
        if hashes:
            pins.setdefault(f"{normalize(name)}=={version}", set()).update(hashes)
    return pins


def verified_wheels(root: Path) -> list[tuple[str, dict, Path]]:
    """(lock key, lock entry, wheel) of every package of the vendored lock, each wheel checked to be the one
    requirements-browser.txt pins (by name, version and sha256) and the lock names. BuildError if not."""
    lock = json.loads((root / LOCK_SOURCE).read_text())
    pins = pinned_hashes((root / REQUIREMENTS).read_text()) if (root / REQUIREMENTS).is_file() else {}
    found = []
    for key, entry in sorted(lock["packages"].items()):
        wheel = root / PYODIDE / entry["file_name"]
        digest = sha256(wheel) if wheel.is_file() else "missing"
        if digest not in pins.get(f"{key}=={entry['version']}", set()) or digest != entry["sha256"]:
            raise BuildError(f"{wheel.relative_to(root)} is not the wheel {REQUIREMENTS} pins for {key} "
                             f"{entry['version']} (sha256 {digest}); run `python3 tools/vendor.py --force`")
        found.append((key, entry, wheel))
    return found


def wheel_sources(wheel: Path, folder: Path) -> list[tuple[str, Path]]:
    """Unpack the modules of `wheel` (not its .dist-info or .data) under `folder`/<wheel's name>/; returns
    (archive name, source) pairs for run_compiler, named "<wheel's name>/<path in the wheel>"."""
    members = []
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            top = name.partition("/")[0]
            if name.endswith(".py") and not top.endswith((".dist-info", ".data")):
                target = folder / wheel.name / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
                members.append((f"{wheel.name}/{name}", target))
    return members


def wheel_bytes(wheel: bytes, compiled: list[tuple[str, bytes]]) -> bytes:
    """The wheel `wheel` with the `compiled` (name in the wheel, pyc) entries added beside their modules and
    listed in its RECORD with their sha256 (so installers that check RECORD accept them), before the
    .dist-info files: byte for byte the same for the same input; `wheel` itself when nothing is compiled."""
    if not compiled:
        return wheel
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(wheel)) as original, zipfile.ZipFile(buffer, "w") as archive:
        infos = original.infolist()
        meta = [info for info in infos if info.filename.partition("/")[0].endswith(".dist-info")]
        entries = [(info, original.read(info)) for info in infos if info not in meta]
        entries += [(zipfile.ZipInfo(name, date_time=ZIP_DATE), data) for name, data in sorted(compiled)]
        for info in meta:
            data = original.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                data = data.rstrip(b"\n") + b"\n" + b"".join(record_line(name, pyc) for name, pyc in sorted(compiled))
            entries.append((info, data))
        for info, data in entries:
            copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            copy.compress_type, copy.external_attr = zipfile.ZIP_DEFLATED, info.external_attr or 0o644 << 16
            archive.writestr(copy, data)
    return buffer.getvalue()


def record_line(name: str, data: bytes) -> bytes:
    """A wheel RECORD line (PEP 376/427): name, sha256 as unpadded urlsafe base64, size."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n".encode()


def wheels_key(root: Path, wheels: list[tuple[str, dict, Path]]) -> str:
    """What the served wheels depend on: the runtime (`runtime_id`), this build script and each vendored
    wheel's name and sha256."""
    digest = hashlib.sha256(f"{runtime_id(root)}\0{sha256(Path(__file__))}".encode())
    for _, entry, _ in wheels:
        digest.update(f"\0{entry['file_name']}\0{entry['sha256']}".encode())
    return digest.hexdigest()


def build_wheels(root: Path, *, node: str | None = None) -> int | None:
    """Write WHEELS (each vendored wheel with its modules' bytecode, compiled by the vendored Pyodide in one
    Node run) and LOCK, the vendored lock naming them ("wheels/<file name>") with their sha256; files of
    WHEELS no longer named are deleted. Nothing runs when they were built for the same `wheels_key`
    (returns -1). Returns the number of modules compiled (0 without node or when compiling fails: the
    wheels as vendored), or None in an exported site. BuildError when a wheel is not the pinned one."""
    if not (root / LOCK_SOURCE).is_file():
        return None
    wheels = verified_wheels(root)
    key, built = wheels_key(root, wheels), root / WHEELS_BUILT
    names = {wheel.name for _, _, wheel in wheels}
    if (built.is_file() and built.read_text() == key and (root / LOCK).is_file()
            and all((root / WHEELS / name).is_file() for name in names)):
        return -1
    node = node or shutil.which("node")
    with tempfile.TemporaryDirectory() as folder:
        members = [member for _, _, wheel in wheels for member in wheel_sources(wheel, Path(folder))]
        done = run_compiler(root, members, node, stdlib=False) \
            if node and members and (root / PYODIDE / "pyodide.mjs").is_file() else None
    compiled = done[0] if done else []
    lock = json.loads((root / LOCK_SOURCE).read_text())
    for package, _, wheel in wheels:
        prefix = f"{wheel.name}/"
        data = wheel_bytes(wheel.read_bytes(), [(name[len(prefix):], pyc) for name, pyc in compiled
                                                if name.startswith(prefix)])
        write_if_changed(root / WHEELS / wheel.name, data)
        lock["packages"][package].update(
            file_name=f"{WHEELS.relative_to(LOCK.parent).as_posix()}/{wheel.name}",
            sha256=hashlib.sha256(data).hexdigest())
    for stale in (root / WHEELS).iterdir() if (root / WHEELS).is_dir() else ():
        if stale.name not in names:
            stale.unlink()
    write_if_changed(root / LOCK, json.dumps(lock, indent=1, sort_keys=True).encode())
    if done:
        built.parent.mkdir(parents=True, exist_ok=True)
        built.write_text(key)
    return len(compiled)


def normalize(name: str) -> str:
    """PEP 503 name normalisation, as the Pyodide lock keys its packages."""
    return re.sub(r"[-_.]+", "-", name).lower()


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
                    or "__pycache__" in relative.parts
                    or relative in (MANIFEST, Path("sw.js"), STDLIB_SOURCE, LOCK_SOURCE)
                    or (relative.parent == PYODIDE and relative.suffix == ".whl")  # served from WHEELS
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
    compiled = build_stdlib(args.root)
    if compiled is not None:
        print(f"build_site: {STDLIB} ({'unchanged' if compiled < 0 else f'{compiled} modules compiled'})")
    try:
        compiled = build_wheels(args.root)
    except BuildError as error:
        print(f"build_site: error: {error}", file=sys.stderr)
        return 1
    if compiled is not None:
        print(f"build_site: {WHEELS}/ ({'unchanged' if compiled < 0 else f'{compiled} modules compiled'})")
    data = write_manifest(args.root)
    print(f"build_site: precache {data['version']} ({len(data['files'])} files)")
    if args.out:
        export(args.root, args.out)
        print(f"build_site: site written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
