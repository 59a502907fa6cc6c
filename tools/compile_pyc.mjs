// Compile the page's Python modules to bytecode with the vendored Pyodide itself (its Python version
// and magic number), so the page imports them without compiling: tools/build_site.py runs this.
// Usage: node tools/compile_pyc.mjs PYODIDE_DIR SOURCE_DIR OUT_DIR
// Writes OUT_DIR/<path of each .py under SOURCE_DIR>/__pycache__/<name>.<cache tag>.pyc, as
// unchecked-hash pycs (PEP 552: used without looking at the source, which the archive ships beside).
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, sourceDir, outDir] = process.argv.slice(2);
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
