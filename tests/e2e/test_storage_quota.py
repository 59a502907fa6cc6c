"""A full browser storage through the UI: the origin's quota is capped with Chromium's DevTools
protocol (`Storage.overrideQuotaForOrigin`), a little above what the page already uses. Chromium
counts usage lazily (a Blob refused over the quota seems to count for a while), so the cap is set once,
right after boot, and the task's writes come before the refused file's."""

import random
from urllib.parse import urlsplit

from playwright.sync_api import CDPSession, expect

from tests import pdfs
from tests.e2e.helpers import add_files, download, row, unzip, wait_engine, wait_status

FREE = 2_000_000  # bytes the page may still store under the cap
USAGE = "navigator.storage.estimate().then((e) => e.usage)"


def cap_quota(page, quota: int | None, session: CDPSession | None = None) -> CDPSession:
    """Cap this origin's storage at `quota` bytes (None: the browser's own quota again). The cap lasts
    while the returned session is attached: keep it."""
    parts = urlsplit(page.url)
    session = session or page.context.new_cdp_session(page)
    session.send("Storage.overrideQuotaForOrigin", {"origin": f"{parts.scheme}://{parts.netloc}",
                                                    **({} if quota is None else {"quotaSize": quota})})
    return session


def test_a_running_task_that_fills_the_storage_fails_at_once_a_bigger_file_gets_a_notice_and_retry_finishes(
        open_app):
    page = open_app()
    wait_engine(page)
    session = cap_quota(page, int(page.evaluate(USAGE)) + FREE)
    add_files(page, {"earlier.pdf": pdfs.text_pdf(2)})  # a few kilobytes
    wait_status(page, "earlier.pdf", "completed")

    page.select_option("#opt-pdf-mode", "images")
    page.keyboard.press("Tab")
    document = pdfs.noise_pdf(4)  # about 1.3 MB: it fits, its images stored beside it (1.3 MB more) do not
    add_files(page, {"scans.pdf": document})
    failed = wait_status(page, "scans.pdf", "failed", timeout=60_000)
    expect(failed).to_contain_text("storage is full")
    expect(failed).to_contain_text("not retried automatically")

    add_files(page, {"too-big.pdf": b"%PDF-1.7\n" + random.Random(1).randbytes(2 * FREE)})
    notice = page.locator("#notices").get_by_text("too-big.pdf was not added")
    expect(notice).to_contain_text("storage is full")
    expect(notice).to_contain_text("Clear finished")
    expect(row(page, "too-big.pdf")).to_have_count(0)

    cap_quota(page, None, session)  # space is free again: Retry goes on to the result
    failed.get_by_role("button", name="Retry scans.pdf").click()
    done = wait_status(page, "scans.pdf", "completed", timeout=60_000)
    expect(done).to_contain_text("4 images")
    earlier = row(page, "earlier.pdf")  # untouched throughout, its result still there
    expect(earlier).to_have_attribute("data-status", "completed")
    assert unzip(download(page, earlier)[1])
