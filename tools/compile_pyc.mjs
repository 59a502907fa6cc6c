// Compile the page's Python modules to bytecode with the vendored Pyodide itself (its Python version
// and magic number), so the page imports them without compiling: tools/build_site.py runs this.
// Usage: node tools/compile_pyc.mjs PYODIDE_DIR SOURCE_DIR OUT_DIR [STDLIB_OUT_DIR]
// Writes OUT_DIR/<path of each .py under SOURCE_DIR>/__pycache__/<name>.<cache tag>.pyc, as
// unchecked-hash pycs (PEP 552: used without looking at the source, which the archive ships beside).
// With STDLIB_OUT_DIR, it then imports what the interpreters import at start-up (Pyodide's own
// bootstrap, every package of the vendored lock, every module under SOURCE_DIR) and writes each
// standard-library module that came from Pyodide's python_stdlib.zip as
// STDLIB_OUT_DIR/<its path in that zip>c ("asyncio/events.pyc"): where zipimport looks first.
import path from "node:path";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, sourceDir, outDir, stdlibOutDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.resolve(pyodideDir, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: path.resolve(pyodideDir) + "/" });
py.FS.mkdirTree("/src");
py.FS.mkdirTree("/out");
py.mountNodeFS("/src", sourceDir);
py.mountNodeFS("/out", outDir);
const count = py.runPython(`
import importlib.util, os, py_compile
count = 0
for folder, _, names in os.walk("/src"):
    for name in sorted(names):
        if name.endswith(".py"):
            source = os.path.join(folder, name)
            target = "/out" + importlib.util.cache_from_source(source)[len("/src"):]
            os.makedirs(os.path.dirname(target), exist_ok=True)
            py_compile.compile(source, cfile=target, doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            count += 1
count
`);
console.log(`compile_pyc: ${count} modules`);

if (stdlibOutDir) {
  const lock = JSON.parse(readFileSync(path.resolve(pyodideDir, "pyodide-lock.json"), "utf8"));
  const packages = Object.values(lock.packages);
  await py.loadPackage(packages.map((entry) => entry.name), { messageCallback: () => {} });
  py.FS.mkdirTree("/stdlib");
  py.mountNodeFS("/stdlib", stdlibOutDir);
  py.globals.set("package_imports", packages.flatMap((entry) => entry.imports ?? []));
  const compiled = py.runPython(`
import importlib, os, py_compile, sys, zipimport
sys.dont_write_bytecode = True
sys.path.insert(0, "/src")
names = list(package_imports)
for folder, _, files in os.walk("/src"):
    for name in sorted(files):
        if name.endswith(".py"):
            module = os.path.relpath(os.path.join(folder, name), "/src")[:-3].replace("/", ".")
            names.append(module.removesuffix(".__init__"))
for name in names:
    try:
        importlib.import_module(name)
    except Exception:  # a module of the browser ring needs the page (js.document, pyscript): what it imported so far counts
        pass
compiled = 0
for module in sorted(sys.modules.values(), key=lambda module: module.__name__):
    loader, source = getattr(module, "__loader__", None), getattr(module, "__file__", None) or ""
    if not isinstance(loader, zipimport.zipimporter) or not source.endswith(".py"):
        continue
    inside = source[len(loader.archive) + 1:]
    with open("/tmp/source.py", "wb") as handle:
        handle.write(loader.get_data(source))
    target = os.path.join("/stdlib", inside + "c")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    py_compile.compile("/tmp/source.py", cfile=target, dfile=source, doraise=True,
                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    compiled += 1
compiled
`);
  console.log(`compile_pyc: ${compiled} standard-library modules`);
}
