"""LLM enrichment through the page, against the loopback OpenAI-compatible test server: a record file
enriched completely; a reload mid-way that sends no finished record again; a provider's Retry-After
honoured; pause stopping requests; failed records counted as they fail and a cancelled row saying
how far it got; a wrong key then a right one; the key found nowhere in the page's
storage or messages; a completed PDF task's pages enriched; only the failed records of a completed
enrichment sent again, after a reload, into the full run's file. The server's origin is the only one
besides the page's that the page may call (it is the endpoint the test types)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import math
import re
import time

import pytest
from playwright.sync_api import expect

from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.clock import SystemClock
from dataflow.core.executor import ExecutionContext
from dataflow.executors.llm.executor import LlmExecutor
from dataflow.executors.llm.options import API_KEY
from dataflow.executors.llm.stream_transport import StreamTransport
from tests import pdfs
from tests.e2e.conftest import wait_for_app_state
from tests.e2e.helpers import (
    add_files,
    assert_not_blocked,
    download,
    progress,
    row,
    running_window,
    wait_engine,
    wait_status,
)
from tests.llm_server import GOOD_KEY, MODEL, LlmTestServer, Reply

TEXT_PATH = "fields.description"


def make_records(count: int) -> list[dict]:
    moods = ["good", "bad", "plain"]
    return [{"id": index, "fields": {"description": f"rec-{index:04d} Alice works at ACME on model X{index} "
                                                    f"and it is {moods[index % 3]}"}} for index in range(count)]


def as_jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode()


@pytest.fixture
def server(watch):
    with LlmTestServer() as running:
        watch.allowed.add(running.base_url.removesuffix("/v1"))
        yield running


@pytest.fixture
def app(open_app):
    page = open_app()
    wait_engine(page)
    return page


def configure(page, server: LlmTestServer, *, key: str = GOOD_KEY, rpm: int = 0, concurrency: int = 4,
              text_path: str = TEXT_PATH) -> None:
    """Fill the provider section as a person does."""
    section = page.locator("#llm-section")
    section.get_by_label("Base URL").fill(server.base_url)
    section.get_by_label("Model").fill(MODEL)
    section.get_by_label("API key").fill(key)
    section.get_by_label("Requests per minute (0: no limit)").fill(str(rpm))
    section.get_by_label("Requests in flight per task").fill(str(concurrency))
    section.get_by_label("Text field", exact=False).fill(text_path)
    section.get_by_label("Text field", exact=False).dispatch_event("change")


def enrich_file(page, name: str, data: bytes) -> None:
    page.set_input_files("#llm-file-input", [{"name": name, "mimeType": "", "buffer": data}])


def reference(records: list[dict]) -> bytes:
    """The output an uninterrupted run makes: the same executor under CPython, its own server."""

    class Source:
        async def records(self, input):  # noqa: A002
            return records

    async def go() -> bytes:
        with LlmTestServer() as other:
            blobs = MemoryBlobStore()
            executor = LlmExecutor(transport=StreamTransport(), source=Source(), blobs=blobs, clock=SystemClock())
            ctx = ExecutionContext(task_id="t", attempt=1, checkpoint_data=None, on_progress=lambda *_: None,
                                   on_checkpoint=lambda _: None, stop_requested=lambda: None,
                                   secrets={API_KEY: GOOD_KEY})
            options = {"base_url": other.base_url, "model": MODEL, "text_path": TEXT_PATH, "requests_per_minute": 0}
            result = await executor.execute({"name": "r.jsonl", "options": options}, ctx)
            value = blobs.data[result["result_key"]]
            return value.encode() if isinstance(value, str) else bytes(value)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's loop owns this thread
        return pool.submit(asyncio.run, go()).result()


def test_a_record_file_is_enriched_completely(app, server):
    records = make_records(200)
    configure(app, server, concurrency=8)
    app.get_by_role("button", name="Test connection").click()
    expect(app.locator("#llm-test-result")).to_contain_text(f"Connected: {MODEL} answered in")
    assert server.count() == 1
    server.log.clear()
    enrich_file(app, "people.jsonl", as_jsonl(records))
    target = wait_status(app, "people.jsonl", "completed", timeout=180_000)
    assert "200 records" in target.locator(".message").text_content()
    name, data = download(app, target)
    assert name == "people.enriched.jsonl"
    lines = [json.loads(line) for line in data.decode().splitlines()]
    assert [line["id"] for line in lines] == list(range(200))
    assert all("summary" in line["llm"] and line["llm"]["sentiment"] in ("positive", "negative", "neutral")
               for line in lines)
    assert server.count() == 200
    assert data == reference(records)
    name, summary = download(app, target, "Download summary")
    summary = summary.decode()
    assert name == "people.summary.md" and "- Model: `test-model`" in summary
    assert "- Records: 200 (200 enriched, 0 failed, 0 cut to the length limit)" in summary
    message = target.locator(".message").text_content()
    tokens_in, tokens_out = re.search(r"([\d,]+) tokens in, ([\d,]+) out", message).groups()
    assert f"- Requests: 200; tokens in: {tokens_in}, out: {tokens_out}" in summary  # the row's own figures
    assert "| acme | 200 |" in summary and "| alice | 200 |" in summary  # every record names both
    assert "| negative | 67 |" in summary and "| neutral | 66 |" in summary and "| positive | 67 |" in summary
    assert "Records that failed" not in summary


def start_slow(page, server: LlmTestServer, name: str, count: int, seconds: float) -> tuple[list[dict], object]:
    """Enrich `count` records whose every answer waits `seconds`, four in flight: (records, row)."""
    records = make_records(count)
    server.script("rec-", *[Reply(delay=seconds) for _ in range(1000)])
    configure(page, server, concurrency=4)
    enrich_file(page, name, as_jsonl(records))
    return records, row(page, name)


def only_status_errors(watch) -> None:
    """The console errors a test expects: Chromium logs each HTTP error answer as a failed load."""
    errors = watch.expect_errors()
    assert all("Failed to load resource" in text for text in errors), errors


def per_record_counts(server: LlmTestServer, count: int) -> list[int]:
    return [server.count(f"rec-{index:04d} ") for index in range(count)]


def test_a_reload_sends_no_finished_record_again_and_the_output_equals_an_uninterrupted_run(app, server):
    records, target = start_slow(app, server, "reload.jsonl", 120, 0.15)
    app.wait_for_function("""() => { const bar = document.querySelector('li.task [role="progressbar"]');
                                      return bar && Number(bar.getAttribute('aria-valuenow')) >= 25; }""",
                          timeout=120_000)
    app.reload()
    assert wait_for_app_state(app) == "ready"
    target = wait_status(app, "reload.jsonl", "failed")
    assert target.locator(".badge").text_content() == "Needs API key"
    done_before = server.count()
    assert 0 < done_before < 120
    expect(target.locator(".message")).to_have_text(re.compile(r"^Stopped after \d+ of 120 records$"))
    expect(target.locator(".attempt")).to_have_text("Attempt 1: waiting for the API key")
    expect(target).to_have_attribute("data-waiting", "secret")  # shown as waiting for the user, not as failed
    target.get_by_label("API key for reload.jsonl").fill(GOOD_KEY)
    target.get_by_role("button", name="Use this key").click()
    target = wait_status(app, "reload.jsonl", "completed", timeout=180_000)
    expect(target).not_to_have_attribute("data-waiting", "secret")
    counts = per_record_counts(server, 120)
    assert min(counts) == 1 and sum(counts) - 120 <= 4, counts  # at most the four in flight were sent again
    assert download(app, target)[1] == reference(records)


def test_after_a_reload_the_key_typed_again_in_the_provider_section_unlocks_every_waiting_task(app, server, watch):
    server.script("rec-", *[Reply(delay=0.2) for _ in range(1000)])
    with LlmTestServer() as other:  # a second provider, whose long wait holds only its own tasks
        watch.allowed.add(other.base_url.removesuffix("/v1"))
        other.script("wait-", Reply.rate_limited({"Retry-After": "600"}))  # over long_wait: the task waits
        configure(app, other)
        enrich_file(app, "later.jsonl", as_jsonl([{"id": 0, "fields": {"description": "wait-0000 Alice at ACME"}}]))
        expect(row(app, "later.jsonl").locator(".badge")).to_have_text("Waiting to retry")
        configure(app, server, concurrency=2)
        enrich_file(app, "first.jsonl", as_jsonl(make_records(30)))
        enrich_file(app, "second.jsonl", as_jsonl(make_records(30)))
        row(app, "second.jsonl").wait_for()
        expect(row(app, "first.jsonl").locator(".message")).to_have_text(re.compile(r"^([2-9]|[1-9]\d)\b"),
                                                                          timeout=120_000)  # 2 records or more done
        app.reload()
        assert wait_for_app_state(app) == "ready"
        wait_engine(app)
        for name in ("first.jsonl", "second.jsonl", "later.jsonl"):
            assert wait_status(app, name, "failed").locator(".badge").text_content() == "Needs API key"
        later = row(app, "later.jsonl")  # asks now, not in 10 minutes, and its wait goes on meanwhile
        expect(later.locator(".retry-in")).to_have_text(re.compile(r"Retrying in 9:\d\d once the API key is entered"))
        key = app.locator("#llm-section").get_by_label("API key")
        assert key.input_value() == ""  # memory only: gone with the reload
        key.fill(GOOD_KEY)
        key.press("Tab")  # one action for every waiting task of this provider
        expect(app.locator("#notices")).to_contain_text(f"The key was given to 2 tasks of {server.base_url}")
        later.get_by_label("API key for later.jsonl").fill(GOOD_KEY)
        later.get_by_role("button", name="Use this key").click()
        expect(later.locator(".badge")).to_have_text("Waiting to retry")
        expect(later.locator(".retry-in")).to_have_text(re.compile(r"^Retrying in 9:\d\d$"))
        for name in ("first.jsonl", "second.jsonl"):
            wait_status(app, name, "completed", timeout=180_000)
        assert min(per_record_counts(server, 30)) == 2  # each file's records: one request each per file
        assert other.count("wait-") == 1  # the provider's wait is honoured across the reload
    only_status_errors(watch)


def test_a_retry_after_of_two_seconds_delays_that_record_at_least_two_seconds(app, server, watch):
    records = make_records(10)
    server.script("rec-0003 ", Reply.rate_limited({"Retry-After": "2"}))
    configure(app, server, concurrency=2)
    enrich_file(app, "limited.jsonl", as_jsonl(records))
    wait_status(app, "limited.jsonl", "completed", timeout=120_000)
    first, second = [entry["time"] for entry in server.requests_for("rec-0003 ")]
    assert second - first >= 2.0
    only_status_errors(watch)


def test_pause_stops_requests_within_a_second_and_resume_finishes(app, server):
    records, target = start_slow(app, server, "stopping.jsonl", 60, 0.3)
    app.wait_for_function("() => parseInt(document.querySelector('li.task .message')?.textContent || '0') >= 8",
                          timeout=120_000)  # "8 of 60 records · …" or more (reports come at most 4 a second)
    target.get_by_role("button", name="Pause").click()
    paused_at = time.time()
    target = wait_status(app, "stopping.jsonl", "paused")
    time.sleep(2.0)
    late = [entry["time"] - paused_at for entry in server.log if entry["time"] > paused_at + 1.0]
    assert late == [], f"requests after the pause (seconds after it): {late}"
    assert server.count() < 60
    target.get_by_role("button", name="Resume").click()
    wait_status(app, "stopping.jsonl", "completed", timeout=240_000)
    assert min(per_record_counts(server, 60)) == 1


ROW_LINE = """(name) => { const row = [...document.querySelectorAll('li.task')]
    .find((li) => li.querySelector('.task-name')?.textContent === name);
    return [row.querySelector('.message').textContent,
            Number(row.querySelector('[role="progressbar"]').getAttribute('aria-valuenow'))]; }"""


def bar_of(done: int, total: int) -> int:
    """The bar's aria-valuenow for `done` of `total` records settled (JavaScript's Math.round: half up)."""
    return math.floor(99 * done / total + 0.5)


def test_the_row_counts_failed_records_as_they_fail_and_a_cancelled_row_says_how_far_it_got(app, server, watch):
    server.script("rec-0001 ", Reply.bad_request())  # before start_slow's "rec-": these two fail at once
    server.script("rec-0002 ", Reply.bad_request())
    _, target = start_slow(app, server, "halted.jsonl", 60, 0.3)
    expect(target.locator(".message")).to_have_text(re.compile(r"^([6-9]|[1-5]\d) of 60 records · 2 failed · "),
                                                    timeout=120_000)
    message, bar = app.evaluate(ROW_LINE, "halted.jsonl")  # one read: the bar and its line together
    assert bar == bar_of(int(message.split(" ")[0]), 60), (message, bar)  # the bar counts what the line counts
    target.get_by_role("button", name="Cancel").click()
    target = wait_status(app, "halted.jsonl", "cancelled")
    message, bar = app.evaluate(ROW_LINE, "halted.jsonl")
    got = re.fullmatch(r"Cancelled after (\d+) of 60 records · 2 failed", message)
    assert got and 6 <= int(got[1]) < 60 and bar == bar_of(int(got[1]), 60), (message, bar)
    only_status_errors(watch)


DUMP_STORAGE = """async () => {
    const texts = [JSON.stringify(Object.entries(localStorage)), JSON.stringify(Object.entries(sessionStorage))];
    for (const info of await indexedDB.databases()) {
        const db = await new Promise((resolve, reject) => {
            const open = indexedDB.open(info.name);
            open.onsuccess = () => resolve(open.result);
            open.onerror = () => reject(open.error);
        });
        for (const name of db.objectStoreNames) {
            const values = await new Promise((resolve, reject) => {
                const request = db.transaction(name).objectStore(name).getAll();
                request.onsuccess = () => resolve(request.result);
                request.onerror = () => reject(request.error);
            });
            for (const value of values) {
                texts.push(value instanceof Blob ? await value.text() : JSON.stringify(value));
            }
        }
        db.close();
    }
    return texts.join(" | ");
}"""
RECORD_MESSAGES = """
    window.__channel = [];
    const post = BroadcastChannel.prototype.postMessage;
    BroadcastChannel.prototype.postMessage = function (message) {
        window.__channel.push(typeof message === "string" ? message : JSON.stringify(message));
        return post.call(this, message);
    };
"""


def test_a_wrong_key_pauses_the_task_a_right_key_resumes_it_and_the_key_is_stored_nowhere(context, watch,
                                                                                         server):
    from tests.e2e.conftest import watch_page

    page = watch_page(context.new_page(), watch)
    page.add_init_script(RECORD_MESSAGES)
    page.goto("index.html")
    assert wait_for_app_state(page) == "ready"
    wait_engine(page)
    configure(page, server, key="sk-wrong-key-000000")
    enrich_file(page, "keyed.jsonl", as_jsonl(make_records(20)))
    target = wait_status(page, "keyed.jsonl", "failed")
    assert target.locator(".badge").text_content() == "Needs API key"
    assert "refused the API key" in target.locator(".error-message").text_content()
    target.get_by_label("API key for keyed.jsonl").fill(GOOD_KEY)
    target.get_by_role("button", name="Use this key").click()
    wait_status(page, "keyed.jsonl", "completed", timeout=120_000)

    other = watch_page(context.new_page(), watch)  # a second tab sends its new task over the channel
    other.add_init_script(RECORD_MESSAGES)
    other.goto("index.html")
    assert wait_for_app_state(other) == "ready"
    configure(other, server, key=GOOD_KEY)
    enrich_file(other, "follower.jsonl", as_jsonl(make_records(5)))
    target = wait_status(page, "follower.jsonl", "failed")  # the key stayed in the other tab
    assert target.locator(".badge").text_content() == "Needs API key"
    target.get_by_label("API key for follower.jsonl").fill(GOOD_KEY)
    target.get_by_role("button", name="Use this key").click()
    wait_status(page, "follower.jsonl", "completed", timeout=120_000)

    for tab in (page, other):
        tab.locator("#llm-api-key").fill("")
    stored = page.evaluate(DUMP_STORAGE)
    messages = " | ".join(page.evaluate("window.__channel") + other.evaluate("window.__channel"))
    assert "keyed.jsonl" in stored and "follower.jsonl" in messages  # the dumps hold the tasks themselves
    for secret in (GOOD_KEY, "sk-wrong-key-000000"):
        assert secret not in stored and secret not in messages
    other.close()
    only_status_errors(watch)
    page.close()


def test_when_the_running_tab_closes_the_tab_that_takes_over_asks_for_the_key_in_the_tasks_row(context, watch,
                                                                                                server):
    from tests.e2e.conftest import watch_page

    server.script("rec-", *[Reply(delay=0.3) for _ in range(1000)])
    leader = watch_page(context.new_page(), watch)
    leader.goto("index.html")
    assert wait_for_app_state(leader) == "ready"
    follower = watch_page(context.new_page(), watch)
    follower.goto("index.html")
    assert wait_for_app_state(follower) == "ready"
    configure(leader, server, concurrency=2)
    enrich_file(leader, "handover.jsonl", as_jsonl(make_records(40)))
    expect(row(follower, "handover.jsonl").locator(".message")).to_have_text(re.compile(r"^([2-9]|[1-9]\d) of 40"),
                                                                           timeout=60_000)  # seen live
    leader.close(run_before_unload=True)  # the key was only in its memory
    follower.wait_for_selector('body[data-role="leader"]', state="attached", timeout=30_000)
    target = wait_status(follower, "handover.jsonl", "failed", timeout=30_000)
    assert target.locator(".badge").text_content() == "Needs API key"
    target.get_by_label("API key for handover.jsonl").fill(GOOD_KEY)
    target.get_by_role("button", name="Use this key").click()
    wait_status(follower, "handover.jsonl", "completed", timeout=120_000)
    assert max(per_record_counts(server, 40)) <= 2  # only the records in flight at the close went twice
    only_status_errors(watch)
    follower.close()


SCHEMA = {"type": "object", "required": ["length", "words", "first"],
          "properties": {"length": {"type": "integer"}, "words": {"type": "integer"}, "first": {"type": "string"}}}


def test_an_answer_not_following_the_users_json_schema_is_retried_once_then_recorded_as_that_records_error(
        app, server):
    configure(app, server)
    section = app.locator("#llm-section")
    price = section.get_by_label("Price per million tokens in")
    price.fill("")
    price.press_sequentially("1e400")  # typed: the browser cannot read it (badInput), its value is ""
    price.dispatch_event("change")
    expect(app.locator("#notices")).to_contain_text("Price per million tokens in: enter a number from 0 to "
                                                    "1,000,000; got something that is not a finite number.")
    expect(price).to_have_attribute("aria-invalid", "true")
    price.fill("0")
    price.dispatch_event("change")
    expect(price).not_to_have_attribute("aria-invalid", "true")
    section.get_by_label("Prompt (empty", exact=False).fill("Measure {text}")
    schema = section.get_by_label("JSON Schema the answer must follow", exact=False)
    schema.fill('{"type": "object",')  # not JSON: refused at the form, nothing saved
    schema.dispatch_event("change")
    expect(app.locator("#notices")).to_contain_text("the JSON Schema is not valid JSON")
    schema.fill(json.dumps(SCHEMA))
    schema.dispatch_event("change")
    wrong = Reply.not_json('{"length": "long", "words": 3, "first": "x"}')
    server.script("rec-0002 ", wrong, wrong)  # wrong twice: that record fails, the others go on
    server.script("rec-0004 ", wrong)  # wrong once: the retry is answered right
    records = make_records(6)
    enrich_file(app, "measured.jsonl", as_jsonl(records))
    target = wait_status(app, "measured.jsonl", "completed", timeout=120_000)
    assert "6 records · 1 failed" in target.locator(".message").text_content()
    lines = [json.loads(line)["llm"] for line in download(app, target)[1].decode().splitlines()]
    sent = next(body for body in server.bodies if "rec-0000 " in body["messages"][1]["content"])
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMA
    assert sent["messages"][1]["content"].startswith("Measure rec-0000 ")
    assert lines[2] == {"_error": lines[2]["_error"]} and "not the JSON asked for, twice" in lines[2]["_error"]
    assert "$.length" in lines[2]["_error"]
    text = records[4]["fields"]["description"]
    assert lines[4] == {"length": len("Measure " + text), "words": len(text.split()) + 1, "first": "Measure"}
    assert (server.count("rec-0002 "), server.count("rec-0004 "), server.count()) == (2, 2, 8)
    app.reload()  # the schema was saved with the settings and is shown again as JSON
    assert wait_for_app_state(app) == "ready"
    wait_engine(app)
    saved = app.locator("#llm-section").get_by_label("JSON Schema the answer must follow", exact=False)
    assert json.loads(saved.input_value()) == SCHEMA


def test_a_completed_pdf_tasks_pages_are_enriched(app, server):
    configure(app, server, text_path="")
    add_files(app, {"report.pdf": pdfs.text_pdf(5, title="Report")})
    source = wait_status(app, "report.pdf", "completed")
    source.get_by_role("button", name="Enrich").click()
    target = wait_status(app, "report.pages.jsonl", "completed", timeout=120_000)
    assert progress(target) == 100
    name, data = download(app, target)
    lines = [json.loads(line) for line in data.decode().splitlines()]
    assert name == "report.pages.enriched.jsonl" and [line["page"] for line in lines] == [1, 2, 3, 4, 5]
    assert all(line["text"] and "summary" in line["llm"] for line in lines)
    assert server.count() == 5
    source.get_by_role("button", name="Enrich").click()  # a second press makes (and pays for) nothing new
    expect(app.locator("#notices .notice")).to_contain_text("“Enrich” was already pressed for report.pdf")
    assert app.locator("li.task .task-name", has_text="report.pages.jsonl").count() == 1 and server.count() == 5


def test_after_a_reload_only_the_failed_records_are_sent_again_and_the_merged_file_equals_a_full_run(app, server,
                                                                                                    watch):
    records = make_records(6)
    server.script("rec-0002 ", Reply.bad_request(), Reply.bad_request())  # fails again in the first retry
    server.script("rec-0004 ", Reply.bad_request())
    configure(app, server)
    enrich_file(app, "scores.jsonl", as_jsonl(records))
    source = wait_status(app, "scores.jsonl", "completed", timeout=120_000)
    assert "6 records · 2 failed" in source.locator(".message").text_content()
    app.reload()  # the key is gone with it: the new task asks for it in its row
    assert wait_for_app_state(app) == "ready"
    wait_engine(app)
    retry = row(app, "scores.jsonl").get_by_role("button", name="Retry 2 failed records")
    retry.click()
    first = wait_status(app, "scores.enriched.jsonl · retry 1", "failed")
    assert first.locator(".badge").text_content() == "Needs API key"
    first.get_by_label("API key for scores.enriched.jsonl · retry 1").fill(GOOD_KEY)
    first.get_by_role("button", name="Use this key").click()
    first = wait_status(app, "scores.enriched.jsonl · retry 1", "completed", timeout=120_000)
    assert "6 records · 4 answers kept · 1 failed · " in first.locator(".message").text_content()
    retry.click()  # a second press makes (and pays for) nothing new
    expect(app.locator("#notices .notice")).to_contain_text("“Retry 2 failed records” was already pressed")
    first.get_by_role("button", name="Retry 1 failed record").click()  # the key typed into that row goes along
    second = wait_status(app, "scores.enriched.jsonl · retry 2", "completed", timeout=120_000)
    assert "6 records · 5 answers kept · " in second.locator(".message").text_content()
    name, data = download(app, second)
    assert name == "scores.enriched.jsonl" and data == reference(records)  # order, format and answers merged
    assert per_record_counts(server, 6) == [1, 1, 3, 1, 2, 1]  # the answers paid for were not asked again
    assert app.locator("li.task .task-name").all_text_contents() == [
        "scores.enriched.jsonl · retry 2", "scores.enriched.jsonl · retry 1", "scores.jsonl"]
    only_status_errors(watch)


# The goal is no long task (50 ms) at all; a machine shared by many processes stretches the page's
# short slices past that, so the test fails on a block (one step that never yields: reading the
# answers of 50,000 records in one call took 5.8 s before it was fixed) and prints every long task.
BLOCKED_MS = 1000


def test_no_long_task_on_the_main_thread_while_400_records_are_enriched_eight_at_a_time(measured_app, server):
    page = measured_app
    configure(page, server, concurrency=8)
    enrich_file(page, "many.jsonl", as_jsonl(make_records(400)))  # 50 rounds of 8 requests
    wait_status(page, "many.jsonl", "completed", timeout=300_000)
    started, finished = running_window(page)
    assert server.count() == 400
    assert_not_blocked(page, f"400 records were enriched in {(finished - started) / 1000:.1f} s", started, finished,
                       limit_ms=BLOCKED_MS)
    page.close()


def test_no_long_task_on_the_main_thread_while_a_large_record_file_is_read(measured_app, watch, server):
    page = measured_app
    configure(page, server, key="sk-wrong-key-000000")  # the records are read, then the first answers stop it
    data = as_jsonl(make_records(20_000))  # reading 50,000 in one call blocked 5.8 s: ~2.3 s for these
    page.set_input_files("#llm-file-input", [{"name": "large.jsonl", "mimeType": "", "buffer": data}],
                         timeout=180_000)
    wait_status(page, "large.jsonl", "failed", timeout=300_000)
    started, finished = running_window(page, "failed")
    assert server.count() >= 1  # the records were read: requests went out
    only_status_errors(watch)
    assert_not_blocked(page, f"{len(data) / 2**20:.1f} MB of records were read in {(finished - started) / 1000:.1f} s",
                       started, finished, limit_ms=BLOCKED_MS)
    page.close()
