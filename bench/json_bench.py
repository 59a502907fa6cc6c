"""JSON benchmark (`make bench`): MB/s of each JSON operation through the app (headless Chromium, the
page, its worker) against the same code (JsonService) under native CPython on the same generated
file, with the main thread's longest task while the app works; and, with --memory-mb, the memory of
the largest case: a JSONL file and a .json array near the 200 MB limit through each streaming
operation, as the peak RSS of a native subprocess and as the growth of the worker's WebAssembly heap.

Prints markdown and writes it to --out. Measurements, not tests: no figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "py"), str(ROOT / "bench")]

import json_native  # noqa: E402

from dataflow.core.blobs import MemoryBlobStore, file_key  # noqa: E402

MB = 1024 * 1024
TIMEOUT = 900_000
LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
}).observe({type: 'longtask', buffered: true});
"""
HEAP = """async () => {  // the JSON worker's own export, through its script element's xworker
  const script = [...document.querySelectorAll('script[worker][name^="json-"]')].pop();
  await script.xworker.ready;
  return JSON.parse(await script.xworker.sync.json_memory()).heap_bytes;
}"""
# (label, form options, input name): what a person picks in the JSON fieldset
OPERATIONS = [("inspect", {"operation": "inspect"}, "data.jsonl"),
              ("clean", {"operation": "clean"}, "data.jsonl"),
              ("convert to array", {"operation": "convert"}, "data.jsonl"),
              ("split (500)", {"operation": "split"}, "data.jsonl"),
              ("compress (level 3)", {"operation": "compress", "level": 3}, "data.jsonl"),
              ("decompress", {"operation": "decompress"}, "data.jsonl.zst")]
STREAMING = ["inspect", "clean", "convert", "split"]  # the record operations, for the memory table


# Native CPython -----------------------------------------------------------------------------

def native_seconds(data: bytes, name: str, options: dict) -> float:
    """Seconds of open + steps + finish through JsonService, as the worker runs them."""
    elapsed, _, _ = asyncio.run(json_native.run(data, name, options, trace=False))
    return elapsed


def peak_rss() -> int:
    """This process's peak resident set in bytes: VmHWM, which (unlike ru_maxrss, kept across exec
    from the parent) starts afresh in a new program; ru_maxrss where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def native_memory_child(path: str, name: str, operation: str) -> None:
    """In a subprocess: peak RSS (bytes) holding the input in a store, then after the operation."""
    data = Path(path).read_bytes()

    async def hold() -> None:
        store = MemoryBlobStore()
        await store.put(file_key("f"), data)

    asyncio.run(hold())
    holding = peak_rss()
    if operation != "none":
        asyncio.run(json_native.run(data, name, {"operation": operation}, trace=False))
    print(json.dumps({"holding": holding, "peak": peak_rss()}))


def native_memory(path: Path, name: str, operation: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(path), name, operation], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# The app in Chromium ------------------------------------------------------------------------

class App:
    def __init__(self, browser, base: str):
        self.browser, self.base = browser, base

    def open(self):
        from tests.e2e.helpers import wait_engine

        page = self.browser.new_context(accept_downloads=False).new_page()
        page.add_init_script(LONGTASKS)
        page.set_default_timeout(TIMEOUT)
        page.goto(self.base + "index.html?workers=1")
        page.wait_for_selector('body[data-app-state="ready"]', state="attached")
        wait_engine(page)
        return page

    @staticmethod
    def choose(page, options: dict) -> None:
        for name, value in options.items():
            control = page.locator(f"#opt-json-{name.replace('_', '-')}")
            if name == "level":
                control.fill(str(value))
            else:
                control.select_option(str(value))
            control.dispatch_event("change")
        page.wait_for_timeout(300)

    def run(self, path: Path, name: str, options: dict, *, heap: bool = False) -> dict:
        """One task through the page from a file on disk: its seconds (the task's own start to
        finish), the longest main-thread task meanwhile, and the worker's heap before and after."""
        page = self.open()
        self.choose(page, options)
        before = page.evaluate(HEAP) if heap else 0
        page.set_input_files("#file-input", files=[str(path)])
        page.wait_for_selector("li.task", state="attached")
        start = page.evaluate("performance.now()")
        page.wait_for_function("""() => ['completed', 'failed'].includes(
            document.querySelector('li.task')?.dataset.status)""", timeout=TIMEOUT, polling=250)
        end = page.evaluate("performance.now()")
        task = page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
            .map(k => JSON.parse(localStorage.getItem(k)).task)[0]""")
        after = page.evaluate(HEAP) if heap else 0
        longest = max((d for s, d in page.evaluate("window.__longtasks") if start <= s <= end), default=0.0)
        page.context.close()
        if task["status"] != "completed":
            raise RuntimeError(f"{name} {options}: {task.get('error')}")
        return {"seconds": task["finished_at"] - task["start_time"], "longest_ms": longest,
                "heap_before": before, "heap_after": after}


def with_app(work):
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS
    from tools.chromium import BUNDLED, find_chromium
    from tools.serve import make_server

    server = make_server(ROOT, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    chromium = find_chromium()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=None if chromium in (None, BUNDLED) else chromium,
                                                 args=CHROMIUM_ARGS)
            try:
                return work(App(browser, f"http://127.0.0.1:{server.server_port}/"))
            finally:
                browser.close()
    finally:
        server.shutdown()


# Tables -------------------------------------------------------------------------------------

def throughput(megabytes: float, folder: Path) -> list[str]:
    data = json_native.corpus(megabytes)
    files = {"data.jsonl": data, "data.jsonl.zst": json_native.available().compress(data, 3)}
    for name, content in files.items():
        (folder / name).write_bytes(content)
    native = {label: native_seconds(files[name], name, options) for label, options, name in OPERATIONS}
    app = with_app(lambda app: {label: app.run(folder / name, name, options) for label, options, name in OPERATIONS})
    records = data.count(b"\n")
    lines = [f"{len(data) / MB:.1f} MB JSONL ({records:,} records), {time.strftime('%Y-%m-%d')}; "
             f"MB/s of the uncompressed data.", "",
             "| operation | app MB/s (Chromium, worker) | native CPython MB/s | native ÷ app | "
             "longest main-thread task (ms) |", "|---|---|---|---|---|"]
    for label, _, _ in OPERATIONS:
        app_rate, native_rate = len(data) / MB / app[label]["seconds"], len(data) / MB / native[label]
        lines.append(f"| {label} | {app_rate:.1f} | {native_rate:.1f} | {native_rate / app_rate:.1f}× | "
                     f"{app[label]['longest_ms']:.0f} |")
    return lines


def largest(megabytes: float, folder: Path, browser_ops: list[str], *, native: bool = True) -> list[str]:
    lines_data = json_native.corpus(megabytes)
    array = b"[\n" + b",\n".join(lines_data.splitlines()) + b"\n]\n"  # the same records as one array
    inputs = {"big.jsonl": lines_data, "big.json": array}
    for name, content in inputs.items():
        (folder / name).write_bytes(content)
    rows = ["| input | operation | native peak RSS (MB) | native beyond holding the input (MB) | "
            "worker heap before → after (MB) |", "|---|---|---|---|---|"]
    heaps: dict[tuple[str, str], dict] = {}
    if browser_ops:
        heaps = with_app(lambda app: {(name, op): app.run(folder / name, name, {"operation": op}, heap=True)
                                      for name in inputs for op in browser_ops})
    for name, content in inputs.items():
        for operation in STREAMING:
            heap = heaps.get((name, operation))
            if not native and heap is None:
                continue
            measured = native_memory(folder / name, name, operation) if native else None
            shown = f"{heap['heap_before'] / MB:.0f} → {heap['heap_after'] / MB:.0f}" if heap else "–"
            peak = f"{measured['peak'] / MB:.0f} | {(measured['peak'] - measured['holding']) / MB:.0f}" \
                if measured else "– | –"
            rows.append(f"| {name} ({len(content) / MB:.0f} MB) | {operation} | {peak} | {shown} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="size of the throughput file")
    parser.add_argument("--memory-mb", type=float, default=0.0, help="size of the largest case (0: skip; ≤ 199)")
    parser.add_argument("--browser-memory", default="convert",
                        help="comma-separated operations to measure in the worker too (empty: none)")
    parser.add_argument("--no-throughput", action="store_true", help="only the memory of the largest case")
    parser.add_argument("--no-native-memory", action="store_true", help="the worker's heap only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "json.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        lines = ["## JSON workbench", ""] + ([] if args.no_throughput else throughput(args.mb, Path(folder)))
        print("\n".join(lines), flush=True)
        if args.memory_mb:
            ops = [op for op in args.browser_memory.split(",") if op]
            memory = ["", "### Memory of the largest case", ""] + largest(args.memory_mb, Path(folder), ops,
                                                                          native=not args.no_native_memory)
            print("\n".join(memory), flush=True)
            lines += memory
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        native_memory_child(*sys.argv[2:5])
    else:
        main()
