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

// Pyodide switches stacks with JSPI (WebAssembly.Suspending) wherever the browser offers it (Chromium
// 137+). In Chromium 156 that path now and then kills the renderer: SIGSEGV at the top of a
// V8-allocated stack, seven minidumps on these machines at one code address, at start-up or while a
// task runs (the page and its PDF workers share one renderer: every task dies with it); Pyodide tracks
// such crashes as its issues 5702 and 6106, which go away with JSPI off. Nothing here needs stack
// switching (no run_sync, no run_until_complete), so this realm hides JSPI from Pyodide before it
// starts, which then calls into Python without switching stacks.
for (const name of ["Suspending", "promising", "Suspender"]) delete WebAssembly[name];

const vendor = new URL("./vendor/", import.meta.url).href;
const indexURL = new URL("./pyodide/", vendor).href;
const stdLibURL = new URL("./python_stdlib.zip", vendor).href;
const lockFileURL = new URL("./pyodide-lock.json", vendor).href;

export const loadPyodide = (options = {}) =>
  loadVendored({ ...options, indexURL, stdLibURL, lockFileURL, packageBaseUrl: vendor });
