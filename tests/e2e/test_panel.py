"""The TaskManager panel through the UI: rows and actions for each status, panel options,
text-only rendering of hostile strings, start-up warnings, and two tabs sharing one runner."""

import pytest
from playwright.sync_api import expect

from tests import pdfs
from tests.e2e.conftest import wait_for_app_state, watch_page
from tests.e2e.helpers import (
    add_files,
    assert_not_blocked,
    finished_history,
    observe_long_tasks,
    progress,
    row,
    wait_engine,
    wait_status,
)

LONG = pdfs.many_pages_pdf(1500, words=150)  # a few seconds in chunks of 0.5 s: room to pause, cancel or close mid-way
ALL_ACTIONS = ("Pause", "Resume", "Cancel", "Retry", "Download", "Remove")


@pytest.fixture
def app(open_app):
    page = open_app("?workers=1")
    wait_engine(page)
    return page


def visible_actions(target) -> list[str]:
    return [name for name in ALL_ACTIONS if target.get_by_role("button", name=f"{name} ").first.is_visible()]


def wait_progress(page, name: str, at_least: float) -> None:
    page.wait_for_function("""([name, least]) => [...document.querySelectorAll('li.task')].some(r =>
        r.querySelector('.task-name').textContent === name &&
        Number(r.querySelector('[role=progressbar]').getAttribute('aria-valuenow')) >= least)""",
                           arg=[name, at_least], timeout=90_000)


def saved_task(page, name: str) -> dict:
    return page.evaluate("""(name) => Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
        .map(k => JSON.parse(localStorage.getItem(k)).task).find(t => t.name === name)""", name)


def stored_keys(page) -> list[str]:
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('dataflow');
        open.onsuccess = () => {
          const request = open.result.transaction('blobs').objectStore('blobs').getAllKeys();
          request.onsuccess = () => { resolve(request.result.map(String)); open.result.close(); };
          request.onerror = () => reject(request.error);
        };
        open.onerror = () => reject(open.error);
    })""")


def test_running_queued_paused_and_resumed_rows(app):
    add_files(app, {"first.pdf": LONG, "second.pdf": pdfs.text_pdf(3)})
    first = row(app, "first.pdf")
    wait_progress(app, "first.pdf", 5)
    assert first.get_attribute("data-status") == "running"
    assert first.locator(".badge").text_content() == "Running"
    assert first.locator(".attempt").text_content() == "Attempt 1 of 4"
    assert first.locator(".elapsed").text_content().startswith("Elapsed ")
    assert first.locator(".message").text_content().startswith("Page ")
    assert visible_actions(first) == ["Pause", "Cancel", "Remove"]
    second = wait_status(app, "second.pdf", "pending")
    assert second.locator(".badge").text_content() == "Queued"
    track, fill = second.locator(".bar").evaluate(
        "bar => [bar, bar.firstElementChild].map(part => getComputedStyle(part).backgroundColor)")
    assert track != fill  # a queued row's empty bar does not look full (the viewer's .bar once styled it)
    assert visible_actions(second) == ["Pause", "Cancel", "Remove"]

    first.get_by_role("button", name="Pause first.pdf").click()
    wait_status(app, "first.pdf", "paused")
    assert visible_actions(first) == ["Resume", "Cancel", "Remove"]
    paused_at = progress(first)
    assert 0 < paused_at < 100
    wait_status(app, "second.pdf", "completed")  # the queue moved on while first.pdf was paused
    assert progress(first) == paused_at
    assert visible_actions(second) == ["Download", "Remove"]

    first.focus()
    first.get_by_role("button", name="Resume first.pdf").press("Enter")  # reachable by keyboard
    wait_status(app, "first.pdf", "completed", timeout=180_000)
    outcomes = [a["outcome"] for a in saved_task(app, "first.pdf")["attempts"]]
    assert outcomes == ["paused", "completed"]


def test_a_task_paused_while_its_worker_boots_pauses_at_once_and_the_boot_is_not_running_time(open_app):
    page = open_app("?workers=1")  # not waiting for the engine: the first task finds its worker booting
    add_files(page, {"early.pdf": pdfs.text_pdf(1)})
    target = row(page, "early.pdf")
    expect(target.locator(".message")).to_have_text("Starting the PDF engine…")
    target.get_by_role("button", name="Pause early.pdf").click()
    wait_status(page, "early.pdf", "paused")
    assert page.evaluate("document.body.dataset.engineState") != "ready"  # paused before the boot ended
    assert target.locator(".message").text_content() == ""
    first = saved_task(page, "early.pdf")["attempts"][0]
    assert first["outcome"] == "paused" and first["waited"] > 0  # the boot so far: a wait, not running time
    wait_engine(page)  # the boot went on meanwhile: the resumed task finds its worker ready
    target.get_by_role("button", name="Resume early.pdf").click()
    wait_status(page, "early.pdf", "completed")
    assert [a["outcome"] for a in saved_task(page, "early.pdf")["attempts"]] == ["paused", "completed"]


def test_cancel_stops_a_running_task_and_retry_runs_it_again(app):
    add_files(app, {"long.pdf": LONG})
    target = row(app, "long.pdf")
    wait_progress(app, "long.pdf", 5)
    target.get_by_role("button", name="Cancel long.pdf").click()
    wait_status(app, "long.pdf", "cancelled")
    assert target.locator(".badge").text_content() == "Cancelled"
    assert target.locator(".message").text_content() == ""  # no running-time progress message under Cancelled
    assert visible_actions(target) == ["Retry", "Remove"]
    stopped_at = progress(target)
    assert stopped_at < 95
    target.get_by_role("button", name="Retry long.pdf").click()
    wait_status(app, "long.pdf", "completed", timeout=180_000)
    outcomes = [a["outcome"] for a in saved_task(app, "long.pdf")["attempts"]]
    assert outcomes == ["cancelled", "completed"]


def test_failed_row_shows_its_error_and_retry_tries_again(app):
    add_files(app, {"notes.pdf": b"plain text, not a PDF\n"})
    target = wait_status(app, "notes.pdf", "failed")
    assert target.locator(".badge").text_content() == "Failed"
    assert "not a PDF" in target.locator(".error-message").text_content()
    assert not target.locator(".error-details").is_visible()
    target.locator("summary").click()
    assert target.locator(".error-details").text_content() == "NotAPdfError on attempt 1"  # no traceback
    assert visible_actions(target) == ["Retry", "Remove"]
    target.get_by_role("button", name="Retry notes.pdf").click()
    app.wait_for_function("""() => Object.keys(localStorage).filter(k => k.startsWith('dataflow.task.'))
        .map(k => JSON.parse(localStorage.getItem(k)).task).some(t => t.attempts.length === 2 &&
        t.status === 'failed')""", timeout=60_000)
    assert target.get_attribute("data-status") == "failed"


def test_remove_deletes_the_row_the_saved_task_and_the_stored_files(app):
    add_files(app, {"keep.pdf": pdfs.text_pdf(2), "drop.pdf": pdfs.text_pdf(2)})
    wait_status(app, "keep.pdf", "completed")
    target = wait_status(app, "drop.pdf", "completed")
    task = saved_task(app, "drop.pdf")
    owned = {f"file:{task['input']['file_id']}", task["result"]["result_key"]}
    assert owned <= set(stored_keys(app))
    target.get_by_role("button", name="Remove drop.pdf").click()
    target.wait_for(state="detached")
    assert saved_task(app, "drop.pdf") is None
    for _ in range(300):  # an IndexedDB read is async: wait_for_function would not await it
        if not [key for key in stored_keys(app) if key in owned or task["id"] in key]:
            break
        app.wait_for_timeout(100)
    assert not [key for key in stored_keys(app) if key in owned or task["id"] in key]
    kept = saved_task(app, "keep.pdf")
    assert kept["result"]["result_key"] in stored_keys(app)


# Pixels left in a number field once its placeholder is drawn beside Chromium's spin buttons (~15 px).
PLACEHOLDER_ROOM = """field => { const style = getComputedStyle(field), pen = document.createElement('canvas')
    .getContext('2d'); pen.font = style.font;
    return field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20
        - pen.measureText(field.placeholder).width; }"""


def test_hide_completed_and_keep_at_most_are_applied_and_remembered(app):
    add_files(app, {"a.pdf": pdfs.text_pdf(1), "b.pdf": pdfs.text_pdf(1)})
    wait_status(app, "a.pdf", "completed")
    wait_status(app, "b.pdf", "completed")
    add_files(app, {"c.pdf": b"not a pdf"})
    wait_status(app, "c.pdf", "failed")
    app.get_by_label("Hide completed").check()
    assert not row(app, "a.pdf").is_visible() and not row(app, "b.pdf").is_visible()
    assert row(app, "c.pdf").is_visible()
    assert "2 completed (hidden)" in app.text_content("#task-summary")
    app.reload()
    assert wait_for_app_state(app) == "ready"
    assert app.get_by_label("Hide completed").is_checked()
    assert not row(app, "a.pdf").is_visible()
    app.get_by_label("Hide completed").uncheck()
    keep = app.get_by_label("Keep completed (at most)")
    for width in (1280, 360):  # its placeholder ("all (up to 2,000)") is whole, wide page or narrow
        app.set_viewport_size({"width": width, "height": 800})
        assert keep.evaluate(PLACEHOLDER_ROOM) >= 0, f"the placeholder is cut at {width} px"
        assert app.evaluate("document.documentElement.scrollWidth") <= width, f"the page scrolls sideways at {width} px"
    keep.fill("1")
    keep.dispatch_event("change")
    row(app, "a.pdf").wait_for(state="detached")
    assert row(app, "b.pdf").is_visible() and row(app, "c.pdf").is_visible()


def test_clear_finished_asks_in_the_page_then_removes_every_finished_task(app):
    clear, question = app.get_by_role("button", name="Clear finished"), app.get_by_role("alertdialog")
    clear.click()  # nothing finished: it says why, beside the button
    expect(question).to_have_accessible_name("Nothing to clear: there are no tasks.")
    expect(question.get_by_role("button", name="Remove")).to_be_hidden()
    question.get_by_role("button", name="OK").press("Enter")
    expect(question).to_be_hidden()
    expect(clear).to_be_focused()
    add_files(app, {"x.pdf": pdfs.text_pdf(1), "y.pdf": b""})
    wait_status(app, "x.pdf", "completed")
    wait_status(app, "y.pdf", "failed")
    clear.click()
    expect(question).to_have_accessible_name("Remove 2 finished tasks and delete 1 stored result? This cannot be "
                                             "undone.")
    expect(question.get_by_role("button", name="Keep them")).to_be_focused()
    app.keyboard.press("Escape")  # kept: nothing removed, focus back on the button that asked
    expect(question).to_be_hidden()
    expect(clear).to_be_focused()
    assert app.locator("li.task").count() == 2
    clear.click()
    app.keyboard.press("Shift+Tab")  # to "Remove", by keyboard
    app.keyboard.press("Enter")
    app.wait_for_function("document.querySelectorAll('li.task').length === 0")
    assert app.text_content("#task-summary").startswith("No tasks yet")


def test_hostile_file_names_and_pdf_titles_show_as_text_and_run_nothing(app):
    name = "<img src=x onerror=window.__xss=1>.pdf"
    title = "<script>window.__xss=2</script><b>bold</b>"
    spoof = "evil\u202efdp.exe.pdf"  # a right-to-left override would show it as "evilexe.pdf"
    add_files(app, {name: pdfs.text_pdf(2, title=title), spoof: pdfs.text_pdf(1)})
    target = wait_status(app, name, "completed")
    assert target.locator(".task-name").text_content() == name
    shown = wait_status(app, "evil⟨U+202E⟩fdp.exe.pdf", "completed").locator(".task-name")
    assert shown.text_content() == "evil⟨U+202E⟩fdp.exe.pdf" and shown.get_attribute("dir") == "auto"
    assert title in target.locator(".message").text_content()
    assert app.evaluate("window.__xss") is None
    assert app.locator("#task-list img, #task-list script, #task-list b").count() == 0


def test_corrupt_saved_state_is_reported_on_the_page_and_the_rest_loads(app):
    add_files(app, {"fine.pdf": pdfs.text_pdf(1)})
    wait_status(app, "fine.pdf", "completed")
    app.evaluate("localStorage.setItem('dataflow.task.broken', '{not json')")
    app.reload()
    assert wait_for_app_state(app) == "ready"
    notice = app.locator(".notice", has_text="could not be read")
    notice.wait_for()
    assert row(app, "fine.pdf").get_attribute("data-status") == "completed"
    notice.get_by_role("button", name="Dismiss").click()
    notice.wait_for(state="detached")


def test_two_tabs_run_a_task_once_and_both_show_it(app, context, watch):
    follower = watch_page(context.new_page(), watch)
    follower.goto("index.html?workers=1")
    assert wait_for_app_state(follower) == "ready"
    assert app.evaluate("document.body.dataset.role") == "leader"
    assert follower.evaluate("document.body.dataset.role") == "follower"
    add_files(follower, {"shared.pdf": pdfs.text_pdf(6)})  # added in the follower, run by the leader
    wait_status(app, "shared.pdf", "completed")
    wait_status(follower, "shared.pdf", "completed")
    task = saved_task(app, "shared.pdf")
    assert len(task["attempts"]) == 1  # executed once
    assert follower.evaluate("document.querySelectorAll('li.task').length") == 1
    follower.get_by_label("Hide completed").check()  # a setting saved in one tab applies in the other
    expect(app.get_by_label("Hide completed")).to_be_checked()
    expect(row(app, "shared.pdf")).to_be_hidden()
    app.get_by_label("Hide completed").uncheck()
    expect(follower.get_by_label("Hide completed")).not_to_be_checked()
    row(follower, "shared.pdf").get_by_role("button", name="Remove shared.pdf").click()  # acted on in follower
    row(app, "shared.pdf").wait_for(state="detached")
    follower.close()


def test_when_the_running_tab_closes_the_other_takes_over_from_the_checkpoint(context, watch):
    leader = watch_page(context.new_page(), watch)
    leader.goto("index.html?workers=1")
    assert wait_for_app_state(leader) == "ready"
    wait_engine(leader)
    follower = watch_page(context.new_page(), watch)
    follower.goto("index.html?workers=1")
    assert wait_for_app_state(follower) == "ready"
    wait_engine(follower)
    add_files(leader, {"handover.pdf": LONG})
    wait_progress(follower, "handover.pdf", 10)  # the follower sees the progress live
    seen = progress(row(follower, "handover.pdf"))
    wait_progress(follower, "handover.pdf", seen + 5)
    leader.close(run_before_unload=True)
    follower.wait_for_selector('body[data-role="leader"]', state="attached", timeout=30_000)
    wait_status(follower, "handover.pdf", "completed", timeout=180_000)
    task = saved_task(follower, "handover.pdf")
    assert [a["outcome"] for a in task["attempts"]] == ["interrupted", "completed"]
    assert task["retry_count"] == 0
    follower.close()


def test_two_thousand_finished_tasks_make_a_virtual_list_that_scrolls_to_the_oldest_without_blocking(app):
    app.evaluate("(records) => { for (const [k, v] of records) localStorage.setItem(k, v); }",
                 finished_history(2000))
    app.reload()
    assert wait_for_app_state(app) == "ready"
    newest = row(app, "archive-1999.pdf")
    newest.wait_for()
    assert newest.get_attribute("aria-posinset") == "1" and newest.get_attribute("aria-setsize") == "2000"
    assert app.text_content("#task-summary") == "2000 tasks · 2000 completed"
    built = app.evaluate("document.querySelectorAll('li.task').length")
    assert 0 < built < 200  # the rows in view, not 2,000
    wait_engine(app)
    app.wait_for_timeout(3000)  # start-up's own work (the blob janitor's first sweep) is over
    watched = observe_long_tasks(app)

    listing = app.get_by_role("list", name="Tasks")
    listing.focus()  # reachable by keyboard: End scrolls the list to its oldest task
    oldest = row(app, "archive-0000.pdf")
    for _ in range(20):  # spacers are sized from measured rows: the end may move as rows are built
        listing.press("End")
        app.wait_for_timeout(200)
        if oldest.count():
            break
    oldest.wait_for()
    assert oldest.get_attribute("aria-posinset") == "2000"
    oldest.get_by_role("button", name="Remove archive-0000.pdf").wait_for()
    scrolled = app.evaluate("performance.now()")
    assert_not_blocked(app, "End scrolled 2,000 rows to the oldest", watched, scrolled)

    app.get_by_label("Hide completed").check()
    app.wait_for_function("document.querySelectorAll('li.task').length === 0")
    assert "2000 completed (hidden)" in app.text_content("#task-summary")
    app.get_by_label("Hide completed").uncheck()
    newest.wait_for()
    app.wait_for_timeout(1500)  # a clock tick or two of the panel
    assert_not_blocked(app, "Hide completed hid and showed 2,000 rows, then the clock ticked", scrolled)
