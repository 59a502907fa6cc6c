"""Real-documents benchmark (`make bench-real`, part of `make bench`): text extraction on the PDF
manuals Debian packages install (bench/real_docs.py), through the page (our worker path: the whole
set as one batch with 1 worker, then with 2), by pypdf called directly in a Pyodide worker, and by
pypdf under native CPython, in the same run, interleaved. Every figure is the median of --runs runs
(min–max); the ratios are the figures.

Prints a markdown table and writes it to bench/results/real.md. Measurements, not tests.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "py"), str(ROOT / "bench")]

import direct  # noqa: E402
import real_docs  # noqa: E402
from browser_bench import Bench  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from real_docs import Document  # noqa: E402
from tables import publish, summary  # noqa: E402

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.helpers import add_files  # noqa: E402
from tools.chromium import BUNDLED, find_chromium  # noqa: E402
from tools.serve import make_server  # noqa: E402

WORKERS = (1, 2)


def native(docs: list[Document]) -> dict:
    """pypdf under native CPython, one file after the other (seconds summed over the files)."""
    results = [direct.extract(doc.data, "text") for doc in docs]
    return {"seconds": sum(r["seconds"] for r in results), "pages": sum(r["pages"] for r in results),
            "chars": sum(r["chars"] for r in results)}


def pyodide_direct(bench: Bench, docs: list[Document]) -> dict:
    """pypdf called directly in one Pyodide worker (bench/pages/direct.html), file after file."""
    page = bench.page(path="bench/pages/direct.html")
    page.wait_for_selector('body[data-state="ready"]', state="attached")
    results = [page.evaluate("([b64, mode]) => window.runDirect(b64, mode)",
                             [base64.b64encode(doc.data).decode(), "text"]) for doc in docs]
    page.context.close()
    return {"seconds": sum(r["seconds"] for r in results), "pages": sum(r["pages"] for r in results),
            "chars": sum(r["chars"] for r in results)}


def app_batch(bench: Bench, docs: list[Document], workers: int) -> dict:
    """The whole set added at once to the page with `workers` PDF workers, in text mode. `seconds` is
    from the first task's creation to the last one's end; `task_seconds` sums each task's own run."""
    page = bench.app(workers)
    page.select_option("#opt-pdf-mode", "text")
    page.dispatch_event("#opt-pdf-mode", "change")
    page.wait_for_timeout(300)
    add_files(page, {doc.name: doc.data for doc in docs})
    bench.wait_all_done(page, len(docs))
    tasks = bench.tasks(page)
    page.context.close()
    failed = [f"{t['input'].get('file_name')}: {t.get('error')}" for t in tasks if t["status"] != "completed"]
    assert not failed, failed
    return {"seconds": max(t["finished_at"] for t in tasks) - min(t["created_at"] for t in tasks),
            "task_seconds": sum(t["finished_at"] - t["start_time"] for t in tasks),
            "pages": sum(t["result"]["pages"] for t in tasks)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "real.md")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents (a quick try)")
    args = parser.parse_args()
    missing = real_docs.ensure_packages()
    docs = real_docs.documents()[:args.limit or None]
    print(f"Documents ({len(docs)}; packages not installed: {', '.join(missing) or 'none'}):")
    for doc in docs:
        print(f"  {doc.package}: {doc.path} ({len(doc.data) // 1024} KB)")
    if not docs:
        raise SystemExit("no real documents: install some of " + ", ".join(real_docs.PACKAGES))
    server = make_server(ROOT, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    chromium = find_chromium()
    results: dict[str, list[dict]] = {}

    def record(key: str, measure) -> None:
        print(f"  {key} …", end="", flush=True)
        started, load = time.perf_counter(), os.getloadavg()[0]
        value = measure() | {"load": load}
        results.setdefault(key, []).append(value)
        print(f" {value['pages'] / value['seconds']:.1f} pages/s ({time.perf_counter() - started:.0f} s wall, "
              f"load {load:.1f})", flush=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=None if chromium in (None, BUNDLED) else chromium,
                                             args=CHROMIUM_ARGS)
        bench = Bench(browser, base, {})
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs}", flush=True)
            record("native", lambda: native(docs))
            for workers in WORKERS:
                record(f"app-{workers}", lambda workers=workers: app_batch(bench, docs, workers))
            record("direct", lambda: pyodide_direct(bench, docs))
        browser.close()
    server.shutdown()
    pages = results["native"][0]["pages"]
    title = (f"Real documents: {len(docs)} PDF manuals from Debian packages ({pages:,} pages, "
             f"{sum(len(d.data) for d in docs) / 2**20:.1f} MB), text mode; headless Chromium and CPython "
             f"{sys.version.split()[0]} on this machine ({os.cpu_count()} cores). Median of {args.runs} runs "
             f"(min–max), variants interleaved; load average (1 min) during the runs "
             f"{summary([v['load'] for vs in results.values() for v in vs], '{:.1f}')}.\n\nDocuments: "
             + ", ".join(f"{doc.name.replace('--', ': ')}" for doc in docs) + ".")
    publish(title, ("measure", "variant", "result"), rows(results), args.out)


def rows(r: dict[str, list[dict]]) -> list[tuple[str, str, str]]:
    def rate(key: str, seconds: str = "seconds") -> list[float]:
        return [v["pages"] / v[seconds] for v in r[key]]

    def med(key: str, seconds: str = "seconds") -> float:
        return statistics.median(rate(key, seconds))

    cores = os.cpu_count()
    return [
        ("Text (pages/s)", "our worker path, 1 worker (files added at once to the last one done)",
         summary(rate("app-1"), "{:.1f}")),
        ("", "our worker path, 1 worker, each task's own run summed", summary(rate("app-1", "task_seconds"), "{:.1f}")),
        ("", "pypdf called directly in a Pyodide worker", summary(rate("direct"), "{:.1f}")),
        ("", "pypdf under native CPython", summary(rate("native"), "{:.1f}")),
        ("", "ratio: our worker path (1 worker) ÷ native CPython (goal ≥ 0.66×)",
         f"{med('app-1') / med('native'):.2f}×"),
        ("", "ratio: our worker path (1 worker) ÷ pypdf directly in Pyodide", f"{med('app-1') / med('direct'):.2f}×"),
        ("", "ratio: pypdf directly in Pyodide ÷ native CPython", f"{med('direct') / med('native'):.2f}×"),
        ("Batch, the whole set (s)", "1 worker", summary([v["seconds"] for v in r["app-1"]], "{:.0f}")),
        ("", f"2 workers ({cores} cores)", summary([v["seconds"] for v in r["app-2"]], "{:.0f}")),
        ("", "ratio: 2 workers ÷ 1 worker (pages/s)", f"{med('app-2') / med('app-1'):.2f}×"),
    ]


if __name__ == "__main__":
    main()
