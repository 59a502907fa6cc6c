"""The PDF workbench through the UI: real progress, the zip, resume after reload, bad files."""

import json

import pytest

from dataflow.executors.pdf.options import PdfOptions
from tests import pdfs
from tests.e2e.helpers import (
    RECORD_PROGRESS,
    add_files,
    assert_not_blocked,
    download,
    long_tasks,
    progress,
    reload_at_progress,
    row,
    unzip,
    wait_engine,
    wait_status,
)


@pytest.fixture
def app(open_app):
    page = open_app()
    wait_engine(page)
    return page


def test_a_dropped_pdf_shows_rising_progress_and_its_zip_holds_the_content(app):
    app.evaluate(RECORD_PROGRESS)
    add_files(app, {"report.pdf": pdfs.text_pdf(12, title="Report"), "book.pdf": pdfs.many_pages_pdf(200, words=150)})
    wait_status(app, "book.pdf", "completed", timeout=90_000)  # more than one chunk's time (0.5 s) of pages
    seen = app.evaluate("window.__progress['book.pdf']")
    assert seen == sorted(seen) and len(set(seen)) >= 3 and seen[-1] == 100  # a page count, packaging, done
    target = wait_status(app, "report.pdf", "completed")
    assert "12 pages" in target.locator(".message").text_content()
    name, data = download(app, target)
    files = unzip(data)
    assert name == "report.zip"
    assert sorted(n for n in files if n.startswith("text/")) == [f"text/page-{i:04d}.txt" for i in range(1, 13)]
    assert files["text/page-0007.txt"].decode().startswith("Page 7.")
    meta = json.loads(files["metadata.json"])
    assert meta["page_count"] == 12 and meta["document_info"]["Title"] == "Report"
    assert [item["title"] for item in meta["outline"]][:2] == ["Chapter 1", "Chapter 2"]


MOST_RUNNING = """() => {
  window.__mostRunning = 0;
  new MutationObserver(() => {
    const running = document.querySelectorAll('li.task[data-status="running"]').length;
    window.__mostRunning = Math.max(window.__mostRunning, running);
  }).observe(document.getElementById('task-list'), {subtree: true, attributes: true, childList: true});
}"""
SECOND_WORKER = 'script[type="py"][worker][name="pdf-2"]'


def test_a_second_worker_starts_only_when_a_second_pdf_runs_beside_the_first(app):
    assert app.evaluate("navigator.hardwareConcurrency") >= 2, "needs 2 cores: the default is a worker per core"
    for name in ("alone.pdf", "after.pdf"):  # one after the other: both on the first worker
        add_files(app, {name: pdfs.text_pdf(2)})
        wait_status(app, name, "completed")
    assert app.locator(SECOND_WORKER).count() == 0  # neither the footer's version nor those tasks started it
    app.evaluate(MOST_RUNNING)
    add_files(app, {"long.pdf": pdfs.many_pages_pdf(120, words=150), "beside.pdf": pdfs.text_pdf(2)})
    wait_status(app, "beside.pdf", "completed")
    wait_status(app, "long.pdf", "completed", timeout=180_000)
    assert app.evaluate("window.__mostRunning") == 2
    assert app.locator(SECOND_WORKER).count() == 1


def test_images_come_out_as_files_without_pillow(app):
    add_files(app, {"pictures.pdf": pdfs.images_pdf()})
    target = wait_status(app, "pictures.pdf", "completed")
    files = unzip(download(app, target)[1])
    images = sorted(n for n in files if n.startswith("images/"))
    assert len(images) == 6
    assert {n.rsplit(".", 1)[1] for n in images} == {"png", "jpg", "tiff"}
    assert all(files[n][:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"II*\x00") for n in images)


def test_bad_files_end_with_clear_messages_while_a_good_one_completes(app):
    add_files(app, {"broken.pdf": b"%PDF-1.7\n" + b"\x00garbage" * 200,
                    "locked.pdf": pdfs.encrypted_pdf("letmein"),
                    "notes.pdf": b"Just some notes, not a PDF at all.\n",
                    "empty.pdf": b"",
                    "good.pdf": pdfs.text_pdf(3)})
    wait_status(app, "good.pdf", "completed")
    broken = wait_status(app, "broken.pdf", "failed")
    assert "damaged" in broken.locator(".error-message").text_content()
    assert "not a PDF" in wait_status(app, "notes.pdf", "failed").locator(".error-message").text_content()
    assert "empty" in wait_status(app, "empty.pdf", "failed").locator(".error-message").text_content()
    locked = wait_status(app, "locked.pdf", "failed")
    assert locked.locator(".badge").text_content() == "Needs password"
    assert "password" in locked.locator(".error-message").text_content()
    for attempt, expected in (("wrong", "not correct"), ("letmein", None)):
        locked.get_by_label("Password for locked.pdf").fill(attempt)
        locked.get_by_role("button", name="Unlock").click()
        if expected:
            app.wait_for_function("""() => [...document.querySelectorAll('li.task')].some(r =>
                r.textContent.includes('locked.pdf') && r.textContent.includes('not correct'))""", timeout=60_000)
    wait_status(app, "locked.pdf", "completed")


def test_reload_mid_document_resumes_from_the_checkpoint_with_the_same_output(app, run_reference):
    data = pdfs.many_pages_pdf(1000, words=150)  # several chunks of 0.5 s, so the reload lands mid-way
    add_files(app, {"long.pdf": data})
    target = row(app, "long.pdf")
    app.wait_for_function("""() => {
        const bar = document.querySelector('li.task [role=progressbar]');
        return bar && Number(bar.getAttribute('aria-valuenow')) >= 15;
    }""", timeout=90_000)
    saved = app.evaluate("""() => Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
                              .map(k => JSON.parse(localStorage.getItem(k)).task)""")
    checkpoint = saved[0]["checkpoint"]["next_page"]
    assert 0 < checkpoint < 1000
    app.reload()
    app.wait_for_selector('body[data-app-state="ready"]', state="attached")
    restored = row(app, "long.pdf")
    restored.wait_for()
    assert progress(restored) >= 95 * checkpoint / 1000 - 1  # shown where it was, not from zero
    target = wait_status(app, "long.pdf", "completed", timeout=180_000)
    state = app.evaluate("""() => JSON.parse(localStorage.getItem(Object.keys(localStorage)
                              .find(k => k.startsWith('dataflow.task.')))).task""")
    assert [a["outcome"] for a in state["attempts"]] == ["interrupted", "completed"]
    assert state["retry_count"] == 0
    files = unzip(download(app, target)[1])
    assert files == run_reference(data, "long.pdf", PdfOptions())


STORED_KEYS = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("dataflow");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const request = open.result.transaction("blobs").objectStore("blobs").getAllKeys();
        request.onsuccess = () => { open.result.close(); resolve(request.result.map(String)); };
        request.onerror = () => reject(request.error);
    };
})"""
SAVED_TASK = """() => JSON.parse(localStorage.getItem(Object.keys(localStorage)
                     .find(k => k.startsWith('dataflow.task.')))).task"""


def wait_for_keys(page, condition, timeout: float = 90.0) -> list[str]:
    """Poll the page's IndexedDB keys until `condition(keys)` holds (an IndexedDB read is async, which
    wait_for_function does not await)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        keys = page.evaluate(STORED_KEYS)
        if condition(keys):
            return keys
        assert time.monotonic() < deadline, f"stored keys never matched: {keys}"
        page.wait_for_timeout(100)


def test_a_reload_inside_finishing_completes_with_the_output_of_an_uninterrupted_run(open_app, run_reference):
    page = open_app("?finish_delay=5")  # holds each finish for 5 s between storing the result and completing
    wait_engine(page)
    data = pdfs.text_pdf(12, title="Finishing")
    add_files(page, {"finishing.pdf": data})
    wait_for_keys(page, lambda keys: any(k.startswith("result:") and k.endswith(":summary") for k in keys))
    saved = page.evaluate(SAVED_TASK)
    assert saved["status"] == "running" and saved["checkpoint"]["next_page"] == 12  # inside finishing
    parts = [k for k in page.evaluate(STORED_KEYS) if k.startswith("part:")]
    assert parts and all(":chunk:" in k for k in parts)  # the chunks' records are kept until completed is saved
    page.reload()
    page.wait_for_selector('body[data-app-state="ready"]', state="attached")
    target = wait_status(page, "finishing.pdf", "completed", timeout=120_000)
    assert "12 pages" in target.locator(".message").text_content()
    state = page.evaluate(SAVED_TASK)
    assert [a["outcome"] for a in state["attempts"]] == ["interrupted", "completed"]
    assert state["result"]["result_key"].endswith(":" + saved["checkpoint"]["run"])  # the run's own result
    files = unzip(download(page, target)[1])
    assert files == run_reference(data, "finishing.pdf", PdfOptions())
    wait_for_keys(page, lambda keys: not any(k.startswith("part:") for k in keys))  # deleted once completed is saved
    target.get_by_role("button", name="Remove").click()
    wait_for_keys(page, lambda keys: keys == [])


def test_the_main_thread_is_not_blocked_while_a_long_pdf_is_processed(measured_app):
    page = measured_app
    page.wait_for_timeout(500)  # let the last start-up work settle before the measured window
    started = page.evaluate("performance.now()")
    add_files(page, {"book.pdf": pdfs.many_pages_pdf(120, words=150)})
    wait_status(page, "book.pdf", "completed", timeout=180_000)
    finished = page.evaluate("performance.now()")
    assert finished - started > 1000  # the measured window really covers the processing
    assert long_tasks(page, until=started)  # the observer works: the boot has some
    assert_not_blocked(page, "a 120-page PDF was processed", started, finished)
    page.close()


def test_a_page_that_hangs_the_worker_is_stopped_by_the_watchdog_and_others_go_on(open_app):
    page = open_app("?workers=1&page_timeout=1")
    wait_engine(page)
    add_files(page, {"hostile.pdf": pdfs.slow_page_pdf(), "after.pdf": pdfs.text_pdf(2)})
    hostile = wait_status(page, "hostile.pdf", "failed", timeout=120_000)
    message = hostile.locator(".error-message").text_content()
    assert "took longer than" in message and "restarted" in message
    assert page.locator('script[type="py"][worker][name="pdf-1-r1"]').count() == 1
    assert page.locator('script[type="py"][worker][name="pdf-1"]').count() == 0
    wait_status(page, "after.pdf", "completed", timeout=120_000)


def test_files_dropped_on_the_drop_zone_are_processed(app):
    data = list(pdfs.text_pdf(2))
    app.evaluate("""(bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], "dropped.pdf", {type: "application/pdf"}));
        const zone = document.getElementById("drop-zone");
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", data)
    target = wait_status(app, "dropped.pdf", "completed")
    assert "2 pages" in target.locator(".message").text_content()


def test_an_aes_256_pdf_is_unlocked_and_processed_in_the_browser(app):
    from pathlib import Path

    data = (Path(__file__).resolve().parents[1] / "fixtures" / "aes256-password.pdf").read_bytes()
    add_files(app, {"aes.pdf": data})
    target = wait_status(app, "aes.pdf", "failed")
    assert target.locator(".badge").text_content() == "Needs password"
    target.get_by_label("Password for aes.pdf").fill("secret")
    target.get_by_role("button", name="Unlock").click()
    target = wait_status(app, "aes.pdf", "completed")
    files = unzip(download(app, target)[1])
    assert files["text/page-0002.txt"].decode().startswith("Page 2.")


def test_a_file_no_kind_takes_gets_a_row_that_says_which_files_the_app_takes(app):
    add_files(app, {"photo.jpg": b"\xff\xd8\xff\xe0 not a pdf"}, mime="image/jpeg")
    target = wait_status(app, "photo.jpg", "failed")
    assert target.locator(".error-message").text_content() == \
        "photo.jpg is not a file this app can process. It takes PDF files (.pdf) or " \
        "JSON files (.json, .jsonl, .ndjson, and the same as .zst)."
    assert app.get_attribute("#file-input", "accept").startswith("application/pdf,.pdf,")


def test_the_options_form_is_built_for_the_pdf_kind_and_remembered(app):
    form = app.locator('fieldset[data-kind="pdf"]')  # every kind has its own form: labels repeat
    assert form.locator("legend").text_content() == "Options for PDFs"
    form.get_by_label("Extract").select_option("text")
    form.get_by_label("Maximum images").fill("3")
    form.get_by_label("Maximum images").dispatch_event("change")
    app.reload()
    app.wait_for_selector('body[data-app-state="ready"]', state="attached")
    assert form.get_by_label("Extract").input_value() == "text"
    assert form.get_by_label("Maximum images").input_value() == "3"
    assert form.get_by_label("Output").input_value() == "zip"


def test_after_a_reload_a_task_asks_for_its_password_again_then_goes_on(app):
    import io

    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdfs.many_pages_pdf(250, words=150)))
    writer.encrypt(user_password="letmein", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    add_files(app, {"vault.pdf": out.getvalue()})
    target = wait_status(app, "vault.pdf", "failed")
    target.get_by_label("Password for vault.pdf").fill("letmein")
    target.get_by_role("button", name="Unlock").click()
    reload_at_progress(app, 10, timeout=90_000)
    target = wait_status(app, "vault.pdf", "failed")
    assert target.locator(".badge").text_content() == "Needs password"
    assert "needs its password again" in target.locator(".error-message").text_content()
    saved = app.evaluate("() => Object.keys(localStorage).map(k => localStorage.getItem(k)).join('\\n')")
    assert '"secret_names":["password"]' in saved and "letmein" not in saved
    target.get_by_label("Password for vault.pdf").fill("letmein")
    target.get_by_role("button", name="Unlock").click()
    target = wait_status(app, "vault.pdf", "completed", timeout=180_000)
    assert "250 pages" in target.locator(".message").text_content()
