// The interpreter module PyScript loads (pyscript.toml `interpreter`), for the main thread and every
// worker: the vendored Pyodide, started with static/vendor/python_stdlib.zip, Pyodide's standard
// library plus the bytecode of the modules imported at start-up, which tools/build_site.py compiles
// with this same Pyodide. Without it every start compiles those modules from source again (most of
// the interpreter's start on a warm start). PyScript passes the folder of this file as indexURL: the
// runtime's own files (wasm, lock, wheels) are in vendor/pyodide/.
import { loadPyodide as loadVendored, version } from "./vendor/pyodide/pyodide.mjs";

export { version };

const indexURL = new URL("./vendor/pyodide/", import.meta.url).href;
const stdLibURL = new URL("./vendor/python_stdlib.zip", import.meta.url).href;

export const loadPyodide = (options = {}) => loadVendored({ ...options, indexURL, stdLibURL });
