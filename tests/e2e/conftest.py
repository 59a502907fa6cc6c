"""End-to-end harness: the real page, served under a sub-path, driven in real Chromium.

Every test's page is watched: a console error, an uncaught page error (a Python traceback
included) or a request to any origin but the test server's fails the test at teardown,
unless the test says it expects errors.

A crash of a page's renderer process (Chromium's: 3 in 160 page loads here while Pyodide used
JSPI, none since static/interpreter.mjs turns it off) fails the test with "Page crashed" and the
machine's state at that moment; such a test, and only such a test, runs once more
(pytest-rerunfailures).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, sync_playwright

from tools.chromium import BUNDLED, find_chromium
from tools.serve import make_server

ROOT = Path(__file__).resolve().parents[2]
SUB_PATH = "dataflow-tasks"
BOOT_TIMEOUT_MS = 60_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's words when a page's renderer process died under it; the watch adds its own.
RENDERER_CRASH = r"(Target|Page) crashed"
CRASHES: list[str] = []  # every crash this run, for the summary (a rerun test's first failure is not shown)


def pytest_collection_modifyitems(items) -> None:
    """An end-to-end test whose page's renderer crashed runs once more; a second crash fails it."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.flaky(reruns=1, only_rerun=[RENDERER_CRASH]))


def pytest_terminal_summary(terminalreporter) -> None:
    if CRASHES:
        terminalreporter.section("renderer crashes")
        for line in CRASHES:
            terminalreporter.write_line(line)


def machine_state() -> str:
    """One line on the machine at a crash: load and free memory (what CI's log keeps)."""
    meminfo = Path("/proc/meminfo")
    free = ""
    if meminfo.exists():
        lines = dict(line.split(":", 1) for line in meminfo.read_text().splitlines() if ":" in line)
        free = f", MemAvailable {lines.get('MemAvailable', '?').strip()}"
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    return f"at {time.strftime('%H:%M:%S')}, load {' '.join(f'{x:.1f}' for x in load)}{free}"


@pytest.fixture(scope="session")
def site_url():
    """The app served as GitHub Pages would: under /dataflow-tasks/, not at the root."""
    with tempfile.TemporaryDirectory() as docroot:
        (Path(docroot) / SUB_PATH).symlink_to(ROOT, target_is_directory=True)
        server = make_server(Path(docroot), quiet=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/{SUB_PATH}/"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="session")
def browser():
    chromium = os.environ.get("CHROMIUM") or find_chromium()
    executable = None if chromium in (None, BUNDLED) else chromium
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageWatch:
    """What a page did that a test must not let pass silently."""

    origin: str
    errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    errors_expected: bool = False
    allowed: set[str] = field(default_factory=set)  # origins a test lets the page call (an LLM endpoint it typed)
    crashes: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" or "Traceback (most recent call last)" in message.text:
            self.errors.append(message.text)

    def on_page_error(self, error) -> None:
        self.errors.append(f"{error.name}: {error.message}")

    def on_crash(self, page: Page) -> None:
        self.crashes.append(f"Page crashed (its renderer process died) {machine_state()}: {page.url}")
        CRASHES.append(self.crashes[-1])

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if f"{parts.scheme}://{parts.netloc}" not in {self.origin, *self.allowed}:
            self.foreign_requests.append(request.url)

    def expect_errors(self) -> list[str]:
        """Mark errors as expected (the test checks them itself) and return them."""
        self.errors_expected = True
        return self.errors

    def problems(self) -> list[str]:
        found = [*self.crashes, *(f"request outside the origin: {url}" for url in self.foreign_requests)]
        if not self.errors_expected:
            found += [f"console/page error: {text}" for text in self.errors]
        return found


@pytest.fixture
def context(browser, site_url):
    context = browser.new_context(base_url=site_url)
    yield context
    context.close()


@pytest.fixture
def watch(site_url) -> PageWatch:
    parts = urlsplit(site_url)
    return PageWatch(origin=f"{parts.scheme}://{parts.netloc}")


def watch_page(page: Page, watch: PageWatch) -> Page:
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.on("request", watch.on_request)
    page.on("crash", watch.on_crash)
    return page


@pytest.fixture
def page(context, watch) -> Page:
    page = watch_page(context.new_page(), watch)
    yield page
    problems = watch.problems()
    assert not problems, "\n".join(problems)


def wait_for_app_state(page: Page, *states: str, timeout: float = BOOT_TIMEOUT_MS) -> str:
    """Wait until <body data-app-state> leaves 'loading'; return the state it reached."""
    wanted = states or ("ready", "error")
    selector = ", ".join(f'body[data-app-state="{state}"]' for state in wanted)
    page.wait_for_selector(selector, state="attached", timeout=timeout)
    return page.evaluate("document.body.dataset.appState")


@pytest.fixture
def open_app(page):
    """Open the app (optionally with a query string) and wait for it to be ready."""

    def open_app(query: str = "", *, expect: str = "ready") -> Page:
        page.goto(f"index.html{query}")
        state = wait_for_app_state(page)
        message = page.text_content("#boot-message")
        assert state == expect, f"app state {state!r}: {message}"
        return page

    return open_app


@pytest.fixture
def measured_app(page):
    """The app, booted, in a page that records its main thread's long tasks from its first script
    on and each row's status changes (helpers.LONG_TASKS_AND_MARKS); watched like any test's page."""
    from tests.e2e.helpers import LONG_TASKS_AND_MARKS, wait_engine

    page.add_init_script(LONG_TASKS_AND_MARKS)
    page.goto("index.html")
    assert wait_for_app_state(page) == "ready"
    wait_engine(page)
    return page


@pytest.fixture(scope="session")
def run_reference():
    """The files an uninterrupted run makes, computed with the same service under CPython."""
    import asyncio
    import concurrent.futures

    from dataflow.core.blobs import MemoryBlobStore, file_key
    from dataflow.executors.pdf.service import PdfService
    from tests.e2e.helpers import unzip

    def run(data: bytes, source: str, options) -> dict[str, bytes]:
        async def go():
            store = MemoryBlobStore()
            await store.put(file_key("f"), data)
            service = PdfService(store)
            info = await service.open("t", "f", options.to_dict(), source=source)
            await service.process("t", 0, info["pages"])
            result = await service.finish("t")
            return store.data[result["result_key"]]

        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's loop owns this thread
            return unzip(pool.submit(asyncio.run, go()).result())

    return run
