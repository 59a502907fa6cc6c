"""The result viewer, driven as a person does: open it from a completed row, read page 3, search,
look at the images at full size, and compare all of it with the downloaded result; it opens after a
reload, keeps the keyboard focus where it belongs, shows hostile content as text, and opens a
2,000-page result without a long task."""

from __future__ import annotations

import json
import re

from fpdf import FPDF
from playwright.sync_api import expect

from tests import pdfs
from tests.e2e import viewer
from tests.e2e.helpers import (
    TASK_TIMEOUT_MS,
    add_files,
    assert_not_blocked,
    download,
    observe_long_tasks,
    row,
    unzip,
    wait_engine,
    wait_status,
)

SHOWN_BYTES = """async (i) => {
  const response = await fetch(document.querySelectorAll('.gallery-item img')[i].src);
  return [...new Uint8Array(await response.arrayBuffer())];
}"""


def test_viewer_shows_the_downloaded_text_search_count_and_images(open_app):
    page = open_app()
    wait_engine(page)
    add_files(page, {"words.pdf": pdfs.text_pdf(5), "pictures.pdf": pdfs.images_pdf()})
    words = unzip(download(page, wait_status(page, "words.pdf", "completed"))[1])
    pictures = unzip(download(page, wait_status(page, "pictures.pdf", "completed"))[1])

    dialog = viewer.view(page, "words.pdf")
    assert page.evaluate("document.activeElement.closest('dialog.viewer') !== null")  # focus moved in
    dialog.get_by_label("Page number").fill("3")
    dialog.get_by_label("Page number").press("Enter")
    dialog.locator('.viewer-pages[data-page="3"]').wait_for()
    expect(dialog.locator(".page-text")).to_have_text(words["text/page-0003.txt"].decode())  # filled as it is read

    texts = [data.decode() for name, data in sorted(words.items()) if name.startswith("text/")]
    expected = sum(len(re.findall("alpha", text, re.IGNORECASE)) for text in texts)
    assert expected > 0
    dialog.get_by_label("Search the text").fill("alpha")
    dialog.get_by_label("Search the text").press("Enter")
    dialog.locator(f'.search-count[data-count="{expected}"]').wait_for()
    assert dialog.locator(".page-text mark").count() >= 1

    dialog.locator(".page-text").focus()
    viewer.close(page)
    assert page.evaluate("document.activeElement.dataset.action") == "view"  # focus back on the row
    assert page.evaluate("document.activeElement.closest('li.task').querySelector('.task-name').textContent") \
        == "words.pdf"

    dialog = viewer.view(page, "pictures.pdf")
    meta = json.loads(pictures["metadata.json"])
    shown = [image for image in meta["images"] if image["mime"] in ("image/png", "image/jpeg")]
    assert len(shown) < len(meta["images"])  # the CCITT image is a TIFF, which browsers do not draw
    dialog.locator(".gallery-item").nth(len(meta["images"]) - 1).wait_for()  # the gallery renders after the dialog
    assert dialog.locator(".gallery-item").count() == len(meta["images"])
    dialog.locator(".thumb-none").filter(has_text="image/tiff cannot be shown").wait_for()
    assert dialog.locator(".gallery-item img").count() == len(shown)
    page.wait_for_function("[...document.querySelectorAll('.gallery-item img')].every(i => i.complete && "
                           "i.naturalWidth > 0 && i.src.startsWith('blob:'))")
    for index, image in enumerate(shown):
        shown = bytes(page.evaluate(SHOWN_BYTES, index))
        assert shown == pictures[f"images/{image['name']}"]
    first = meta["images"][0]
    dialog.locator(".thumb").first.click()
    full = dialog.locator(".viewer-full img")
    full.wait_for()
    page.wait_for_function("document.querySelector('.viewer-full img').naturalWidth > 0")
    assert full.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [first["width"], first["height"]]
    assert full.get_attribute("alt").startswith(first["name"])

    dialog = viewer.reopen_after_reload(page, "words.pdf")
    dialog.locator('.viewer-pages[data-page="1"]').wait_for()
    expect(dialog.locator(".page-text")).to_have_text(words["text/page-0001.txt"].decode())  # filled as it is read


def hostile_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_title("<img src=x onerror=window.__xss=1>")
    pdf.set_author("<script>window.__xss=2</script>")
    pdf.set_font("helvetica", size=11)
    pdf.add_page()
    pdf.start_section("<b onmouseover=window.__xss=3>chapter</b>")
    pdf.multi_cell(0, 6, "<script>window.__xss=4</script> <img src=y onerror=window.__xss=5>")
    return bytes(pdf.output())


def test_hostile_text_metadata_and_outline_show_literally_in_the_viewer(open_app):
    page = open_app()
    wait_engine(page)
    add_files(page, {"hostile.pdf": hostile_pdf()})
    wait_status(page, "hostile.pdf", "completed")
    dialog = viewer.view(page, "hostile.pdf")
    dialog.locator(".page-text").filter(has_text="<script>").wait_for()
    assert "<script>window.__xss=4</script>" in dialog.locator(".page-text").text_content()
    assert "<img src=x onerror=window.__xss=1>" in dialog.locator(".viewer-facts").first.text_content()
    assert dialog.locator(".outline-title").first.text_content() == "<b onmouseover=window.__xss=3>chapter</b>"
    assert dialog.locator("script, img[src='x'], img[src='y'], b").count() == 0
    assert page.evaluate("window.__xss") is None


def test_a_2000_page_result_opens_without_blocking_the_main_thread(open_app):
    page = open_app()
    wait_engine(page)
    add_files(page, {"long.pdf": pdfs.many_pages_pdf(2000, words=12)})
    wait_status(page, "long.pdf", "completed", timeout=4 * TASK_TIMEOUT_MS)
    started = observe_long_tasks(page)
    dialog = viewer.view(page, "long.pdf")
    dialog.locator(".page-text").filter(has_text="Page 1.").wait_for()
    opened = page.evaluate("performance.now()")
    dialog.get_by_label("Page number").fill("1500")
    dialog.get_by_label("Page number").press("Enter")
    dialog.locator(".page-text").filter(has_text="Page 1500.").wait_for()
    dialog.get_by_label("Search the text").fill("Page 1999.")
    dialog.get_by_label("Search the text").press("Enter")
    dialog.locator('.search-count[data-count="1"]').wait_for(timeout=60_000)
    page.wait_for_timeout(300)  # let the observer deliver the last entries
    print(f"2,000-page result: page 1 shown {opened - started:.0f} ms after the click")
    assert_not_blocked(page, "a 2,000-page result opened", started, opened)
    assert_not_blocked(page, "it turned to page 1500 and searched every page", opened)
    assert dialog.locator(".outline-title").count() == 0


def test_the_viewer_works_with_the_keyboard_alone_and_copies_an_image(open_app):
    page = open_app()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    wait_engine(page)
    add_files(page, {"words.pdf": pdfs.text_pdf(4), "pictures.pdf": pdfs.images_pdf()})
    wait_status(page, "words.pdf", "completed")
    wait_status(page, "pictures.pdf", "completed")

    row(page, "words.pdf").get_by_role("button", name="View").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Result of words.pdf")).to_be_visible()
    dialog = page.locator(viewer.DIALOG)
    dialog.locator('.viewer-pages[data-page="1"]').wait_for()
    dialog.locator(".page-text").focus()
    page.keyboard.press("ArrowRight")
    dialog.locator('.viewer-pages[data-page="2"]').wait_for()
    expect(dialog.locator(".page-text")).to_contain_text("Page 2.")
    page.keyboard.press("ArrowLeft")
    dialog.locator('.viewer-pages[data-page="1"]').wait_for()
    dialog.get_by_label("Search the text").press("ArrowRight")  # moves the caret, not the page
    page.wait_for_timeout(200)
    assert dialog.locator(".viewer-pages").get_attribute("data-page") == "1"
    dialog.locator(".page-text").focus()
    viewer.close(page)
    assert page.evaluate("document.activeElement.closest('li.task').querySelector('.task-name').textContent") \
        == "words.pdf"

    row(page, "pictures.pdf").get_by_role("button", name="View").focus()
    page.keyboard.press("Enter")
    dialog = page.locator(viewer.DIALOG)
    thumbs = dialog.locator("button.thumb")
    thumbs.nth(1).wait_for()
    thumbs.first.focus()
    page.keyboard.press("ArrowRight")
    assert thumbs.nth(1).evaluate("b => b === document.activeElement")
    page.keyboard.press("ArrowLeft")
    assert thumbs.first.evaluate("b => b === document.activeElement")
    alt = thumbs.first.locator("img").get_attribute("alt")
    assert re.fullmatch(r".+\.(png|jpg), pages? [\d, –]+", alt), alt  # its name and pages ("1–2, 5")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Close image")).to_be_focused()
    assert dialog.locator(".viewer-full img").get_attribute("alt") == alt
    dialog.get_by_role("button", name=f"Copy {alt}").click()
    expect(dialog.locator(".viewer-full .copy-status")).to_have_text("Copied")
    assert "image/png" in page.evaluate("async () => (await navigator.clipboard.read())[0].types")
