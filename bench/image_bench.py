"""Image benchmark (`make bench`, or alone: `python bench/image_bench.py`): the app's image path
against pypdf called directly in a Pyodide worker on the "images" corpus, and a large scanned-style
PDF (one big JPEG a page) through the page with the renderer's memory watched while it runs.

Memory is Chromium's renderer processes' resident set (the page's main thread and its workers share
one process), read from /proc/PID/status every 50 ms by a thread of this script: the peak while
pages are extracted and the peak while the result is written (the row shows "Packaging the result").
`performance.measureUserAgentSpecificMemory` needs cross-origin isolation, which the app does not have.
Measurements, not tests: nothing is asserted about a figure. Prints a markdown table and writes it to
bench/results/images.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "py"), str(ROOT / "bench")]

import corpus  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.helpers import wait_engine  # noqa: E402
from tools.chromium import BUNDLED, find_chromium  # noqa: E402
from tools.serve import make_server  # noqa: E402

TIMEOUT = 1_800_000
MB = 1024 * 1024


def parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def renderers() -> list[int]:
    """Pids of the renderer processes of this script's browser (its descendants: other programs on
    the machine may run Chromium too)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()  # a zygote's child rewrites it as one string
        except OSError:
            continue
        if b"--type=renderer" in command:
            ancestor = int(entry.name)
            while ancestor > 1 and ancestor != os.getpid():
                ancestor = parent(ancestor)
            if ancestor == os.getpid():
                pids.append(int(entry.name))
    return pids


def resident(pid: int) -> int:
    """VmRSS of `pid` in bytes (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """Samples (monotonic time, summed VmRSS of `pids`) every `every` seconds until stopped."""

    def __init__(self, pids: list[int], every: float = 0.05):
        super().__init__(daemon=True)
        self.pids, self.every = pids, every
        self.samples: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.samples.append((time.monotonic(), sum(resident(pid) for pid in self.pids)))
            time.sleep(self.every)

    def peak(self, start: float, end: float) -> int:
        return max((rss for at, rss in self.samples if start <= at <= end), default=0)


def app_page(browser, base: str, max_images: int) -> Page:
    page = browser.new_context().new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(base + "index.html?workers=1")
    page.wait_for_selector('body[data-app-state="ready"]', state="attached")
    wait_engine(page)
    page.select_option("#opt-pdf-mode", "images")
    page.fill("#opt-pdf-max-images", str(max_images))
    page.dispatch_event("#opt-pdf-max-images", "change")
    page.wait_for_timeout(300)
    return page


def task(page: Page) -> dict:
    return page.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
        .map(k => JSON.parse(localStorage.getItem(k)).task)[0]""")


IDB_FLOOR = """async ([total, piece, perTransaction, perBlob]) => {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open("bench-floor-" + Math.random(), 1);
    open.onupgradeneeded = () => open.result.createObjectStore("blobs");
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const bytes = new Uint8Array(piece).map((_, i) => i * 7);
  const started = performance.now();
  let written = 0, key = 0;
  while (written < total) {
    await new Promise((resolve, reject) => {
      const tx = db.transaction("blobs", "readwrite");
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      for (let n = 0; n < perTransaction && written < total; n++) {
        const pieces = [];
        for (let p = 0; p < perBlob && written < total; p++, written += piece) pieces.push(bytes.slice());
        tx.objectStore("blobs").put(new Blob(pieces, {type: "image/png"}), "k" + key++);
      }
    });
  }
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return {seconds, mb_per_s: written / seconds / 1048576};
}"""


def idb_floor(browser, base: str, total: int, *, per_blob: int = 1) -> dict:
    """Writing `total` bytes into IndexedDB alone: as 40 KB Blobs, 100 a transaction (how the app
    stored image parts before packs), or with `per_blob` pieces of 40 KB in each Blob, one Blob a
    transaction (a chunk's pack, as the app stores them now): the floor of any path that keeps every
    image durably as it goes (so a reload loses nothing), measured in the same run."""
    page = browser.new_context().new_page()
    page.goto(base + "README.md")
    result = page.evaluate(IDB_FLOOR, [total, 40_960, 100 if per_blob == 1 else 1, per_blob])
    page.context.close()
    return result


def app_images(browser, base: str, data: bytes) -> dict:
    """The images corpus through the page: seconds from the task's start to its completion."""
    page = app_page(browser, base, 1000)
    page.set_input_files("#file-input", [{"name": "images.pdf", "mimeType": "application/pdf", "buffer": data}])
    page.wait_for_selector("li.task[data-status=completed]", state="attached")
    done = task(page)
    page.context.close()
    seconds = done["finished_at"] - done["start_time"]
    return {"seconds": seconds, "pages_per_s": done["result"]["pages"] / seconds}


def direct_images(browser, base: str, data: bytes) -> dict:
    """pypdf called directly in a Pyodide worker (bench/direct.py), then our PdfService there over an
    in-memory store (the service's own cost, without worker calls and IndexedDB)."""
    page = browser.new_context().new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(base + "bench/pages/direct.html")
    page.wait_for_selector('body[data-state="ready"]', state="attached")
    b64 = base64.b64encode(data).decode()
    direct = page.evaluate("([b64, mode]) => window.runDirect(b64, mode)", [b64, "images"])
    service = page.evaluate("([b64, mode]) => window.runService(b64, mode)", [b64, "images"])
    page.context.close()
    return {"seconds": direct["seconds"], "pages_per_s": direct["pages"] / direct["seconds"],
            "service_pages_per_s": service["pages"] / service["seconds"]}


def scanned(browser, base: str, path: Path, pages: int) -> dict:
    """The scanned-style PDF through the page; peaks of the renderers' summed VmRSS (bytes)."""
    page = app_page(browser, base, pages + 10)
    sampler = Sampler(renderers())
    sampler.start()
    time.sleep(0.3)
    idle = sampler.peak(0, time.monotonic())
    started = time.monotonic()
    page.set_input_files("#file-input", str(path))
    packaging = None
    while True:
        state = page.evaluate("""() => { const row = document.querySelector('li.task');
            return row ? [row.dataset.status, Number(row.querySelector('[role=progressbar]')
              ?.getAttribute('aria-valuenow') || 0)] : ['', 0]; }""")
        if packaging is None and state[1] >= 95:
            packaging = time.monotonic()
        if state[0] in ("completed", "failed"):
            break
        page.wait_for_timeout(100)
    ended = time.monotonic()
    sampler.stopped.set()
    sampler.join()
    done = task(page)
    page.context.close()
    assert done["status"] == "completed", done.get("error")
    packaging = packaging or ended
    return {"seconds": ended - started, "idle_mb": idle / MB, "peak_mb": sampler.peak(started, ended) / MB,
            "pages_peak_mb": sampler.peak(started, packaging) / MB,
            "finish_peak_mb": sampler.peak(packaging, ended) / MB, "finish_seconds": ended - packaging,
            "result_mb": done["result"]["size"] / MB, "images": done["result"]["images"]}


def stats(values: list[float], fmt: str = "{:.1f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default="30,300",
                        help="sizes of the images corpus to compare, comma-separated (pages of 3 images each): "
                             "the fixed cost of a task weighs on a small one, the cost per image on a large one")
    parser.add_argument("--scanned-pages", type=int, default=300, help="pages of about 500 KB (0: skip)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "images.md")
    args = parser.parse_args()
    sizes = [int(size) for size in args.pages.split(",") if size.strip()]
    corpora = {size: corpus.images_pdf(size) for size in sizes}
    server = make_server(ROOT, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    chromium = find_chromium()
    results: dict[str, list[dict]] = {}

    def record(key: str, value: dict) -> None:
        print(f"  {key} {json.dumps({k: round(v, 3) for k, v in value.items()})} load {os.getloadavg()[0]:.1f}",
              flush=True)
        results.setdefault(key, []).append(value)

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        browser = playwright.chromium.launch(executable_path=None if chromium in (None, BUNDLED) else chromium,
                                             args=CHROMIUM_ARGS)
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs}", flush=True)
            for size, images in corpora.items():
                record(f"app-{size}", app_images(browser, base, images))
                record(f"direct-{size}", direct_images(browser, base, images))
                record(f"idb-{size}", idb_floor(browser, base, len(images)))
                record(f"idb-pack-{size}", idb_floor(browser, base, len(images), per_blob=100))
        if args.scanned_pages:
            path = Path(scratch) / "scanned.pdf"
            path.write_bytes(corpus.scanned_pdf(args.scanned_pages))
            record("scanned", scanned(browser, base, path, args.scanned_pages) | {"file_mb": path.stat().st_size / MB})
        browser.close()
    server.shutdown()
    table = render(results, {size: len(images) for size, images in corpora.items()}, args.runs)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table + "\n")


def paired(r: dict[str, list[dict]], pages: int) -> list[float]:
    """Each run's ratio, our path's seconds ÷ pypdf directly's, the two measured one after the other:
    the machine's load moves both alike, so these vary less than the medians' ratio does."""
    return [app["seconds"] / direct["seconds"] for app, direct in zip(r[f"app-{pages}"], r[f"direct-{pages}"],
                                                                        strict=True)]


def render(r: dict[str, list[dict]], sizes: dict[int, int], runs: int) -> str:
    def col(key: str, field: str, fmt: str = "{:.1f}") -> str:
        return stats([value[field] for value in r[key]], fmt)

    def median(key: str, field: str) -> float:
        return statistics.median(value[field] for value in r[key])

    rows = []
    for pages, size in sizes.items():
        app = statistics.median(v["pages_per_s"] for v in r[f"app-{pages}"])
        direct = statistics.median(v["pages_per_s"] for v in r[f"direct-{pages}"])
        rows += [(f"Images corpus, {pages} pages ({size // 1024:,} KB; pages/s)",
                  "our worker path (orchestrator + worker + IndexedDB + zip)", col(f"app-{pages}", "pages_per_s")),
                 ("", "pypdf called directly in a Pyodide worker", col(f"direct-{pages}", "pages_per_s")),
                 ("", "our PdfService in that worker, in-memory store", col(f"direct-{pages}", "service_pages_per_s")),
                 ("", "ratio: pypdf directly ÷ our worker path (goal ≤ 2): of the medians; of each run's "
                  "pair (median, min–max)", f"{direct / app:.2f}×; {stats(paired(r, pages), '{:.2f}')}×"),
                 ("", "IndexedDB alone: the file's size written as 40 KB Blobs (s; MB/s)",
                  f"{col(f'idb-{pages}', 'seconds', '{:.2f}')}; {col(f'idb-{pages}', 'mb_per_s')}"),
                 ("", "IndexedDB alone: the same bytes as 4 MB Blobs, as our packs (s; MB/s)",
                  f"{col(f'idb-pack-{pages}', 'seconds', '{:.2f}')}; {col(f'idb-pack-{pages}', 'mb_per_s')}"),
                 ("", "our worker path's seconds ÷ IndexedDB alone (4 MB Blobs)",
                  f"{median(f'app-{pages}', 'seconds') / median(f'idb-pack-{pages}', 'seconds'):.2f}×")]
    if "scanned" in r:
        s = r["scanned"][0]
        rows += [(f"Scanned-style PDF ({s['file_mb']:.0f} MB, {s['images']} JPEGs)", "seconds through the page",
                  f"{s['seconds']:.1f}"),
                 ("", "renderer VmRSS before adding the file (MB)", f"{s['idle_mb']:.0f}"),
                 ("", "peak while pages are extracted (MB)", f"{s['pages_peak_mb']:.0f}"),
                 ("", f"peak while the {s['result_mb']:.0f} MB result is written (MB)", f"{s['finish_peak_mb']:.0f}"),
                 ("", "seconds writing the result", f"{s['finish_seconds']:.1f}")]
    header = [f"Image benchmark: headless Chromium on this machine ({os.cpu_count()} cores, load "
              f"{os.getloadavg()[0]:.1f} at the end). Median of {runs} runs (min–max), variants interleaved.",
              "\"images\" corpus: pages of 3 images each, RGB PNG, JPEG and grey PNG (bench/corpus.py). Memory: the "
              "renderer processes' summed VmRSS from /proc, sampled every 50 ms.", "",
              "| measure | variant | result |", "|---|---|---|"]
    return "\n".join(header + [f"| {a} | {b} | {c} |" for a, b, c in rows])


if __name__ == "__main__":
    main()
