"""Browser benchmark (`make bench`): our worker path in headless Chromium against pypdf under native
CPython, pypdf called directly in Pyodide, pypdf on the main thread, and pdf.js; plus start-up,
resume and scale. Every figure is the median of --runs runs (min–max), variants interleaved.

Prints a markdown table and writes it to bench/results/browser.md. Measurements, not tests: no
figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import json
import os
import statistics
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "py"), str(ROOT / "bench")]

import corpus  # noqa: E402
import direct  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.helpers import LONG_TASKS, add_files, finished_history, wait_engine  # noqa: E402
from tools.chromium import BUNDLED, find_chromium  # noqa: E402
from tools.serve import make_server  # noqa: E402

# the tests' long-task observer (window.__longtasks), and the first time each <body data-*> value is seen
LONGTASKS = LONG_TASKS + """
window.__marks = {};
new MutationObserver(() => {
  const body = document.body;
  if (!body) return;
  for (const [key, value] of Object.entries(body.dataset)) {
    const mark = `${key}=${value}`;
    if (!(mark in window.__marks)) window.__marks[mark] = performance.now();
  }
}).observe(document, {subtree: true, attributes: true, childList: true});
"""
TIMEOUT = 600_000
PDFJS = ROOT / "node_modules" / "pdfjs-dist" / "build" / "pdf.min.mjs"  # bench/pages/pdfjs.html imports it
GROUPS = ("throughput", "startup", "resume", "scale", "batch")
HISTORIES = (1000, 2000)
READY_RUNS = 3  # reloads with and without the history, in each scale run
SETTLE_MS = 2500  # after ready, start-up's background work (the blob janitor's first sweep) is counted too
CODE_CACHE_MS = 8000  # after a visit's engine is ready: V8 writes the wasm code cache once enough code tiered up
TRACE_CATEGORIES = ["disabled-by-default-devtools.timeline", "blink.user_timing"]  # RunTask (with CPU time), marks


class Bench:
    def __init__(self, browser, base: str, corpora: dict[str, bytes], executable: str | None = None):
        self.browser, self.base, self.corpora, self.executable = browser, base, corpora, executable
        self.b64 = {name: base64.b64encode(data).decode() for name, data in corpora.items()}

    # Helpers -------------------------------------------------------------------------------

    def page(self, context=None, path="index.html?workers=1") -> Page:
        context = context or self.browser.new_context()
        page = context.new_page()
        page.add_init_script(LONGTASKS)
        page.set_default_timeout(TIMEOUT)
        page.goto(self.base + path)
        return page

    def app(self, workers: int = 1, context=None) -> Page:
        page = self.page(context, f"index.html?workers={workers}")
        page.wait_for_selector('body[data-app-state="ready"]', state="attached")
        wait_engine(page)
        return page

    @staticmethod
    def tasks(page: Page) -> list[dict]:
        return page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
            .map(k => JSON.parse(localStorage.getItem(k)).task)""")

    @staticmethod
    def wait_all_done(page: Page, count: int) -> None:
        """Until `count` tasks are completed or failed, read from their saved records (the panel builds
        only the rows in view, so rows cannot be counted)."""
        page.wait_for_function(f"""() => Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
            .map(k => JSON.parse(localStorage.getItem(k)).task.status)
            .filter(s => s === 'completed' || s === 'failed').length >= {count}""", timeout=TIMEOUT, polling=500)

    @staticmethod
    def blocking(page: Page, start: float, end: float) -> tuple[float, float]:
        entries = [d for s, d in page.evaluate("window.__longtasks") if start <= s <= end]
        return (max(entries, default=0.0), sum(max(0.0, d - 50) for d in entries))

    def run_app(self, name: str, mode: str, workers: int = 1) -> tuple[Page, dict, float, float]:
        page = self.app(workers)
        page.select_option("#opt-pdf-mode", mode)
        page.fill("#opt-pdf-max-images", "1000")
        page.dispatch_event("#opt-pdf-max-images", "change")
        page.wait_for_timeout(300)
        add_files(page, {f"{name}.pdf": self.corpora[name]})
        page.wait_for_selector("li.task", state="attached")
        start = page.evaluate("performance.now()")  # the window starts once the file is handed over
        self.wait_all_done(page, 1)
        end = page.evaluate("performance.now()")
        task = self.tasks(page)[0]
        assert task["status"] == "completed", task.get("error")
        return page, task, start, end

    # Measurements ----------------------------------------------------------------------------

    def app_throughput(self, name: str, mode: str) -> dict:
        page, task, start, end = self.run_app(name, mode)
        seconds = task["finished_at"] - task["start_time"]
        longest, tbt = self.blocking(page, start, end)
        page.context.close()
        return {"seconds": seconds, "pages_per_s": task["result"]["pages"] / seconds, "longest_ms": longest,
                "tbt_ms": tbt}

    def direct_worker(self, name: str, mode: str) -> dict:
        page = self.page(path="bench/pages/direct.html")
        page.wait_for_selector('body[data-state="ready"]', state="attached")
        result = page.evaluate("([b64, mode]) => window.runDirect(b64, mode)", [self.b64[name], mode])
        page.context.close()
        return {"seconds": result["seconds"], "pages_per_s": result["pages"] / result["seconds"]}

    def naive_main(self, name: str) -> dict:
        page = self.page(path="bench/pages/naive.html")
        page.wait_for_selector('body[data-state="ready"]', state="attached")
        page.wait_for_timeout(300)
        start = page.evaluate("performance.now()")
        page.evaluate("""([b64, mode]) => setTimeout(() => {  // from a page task, as a click would run it
            window.__naive = window.runNaiveJson(b64, mode); window.__naiveEnd = performance.now(); })""",
                      [self.b64[name], "text"])
        page.wait_for_function("window.__naive !== undefined", timeout=TIMEOUT)
        result, end = page.evaluate("[window.__naive, window.__naiveEnd]")
        page.wait_for_timeout(200)  # let the observer deliver the long task
        longest, tbt = self.blocking(page, start - 1, end + 1)
        page.context.close()
        return {"seconds": result["seconds"], "pages_per_s": result["pages"] / result["seconds"],
                "longest_ms": longest, "tbt_ms": tbt}

    def pdfjs(self, name: str) -> dict:
        page = self.page(path="bench/pages/pdfjs.html")
        page.wait_for_selector('body[data-state="ready"]', state="attached")
        result = page.evaluate("(b64) => window.runPdfjs(b64)", self.b64[name])
        page.context.close()
        return {"seconds": result["seconds"], "pages_per_s": result["pages"] / result["seconds"]}

    def startup(self) -> dict:
        context = self.browser.new_context()
        page = self.page(context, "index.html?workers=1")
        page.wait_for_selector('body[data-app-state="ready"]', state="attached")
        cold = page.evaluate("window.__marks['appState=ready']")
        steps = {f"cold_{name}": value for name, value in startup_steps(page, cold).items()}
        page.wait_for_selector('html[data-offline="ready"]', state="attached")
        wait_engine(page)
        page.goto(self.base + "index.html?workers=1")
        page.wait_for_selector('body[data-app-state="ready"]', state="attached")
        warm = page.evaluate("window.__marks['appState=ready']")
        steps |= {f"warm_{name}": value for name, value in startup_steps(page, warm).items()}
        context.close()
        bare = self.page(path="bench/pages/bare.html")
        bare.wait_for_selector('body[data-state="ready"]', state="attached")
        bare_ms = bare.evaluate("window.__marks['state=ready']")
        bare_steps = {f"bare_{name}": value for name, value in startup_steps(bare, bare_ms).items()}
        bare.context.close()
        return {"cold_ms": cold, "warm_ms": warm, "bare_ms": bare_ms} | steps | bare_steps | self.restarted()

    def restarted(self) -> dict:
        """A returning user's start (ms to the ready panel) with the browser closed and started again
        between visits, one profile on disk: the first visit after the service worker installed, then a
        later one. The reload of `startup` reuses the wasm module V8 still holds in memory; a restarted
        browser compiles it again, unless the code cache V8 keeps beside the response in Cache Storage
        (written during the first such visit) has it."""
        times = []
        with tempfile.TemporaryDirectory() as profile:
            for _ in range(3):  # cold (installs the service worker), first restart, later restart
                context = self.browser.browser_type.launch_persistent_context(
                    profile, executable_path=self.executable, args=CHROMIUM_ARGS)
                page = context.pages[0] if context.pages else context.new_page()
                page.add_init_script(LONGTASKS)
                page.set_default_timeout(TIMEOUT)
                page.goto(self.base + "index.html?workers=1")
                page.wait_for_selector('body[data-app-state="ready"]', state="attached")
                times.append(page.evaluate("window.__marks['appState=ready']"))
                page.wait_for_selector('html[data-offline="ready"]', state="attached")
                wait_engine(page)
                page.wait_for_timeout(CODE_CACHE_MS)
                context.close()
        return {"restart_first_ms": times[1], "restart_later_ms": times[2]}

    def resume(self, name: str) -> dict:
        page = self.app()
        page.select_option("#opt-pdf-mode", "text")
        page.dispatch_event("#opt-pdf-mode", "change")
        add_files(page, {"resume.pdf": self.corpora[name]})
        page.wait_for_function("""() => Number(document.querySelector('li.task [role=progressbar]')
            ?.getAttribute('aria-valuenow') || 0) >= 40""", timeout=TIMEOUT, polling=50)
        state = page.evaluate("""async () => {
            const task = Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
              .map(k => JSON.parse(localStorage.getItem(k)).task)[0];
            const prefix = `part:${task.id}:chunk:`;  // records.chunk_key: "000001-000120[:pack]"
            const keys = await new Promise(resolve => { const open = indexedDB.open('dataflow');
              open.onsuccess = () => { const r = open.result.transaction('blobs').objectStore('blobs')
                .getAllKeys(IDBKeyRange.bound(prefix, prefix + '\\uffff'));
                r.onsuccess = () => { open.result.close(); resolve(r.result); }; }; });
            const spans = keys.map(key => key.slice(prefix.length, prefix.length + 13).split('-').map(Number));
            return {checkpoint: task.checkpoint.next_page, at: Date.now(),
                    chunk: Math.max(0, ...spans.map(([first, last]) => last - first + 1)),
                    stored: Math.max(0, ...spans.map(([, last]) => last))};
        }""")
        page.reload()
        page.wait_for_function(f"""() => {{
            const task = Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
              .map(k => JSON.parse(localStorage.getItem(k)).task)[0];
            return task && task.attempts.length === 2 && task.checkpoint.next_page > {state['checkpoint']};
        }}""", timeout=TIMEOUT, polling=20)
        resumed_at = page.evaluate("Date.now()")
        self.wait_all_done(page, 1)
        task = self.tasks(page)[0]
        page.context.close()
        # A chunk's pages are stored together (one record and its pack), then its checkpoint, so what a
        # reload loses is the chunk in flight, about the largest chunk stored so far (chunks end by time),
        # and any chunk stored but not yet checkpointed.
        return {"seconds": (resumed_at - state["at"]) / 1000,
                "redone_pages": max(state["chunk"], state["stored"] - state["checkpoint"]),
                "ok": float(task["status"] == "completed")}

    def scale(self, history: int) -> dict:
        """Warm start-up with and without `history` finished tasks saved (READY_RUNS reloads of each,
        interleaved), and the longest main-thread task during that start-up, while a PDF runs beside
        them (its progress ticks), on "Hide completed" and on "Clear finished"."""
        context = self.browser.new_context()
        page = self.page(context, "index.html?workers=1")
        page.wait_for_selector('html[data-offline="ready"]', state="attached")
        wait_engine(page)
        records = finished_history(history)
        starts: dict[bool, list[dict]] = {False: [], True: []}
        for _ in range(READY_RUNS):
            for full in (False, True):
                seed_history(page, records if full else [])
                starts[full].append(self.reload_ready(page))
        cpu = {}
        for full in (False, True):
            seed_history(page, records if full else [])
            cpu[full] = self.startup_cpu(page)
        chars = page.evaluate("""() => Object.keys(localStorage).reduce((n, k) => n + k.length +
            localStorage.getItem(k).length, 0)""")
        wait_engine(page)
        page.wait_for_timeout(500)
        add_files(page, {"with-history.pdf": self.corpora["report"]})
        page.wait_for_selector("li.task[data-status=running]", state="attached")
        start = page.evaluate("performance.now()")
        page.wait_for_function("""() => [...document.querySelectorAll('li.task')].some(r =>
            r.querySelector('.task-name').textContent === 'with-history.pdf' && r.dataset.status === 'completed')""",
                               timeout=TIMEOUT, polling=200)
        end = page.evaluate("performance.now()")
        longest, tbt = self.blocking(page, start, end)
        hide = self.operation(page, lambda: page.click("#hide-completed"))
        page.click("#hide-completed")
        clear_start = page.evaluate("performance.now()")
        page.click("#clear-finished")  # it asks first, in the page
        clear = self.operation(page, lambda: page.click("#clear-confirm-yes"),
                               "() => !document.querySelector('li.task[data-status=completed]')")
        cleared = page.evaluate("""() => Object.keys(localStorage).some(k => k.startsWith('dataflow.task.'))
            ? null : performance.now()""")
        context.close()

        def median(full: bool, field: str) -> float:
            return statistics.median(run[field] for run in starts[full])

        return {"empty_ready_ms": median(False, "ready_ms"), "full_ready_ms": median(True, "ready_ms"),
                "ready_ms": median(True, "ready_ms") - median(False, "ready_ms"),
                "app_ms": median(True, "app_ms") - median(False, "app_ms"),
                "read_ms": median(True, "read_ms") - median(False, "read_ms"),
                "shown_ms": median(True, "shown_ms") - median(False, "shown_ms"),
                "empty_longest_ms": median(False, "longest_ms"), "startup_longest_ms": median(True, "longest_ms"),
                "empty_cpu_ms": cpu[False], "startup_cpu_ms": cpu[True],
                "storage_chars": chars, "longest_ms": longest, "tbt_ms": tbt, "hide_longest_ms": hide,
                "clear_longest_ms": clear, "clear_ms": (cleared or float("nan")) - clear_start}

    def reload_ready(self, page: Page) -> dict:
        """Reload (warm: served by the service worker): the time to the ready panel (ms), the part of it
        from our modules imported to ready (ms), and the longest main-thread task from that point to
        SETTLE_MS after ready (the interpreter's own start-up task before it is the same for any history)."""
        page.reload()
        page.wait_for_selector('body[data-app-state="ready"]', state="attached")
        page.wait_for_timeout(SETTLE_MS)
        ready, imported, read, shown = page.evaluate("""() => [window.__marks['appState=ready'],
            ...['imported', 'history-read', 'history-shown'].map(step =>
              performance.getEntriesByName('dataflow:' + step)[0]?.startTime ?? 0)]""")
        return {"ready_ms": ready, "app_ms": ready - imported, "read_ms": read - imported, "shown_ms": shown - read,
                "longest_ms": self.blocking(page, imported, ready + SETTLE_MS)[0]}

    def startup_cpu(self, page: Page) -> float:
        """Reload under a Chromium trace: the most CPU time (ms) one main-thread task used, from our
        modules imported to SETTLE_MS after the app started. Other sessions' load on the machine
        lengthens a task's wall time (what the Long Tasks API reports), not its CPU time."""
        self.browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        page.reload()
        page.wait_for_selector('body[data-app-state="ready"]', state="attached")
        page.wait_for_timeout(SETTLE_MS)
        return longest_task_cpu(json.loads(self.browser.stop_tracing()))

    def operation(self, page: Page, act: Callable[[], None], done: str = "() => true") -> float:
        """The longest main-thread task (ms) from `act` until `done` holds and 500 ms more passed."""
        start = page.evaluate("performance.now()")
        act()
        page.wait_for_function(done, timeout=TIMEOUT, polling=100)
        page.wait_for_timeout(500)
        return self.blocking(page, start, page.evaluate("performance.now()"))[0]

    def batch(self, workers: int, count: int = 20) -> dict:
        page = self.app(workers)
        page.select_option("#opt-pdf-mode", "text")
        page.dispatch_event("#opt-pdf-mode", "change")
        add_files(page, {f"batch-{i:02d}.pdf": self.corpora["batch"] for i in range(count)})
        self.wait_all_done(page, count)
        tasks = self.tasks(page)
        page.context.close()
        assert all(t["status"] == "completed" for t in tasks)
        return {"seconds": max(t["finished_at"] for t in tasks) - min(t["created_at"] for t in tasks)}


def seed_history(page: Page, records: list[list[str]]) -> None:
    """Replace the saved tasks in the page's localStorage by `records` ([key, record] pairs)."""
    page.evaluate("""(records) => { for (const k of Object.keys(localStorage))
        if (k.startsWith('dataflow.task.')) localStorage.removeItem(k);
        for (const [k, v] of records) localStorage.setItem(k, v); }""", records)


def longest_task_cpu(trace: dict | list, start: str = "dataflow:imported", end: str = "dataflow:started") -> float:
    """The most thread CPU time (ms) of one task of the main thread (the thread that made the `start`
    mark) from that mark to SETTLE_MS after the `end` mark, in a Chromium trace; NaN without the marks."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    marks = {event["name"]: event for event in events if "user_timing" in event.get("cat", "")}
    if start not in marks or end not in marks:
        return float("nan")
    thread = (marks[start]["pid"], marks[start]["tid"])
    first, last = marks[start]["ts"], marks[end]["ts"] + SETTLE_MS * 1000
    return max((event.get("tdur", 0) / 1000 for event in events if event.get("name") == "RunTask"
                and event.get("ph") == "X" and (event["pid"], event["tid"]) == thread and first <= event["ts"] <= last),
               default=0.0)


STEPS_JS = """() => {
    const marks = Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]));
    const fetched = (suffix) => Math.max(0, ...performance.getEntriesByType('resource')
        .filter(r => r.name.split('?')[0].endsWith(suffix)).map(r => r.responseEnd));
    return {marks, wasm: fetched('/pyodide.asm.wasm'), stdlib: fetched('/python_stdlib.zip')};
}"""


STEPS = (  # (step, what ends it), in the order start-up reaches them
    ("pyscript", "PyScript's JS loaded, config read"),
    ("download", "runtime downloaded (pyodide.asm.wasm, python_stdlib.zip)"),
    ("interpreter", "interpreter started, with the `packages` of the main thread's config (pypdf before)"),
    ("files", "Python files and JS modules written into the interpreter"),
    ("imports", "our imports (main.py to the app's modules imported)"),
    ("render", "the app started: workers spawned, plug-ins, saved tasks rendered"),
    ("ready", "the rest, to ready (bare page: its script, importing pypdf)"),
)


def startup_steps(page: Page, ready: float) -> dict:
    """Where start-up time goes (ms), from the boot path's performance marks (static/boot.js: the
    main interpreter's progress; boot.py: our imports and start) and resource timing. Each step
    is the time from the end of the previous milestone to its own."""
    data = page.evaluate(STEPS_JS)
    marks = data["marks"]
    ends = {"pyscript": marks.get("py:Loading interpreter", 0.0), "download": max(data["wasm"], data["stdlib"]),
            "interpreter": marks.get("py:Loaded interpreter", 0.0),  # loadPyodide also installs `packages`
            "files": marks.get("py:Loaded JS modules", marks.get("py:Loaded files", 0.0)),
            "imports": marks.get("dataflow:imported", 0.0), "render": marks.get("dataflow:started", 0.0),
            "ready": ready}
    steps, previous = {}, 0.0
    for name, _ in STEPS:
        end = ends[name] or previous  # a page without this milestone (bare.html has no app)
        steps[name] = max(0.0, end - previous)
        previous = max(previous, end)
    return steps


def cpython(data: bytes, mode: str, *, service: bool) -> dict:
    """pypdf under native CPython, directly or through the same PdfService the worker runs."""
    result = asyncio.run(direct.service(data, mode)) if service else direct.extract(data, mode)
    return {"seconds": result["seconds"], "pages_per_s": result["pages"] / result["seconds"]}


def stats(values: list[float], fmt: str) -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "browser.md")
    parser.add_argument("--only", default=",".join(GROUPS),
                        help=f"comma-separated measurement groups, of {', '.join(GROUPS)}")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if "throughput" in only and not PDFJS.exists():  # its page would wait for a module that is not there
        raise SystemExit(f"{PDFJS.relative_to(ROOT)} is missing (the pdf.js row needs it): run `npm ci`")
    corpora = {"report": corpus.report_pdf(120), "images": corpus.images_pdf(30), "batch": corpus.report_pdf(10),
               "resume": corpus.report_pdf(600)}
    server = make_server(ROOT, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    chromium = find_chromium()
    results: dict[str, list[dict]] = {}

    def record(key: str, measure: Callable[[], dict]) -> None:
        print(f"  {key} …", end="", flush=True)
        value = measure()
        print(" " + json.dumps({k: round(v, 3) for k, v in value.items()}), flush=True)
        results.setdefault(key, []).append(value)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=None if chromium in (None, BUNDLED) else chromium,
                                             args=CHROMIUM_ARGS)
        bench = Bench(browser, base, corpora, None if chromium in (None, BUNDLED) else chromium)
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs}", flush=True)
            for mode, name in (("text", "report"), ("images", "images")) if "throughput" in only else ():
                record(f"app-{mode}", lambda mode=mode, name=name: bench.app_throughput(name, mode))
                record(f"direct-{mode}", lambda mode=mode, name=name: bench.direct_worker(name, mode))
                with concurrent.futures.ThreadPoolExecutor(1) as pool:
                    data = corpora[name]
                    results.setdefault(f"cpython-{mode}", []).append(
                        pool.submit(cpython, data, mode, service=False).result())
                    results.setdefault(f"cpython-service-{mode}", []).append(
                        pool.submit(cpython, data, mode, service=True).result())
            if "throughput" in only:
                record("pdfjs-text", lambda: bench.pdfjs("report"))
                record("naive-text", lambda: bench.naive_main("report"))
            if "startup" in only:
                record("startup", bench.startup)
            if "resume" in only:
                record("resume", lambda: bench.resume("resume"))
            if "scale" in only:
                for history in HISTORIES:
                    record(f"scale-{history}", lambda history=history: bench.scale(history))
            if "batch" in only:
                record("batch-1", lambda: bench.batch(1))
                record("batch-2", lambda: bench.batch(2))
        browser.close()
    server.shutdown()
    table = render(results, corpora, args.runs)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table + "\n")


def render(r: dict[str, list[dict]], corpora: dict[str, bytes], runs: int) -> str:
    def col(key, field, fmt="{:.1f}"):
        return stats([v[field] for v in r[key]], fmt)

    def med(key, field):
        return statistics.median(v[field] for v in r[key])

    rows = []
    if "app-text" in r:
        rows += throughput_rows(col, med)
    if "startup" in r:
        rows += [
            ("Start-up to ready panel (ms)", "cold (empty cache)", col("startup", "cold_ms", "{:.0f}")),
            ("", "warm (service worker cache)", col("startup", "warm_ms", "{:.0f}")),
            ("", "warm, browser restarted: first visit after install (wasm compiled again)",
             col("startup", "restart_first_ms", "{:.0f}")),
            ("", "warm, browser restarted: a later visit (wasm from V8's code cache)",
             col("startup", "restart_later_ms", "{:.0f}")),
            ("", "bare PyScript page importing pypdf", col("startup", "bare_ms", "{:.0f}")),
            ("", "ratio: cold ÷ bare; warm ÷ cold",
             f"{med('startup', 'cold_ms') / med('startup', 'bare_ms'):.2f}×; "
             f"{med('startup', 'warm_ms') / med('startup', 'cold_ms'):.2f}×"),
        ]
        for index, (step, what) in enumerate(STEPS):
            rows.append(("Start-up steps, ms: cold / warm / bare" if index == 0 else "", what,
                         " / ".join(col("startup", f"{run}_{step}", "{:.0f}") for run in ("cold", "warm", "bare"))))
    if "resume" in r:
        rows += [("Resume after reload (600 pages)", "reload to work going on again (s)", col("resume", "seconds")),
                 ("", "pages processed twice (the chunk in flight: the largest chunk stored)",
                  col("resume", "redone_pages", "{:.0f}"))]
    for history in HISTORIES:
        key = f"scale-{history}"
        if key in r:
            rows += [
                (f"Scale: {history:,} finished tasks in history", "time to the ready panel, warm: empty history (ms)",
                 col(key, "empty_ready_ms", "{:.0f}")),
                ("", f"the same with {history:,} finished tasks (ms)", col(key, "full_ready_ms", "{:.0f}")),
                ("", "extra time to the ready panel (ms, medians of 3 reloads each)", col(key, "ready_ms", "{:.0f}")),
                ("", "extra time, our start-up only (modules imported to ready, ms)", col(key, "app_ms", "{:.0f}")),
                ("", "of which: saved tasks read and restored (ms)", col(key, "read_ms", "{:.0f}")),
                ("", "of which: their rows built (the rows in view) and counted (ms)", col(key, "shown_ms", "{:.0f}")),
                ("", "longest main-thread task of start-up, empty (ms)", col(key, "empty_longest_ms", "{:.0f}")),
                ("", "longest main-thread task of start-up (ms)", col(key, "startup_longest_ms", "{:.0f}")),
                ("", "the same by its CPU time, empty / with the history (ms; one traced reload each)",
                 f'{col(key, "empty_cpu_ms", "{:.0f}")} / {col(key, "startup_cpu_ms", "{:.0f}")}'),
                ("", "localStorage used (characters)", col(key, "storage_chars", "{:,.0f}")),
                ("", "longest main-thread task, progress ticks of a PDF (ms)", col(key, "longest_ms", "{:.0f}")),
                ("", "longest task on Hide completed (ms)", col(key, "hide_longest_ms", "{:.0f}")),
                ("", "longest task on Clear finished (ms)", col(key, "clear_longest_ms", "{:.0f}")),
                ("", "Clear finished, click to every record removed (ms)", col(key, "clear_ms", "{:.0f}")),
            ]
    if "batch-1" in r:
        rows += [("Batch of 20 PDFs (10 pages each, s)", "1 worker", col("batch-1", "seconds")),
                 ("", f"2 workers ({os.cpu_count()} cores)", col("batch-2", "seconds"))]
    header = [
        f"DataFlow Tasks benchmark: headless Chromium and CPython {sys.version.split()[0]} on this machine "
        f"({os.cpu_count()} cores). Median of {runs} runs (min–max), variants interleaved.",
        f"Corpus, generated by bench/corpus.py: \"report\" {len(corpora['report']) // 1024} KB, 120 pages of "
        f"headings, paragraphs and a table in {corpus.font_used()}; \"images\" {len(corpora['images']) // 1024} KB, "
        "30 pages × 3 images (RGB PNG, JPEG, grey PNG, 200×150).",
        "",
        "| measure | variant | result |",
        "|---|---|---|",
    ]
    return "\n".join(header + [f"| {a} | {b} | {c} |" for a, b, c in rows])


def throughput_rows(col: Callable, med: Callable) -> list[tuple[str, str, str]]:
    rows = []
    for mode, label in (("text", "text"), ("images", "images")):
        rows += [
            (f"Extraction, {label} (pages/s)", "our worker path (orchestrator + worker + IndexedDB + zip)",
             col(f"app-{mode}", "pages_per_s")),
            ("", "pypdf called directly in a Pyodide worker", col(f"direct-{mode}", "pages_per_s")),
            ("", "pypdf under native CPython (direct)", col(f"cpython-{mode}", "pages_per_s")),
            ("", "our PdfService under native CPython (with zip)", col(f"cpython-service-{mode}", "pages_per_s")),
            ("", "ratio: our worker path ÷ native CPython direct",
             f"{med(f'app-{mode}', 'pages_per_s') / med(f'cpython-{mode}', 'pages_per_s'):.2f}×"),
            ("", "our overhead over pypdf directly in Pyodide",
             f"{(med(f'direct-{mode}', 'pages_per_s') / med(f'app-{mode}', 'pages_per_s') - 1) * 100:+.0f} %"),
        ]
    return rows + [
        ("", "pdf.js (text, same browser)", col("pdfjs-text", "pages_per_s")),
        ("", "ratio: pdf.js ÷ our worker path (text)",
         f"{med('pdfjs-text', 'pages_per_s') / med('app-text', 'pages_per_s'):.2f}×"),
        ("Responsiveness while processing (120 pages)", "worker path: longest main-thread task (ms)",
         col("app-text", "longest_ms", "{:.0f}")),
        ("", "worker path: total blocking time (ms)", col("app-text", "tbt_ms", "{:.0f}")),
        ("", "pypdf on the main thread: longest task (ms)", col("naive-text", "longest_ms", "{:.0f}")),
        ("", "pypdf on the main thread: total blocking time (ms)", col("naive-text", "tbt_ms", "{:.0f}")),
    ]


if __name__ == "__main__":
    main()
