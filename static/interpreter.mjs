// The interpreter module PyScript loads (pyscript.toml `interpreter`), for the main thread and every
// worker: the vendored Pyodide, started with static/vendor/python_stdlib.zip, Pyodide's standard
// library plus the bytecode of the modules imported at start-up, which tools/build_site.py compiles
// with this same Pyodide. Without it every start compiles those modules from source again (most of
// the interpreter's start on a warm start). Packages come the same way: static/vendor/pyodide-lock.json
// names the vendored wheels with their modules' bytecode (static/vendor/wheels/, paths relative to
// static/vendor/), so a worker's loadPackage("pypdf") installs pypdf precompiled. PyScript passes the
// folder of this file as indexURL: the runtime's own files (wasm, asm.mjs) are in vendor/pyodide/.
import { loadPyodide as loadVendored, version } from "./vendor/pyodide/pyodide.mjs";

export { version };

const vendor = new URL("./vendor/", import.meta.url).href;
const indexURL = new URL("./pyodide/", vendor).href;
const stdLibURL = new URL("./python_stdlib.zip", vendor).href;
const lockFileURL = new URL("./pyodide-lock.json", vendor).href;

export const loadPyodide = (options = {}) =>
  loadVendored({ ...options, indexURL, stdLibURL, lockFileURL, packageBaseUrl: vendor });
