"""A full browser storage through the UI: the origin's quota is capped with Chromium's DevTools
protocol (`Storage.overrideQuotaForOrigin`), a little above what the booted page already uses."""

import random
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests import pdfs
from tests.e2e.helpers import add_files, row, wait_engine, wait_status

FREE = 2_000_000  # bytes the page may still store under the cap
USAGE = "navigator.storage.estimate().then((e) => e.usage)"


def cap_quota(page, quota: int | None) -> None:
    """Cap this origin's storage at `quota` bytes (None: the browser's own quota again)."""
    parts = urlsplit(page.url)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": f"{parts.scheme}://{parts.netloc}",
                                                **({} if quota is None else {"quotaSize": quota})})


def test_a_full_storage_refuses_a_file_with_a_notice_and_fails_a_running_task_that_retry_continues(open_app):
    page = open_app()
    wait_engine(page)
    cap_quota(page, int(page.evaluate(USAGE)) + FREE)

    add_files(page, {"too-big.pdf": b"%PDF-1.7\n" + random.Random(1).randbytes(2 * FREE)})
    notice = page.locator("#notices").get_by_text("too-big.pdf was not added")
    expect(notice).to_contain_text("storage is full")
    expect(notice).to_contain_text("Clear finished")
    expect(row(page, "too-big.pdf")).to_have_count(0)

    page.select_option("#opt-pdf-mode", "images")
    page.keyboard.press("Tab")
    document = pdfs.noise_pdf(4)  # about 1.3 MB: it fits, its images stored beside it do not
    assert len(document) < FREE < 2 * len(document)
    add_files(page, {"scans.pdf": document})
    failed = wait_status(page, "scans.pdf", "failed", timeout=60_000)
    expect(failed).to_contain_text("storage is full")
    expect(failed).to_contain_text("not retried automatically")

    cap_quota(page, None)  # space is free again: Retry goes on to the result
    failed.get_by_role("button", name="Retry scans.pdf").click()
    done = wait_status(page, "scans.pdf", "completed", timeout=60_000)
    expect(done).to_contain_text("4 images")
