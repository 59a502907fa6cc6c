#!/usr/bin/env python3
"""Screenshots of the real page for the README (`make screenshot`): tasks in several states, and
the result viewer.

Serves the site, drives it in Chromium like a person (files through the file input, a click on
Pause), waits until a long task is part-way, and saves docs/panel.png; then opens the viewer of a
finished PDF, searches its text, and saves docs/viewer.png. Needs the test venv.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "py")]

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests import pdfs  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.e2e.helpers import add_files, row, wait_engine, wait_status  # noqa: E402
from tools.chromium import BUNDLED, find_chromium  # noqa: E402
from tools.serve import make_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "panel.png")
    parser.add_argument("--viewer-out", type=Path, default=ROOT / "docs" / "viewer.png")
    parser.add_argument("--dark", action="store_true", help="use the dark colour scheme")
    args = parser.parse_args()
    server = make_server(ROOT, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    chromium = find_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=None if chromium in (None, BUNDLED) else chromium,
                                             args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900},
                                color_scheme="dark" if args.dark else "light")
        page.goto(f"http://127.0.0.1:{server.server_port}/index.html?workers=1")
        page.wait_for_selector('body[data-app-state="ready"]', state="attached", timeout=90_000)
        wait_engine(page)
        add_files(page, {"annual-report-2025.pdf": pdfs.text_pdf(8, title="Annual report 2025")})
        wait_status(page, "annual-report-2025.pdf", "completed")
        add_files(page, {"meeting-notes.pdf": b"These are plain-text notes saved with a .pdf name.\n",
                         "signed-contract.pdf": pdfs.encrypted_pdf("contract")})
        wait_status(page, "signed-contract.pdf", "failed")
        add_files(page, {"thesis-draft.pdf": pdfs.many_pages_pdf(2500, words=150),
                         "field-photos.pdf": pdfs.images_pdf(), "handbook.pdf": pdfs.text_pdf(40)})
        row(page, "field-photos.pdf").get_by_role("button", name="Pause field-photos.pdf").click()
        wait_status(page, "field-photos.pdf", "paused")
        running_bar = "li.task[data-status=running] [role=progressbar]"
        page.wait_for_function(f"""() => Number(document.querySelector('{running_bar}')
            ?.getAttribute('aria-valuenow') || 0) >= 35""", timeout=120_000)
        page.wait_for_timeout(1200)  # one tick of the clock, so elapsed and time left are shown
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out), full_page=True)
        viewer(page, args.viewer_out)
        browser.close()
    server.shutdown()
    print(f"saved {args.out.relative_to(ROOT)} and {args.viewer_out.relative_to(ROOT)}")


def viewer(page: Page, out: Path) -> None:
    """The viewer of the finished report: its facts, outline, page 2 with a search's matches."""
    row(page, "annual-report-2025.pdf").get_by_role("button", name="View").click()
    dialog = page.locator("dialog.viewer")
    dialog.locator('.viewer-pages[data-page="1"]').wait_for()
    dialog.get_by_label("Search the text").fill("beta")
    dialog.get_by_label("Search the text").press("Enter")
    dialog.locator(".search-count[data-count]").wait_for()
    dialog.locator(".page-text mark").first.wait_for()
    dialog.locator(".page-text").focus()
    page.wait_for_timeout(300)
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))


if __name__ == "__main__":
    main()
