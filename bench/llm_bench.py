"""LLM benchmark (`make bench`): records per second through the app against a bare fetch loop with
the same concurrency, both in headless Chromium against the loopback test server answering after a
fixed 50 ms; and the requests per minute the app holds under a configured ceiling (the most
requests the server saw in any 60 s). Measurements, not tests: no figure is asserted anywhere.

Prints a markdown table and writes it to --out (bench/results/llm.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "py")]

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM_ARGS, wait_for_app_state  # noqa: E402
from tests.e2e.helpers import wait_engine, wait_status  # noqa: E402
from tests.e2e.test_llm_enrichment import configure  # noqa: E402
from tests.llm_server import GOOD_KEY, MODEL, LlmTestServer  # noqa: E402
from tools.chromium import BUNDLED, find_chromium  # noqa: E402
from tools.serve import make_server  # noqa: E402

LATENCY = 0.05
MARKS = """
window.__marks = [];
addEventListener('DOMContentLoaded', () => new MutationObserver((records) => {
  for (const record of records) window.__marks.push([performance.now(), record.target.dataset.status]);
}).observe(document.getElementById('task-list'), {subtree: true, attributes: true, attributeFilter: ['data-status']}));
"""
BARE_LOOP = """async ([url, key, model, texts, concurrency]) => {
  const queue = [...texts];
  const worker = async () => {
    while (queue.length) {
      const text = queue.shift();
      const body = JSON.stringify({model, temperature: 0, response_format: {type: "json_object"},
        messages: [{role: "system", content: "Enrich."}, {role: "user", content: text}]});
      const response = await fetch(url, {method: "POST", body, credentials: "omit",
        headers: {"Content-Type": "application/json", "Authorization": `Bearer ${key}`}});
      JSON.parse(JSON.parse(await response.text()).choices[0].message.content);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({length: concurrency}, worker));
  return performance.now() - started;
}"""


def records(count: int) -> bytes:
    return "".join(json.dumps({"id": n, "text": f"rec-{n:05d} Alice works at ACME on X{n}"}) + "\n"
                   for n in range(count)).encode()


def through_app(browser, base: str, server: LlmTestServer, name: str, count: int, *, concurrency: int,
                rpm: int) -> float:
    """Seconds from the task's start to its completion (a fresh context: no earlier task's row)."""
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.add_init_script(MARKS)
    page.goto("index.html")
    wait_for_app_state(page)
    wait_engine(page)
    configure(page, server, concurrency=concurrency, rpm=rpm, text_path="text")
    page.set_input_files("#llm-file-input", [{"name": name, "mimeType": "", "buffer": records(count)}])
    wait_status(page, name, "completed", timeout=600_000)
    marks = page.evaluate("window.__marks")
    started = min(at for at, status in marks if status == "running")
    finished = min(at for at, status in marks if status == "completed")
    context.close()
    return (finished - started) / 1000


def bare_loop(context, server: LlmTestServer, count: int, *, concurrency: int) -> float:
    page = context.new_page()
    page.goto("index.html")
    wait_for_app_state(page)
    texts = [f"rec-{n:05d} Alice works at ACME on X{n}" for n in range(count)]
    elapsed = page.evaluate(BARE_LOOP, [server.base_url + "/chat/completions", GOOD_KEY, MODEL, texts, concurrency])
    page.close()
    return elapsed / 1000


def most_in_a_minute(times: list[float]) -> int:
    times, best, first = sorted(times), 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 60.0:
            first += 1
        best = max(best, last - first + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--ceiling", type=int, default=120, help="requests per minute for the rate run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "llm.md")
    args = parser.parse_args()
    site = make_server(ROOT, quiet=True)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    chromium = find_chromium()
    with sync_playwright() as playwright, LlmTestServer(latency=LATENCY) as server:
        browser = playwright.chromium.launch(executable_path=None if chromium in (None, BUNDLED) else chromium,
                                             args=CHROMIUM_ARGS)
        base = f"http://127.0.0.1:{site.server_port}/"
        app_seconds = through_app(browser, base, server, "speed.jsonl", args.records, concurrency=args.concurrency,
                                  rpm=0)
        bare_seconds = bare_loop(browser.new_context(base_url=base), server, args.records,
                                 concurrency=args.concurrency)
        server.log.clear()
        rate_count = args.ceiling + args.ceiling // 4  # more than a minute's worth: the ceiling must hold
        rate_seconds = through_app(browser, base, server, "rate.jsonl", rate_count, concurrency=args.concurrency,
                                   rpm=args.ceiling)
        held = most_in_a_minute([entry["time"] for entry in server.log])
        browser.close()
    site.shutdown()
    app_rate, bare_rate = args.records / app_seconds, args.records / bare_seconds
    table = "\n".join([
        f"# LLM enrichment ({time.strftime('%Y-%m-%d')}; test server answering after {LATENCY * 1000:.0f} ms, "
        f"{args.concurrency} requests in flight)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| records/s through the app ({args.records} records) | {app_rate:.1f} ({app_seconds:.1f} s) |",
        f"| records/s, bare fetch loop in the page | {bare_rate:.1f} ({bare_seconds:.1f} s) |",
        f"| app / bare | {app_rate / bare_rate:.2f} |",
        f"| most requests in any 60 s, ceiling {args.ceiling}/min ({rate_count} records, {rate_seconds:.0f} s) "
        f"| {held} |",
        ""])
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)


if __name__ == "__main__":
    main()
