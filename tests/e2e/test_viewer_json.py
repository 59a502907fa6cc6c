"""The result viewer of JSON tasks, driven as a person does: an inspection's schema tree, first records
and chat-format problems; a clean's redactions by kind, equal to the report the same service writes
under CPython; hostile keys and values shown as text; copying a record with one click (and a clear
message when the clipboard is refused); after a reload it still opens; a 100,000-record result
opens with no long task on the main thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json

from playwright.sync_api import expect

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.json.service import JsonService
from tests.e2e import viewer
from tests.e2e.helpers import (
    TASK_TIMEOUT_MS,
    add_files,
    assert_not_blocked,
    download,
    observe_long_tasks,
    wait_engine,
    wait_status,
)
from tests.e2e.test_json_workbench import choose

HOSTILE_KEY = "<img src=x onerror=window.__xss=1>"
HOSTILE_VALUE = "<script>window.__xss=2</script>"


def chats(count: int) -> list[dict]:
    """Chat fine-tuning records; every third has no assistant answer, every fifth no messages."""
    records = []
    for i in range(count):
        messages = [{"role": "user", "content": f"question {i}"}]
        if i % 3:
            messages.append({"role": "assistant", "content": f"answer {i}"})
        record = {"id": i, "messages": messages if i % 5 else [], HOSTILE_KEY: HOSTILE_VALUE,
                  "long": "word " * 60}
        records.append(record)
    return records


def reference_report(data: bytes, source: str, options: dict) -> dict:
    """The report.json an uninterrupted run writes, with the same service under CPython."""

    async def go():
        store = MemoryBlobStore()
        await store.put(file_key("f"), data)
        service = JsonService(store)
        await service.open("t", "f", options, source=source)
        position = {"step": 0, "offset": None, "index": 0}
        while not (outcome := await service.process("t", position, 1 << 30))["done"]:
            position = {key: outcome[key] for key in ("step", "offset", "index")}
        result = await service.finish("t")
        return json.loads(store.data[result["report_key"]])

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's loop owns this thread
        return pool.submit(asyncio.run, go()).result()


def jsonl(records: list) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode()


def test_an_inspection_shows_schema_records_and_problems_as_text_and_reopens_after_a_reload(open_app):
    page = open_app()
    wait_engine(page)
    records = chats(120)
    choose(page, chat_check=True)
    add_files(page, {"chats.jsonl": jsonl(records)}, mime="")
    target = wait_status(page, "chats.jsonl", "completed")
    report = json.loads(download(page, target)[1])

    dialog = viewer.view(page, "chats.jsonl")
    assert page.evaluate("document.activeElement.closest('dialog.viewer') !== null")
    expect(dialog.get_by_role("heading", name="Result of chats.jsonl")).to_be_visible()
    facts = dialog.locator(".viewer-facts").first
    expect(facts).to_contain_text("120")
    schema = dialog.locator(".viewer-schema")
    labels = schema.locator(".tree-label").all_text_contents()
    assert {"id", "messages", "role", "content", HOSTILE_KEY} <= set(labels)
    fields = {row["path"]: row for row in report["result"]["fields"]}
    assert len(labels) == len(fields)

    table = dialog.locator(".viewer-records")
    expect(table.locator("tbody tr")).to_have_count(50)
    columns = table.locator("thead th").all_text_contents()[1:-1]
    assert columns == ["id", "messages", HOSTILE_KEY, "long"]
    first = table.locator("tbody tr").first
    expect(first.locator("td").nth(2)).to_have_text(HOSTILE_VALUE)
    assert first.locator("td").nth(3).locator("summary").text_content().endswith("…")  # cut, expandable
    first.locator("td").nth(1).locator("summary").click()
    assert json.loads(first.locator("td").nth(1).locator(".cell-full").text_content()) == records[0]["messages"]
    expect(table.locator(".viewer-muted")).to_have_text("The first 50 of 120 records")

    problems = report["result"]["chat_format"]["by_problem"]
    groups = dialog.locator(".viewer-groups > li")
    expect(groups).to_have_count(len(problems))
    for problem, group in problems.items():
        assert dialog.locator(f'.viewer-groups > li[data-group="{problem.replace("_", " ")}"]') \
            .get_attribute("data-count") == str(group["count"])
    assert dialog.locator("script, img").count() == 0
    assert page.evaluate("window.__xss") is None

    viewer.close(page)
    assert page.evaluate("document.activeElement.dataset.action") == "view"

    dialog = viewer.reopen_after_reload(page, "chats.jsonl")
    expect(dialog.locator(".viewer-records tbody tr")).to_have_count(50)


def test_a_clean_shows_its_redactions_by_kind_as_the_report_counts_them(open_app):
    page = open_app()
    wait_engine(page)
    secrets = [{"id": i, "note": f"mail me at ana{i}@example.org", "card": "4111 1111 1111 1111" if i % 2 else ""}
               for i in range(30)]
    data = jsonl(secrets)
    choose(page, operation="clean")
    add_files(page, {"secrets.jsonl": data}, mime="")
    wait_status(page, "secrets.jsonl", "completed")
    expected = reference_report(data, "secrets.jsonl", {"operation": "clean"})["result"]["redactions"]["by_kind"]
    assert expected

    dialog = viewer.view(page, "secrets.jsonl")
    bars = dialog.locator(".viewer-bars li")
    expect(bars).to_have_count(len(expected))
    shown = {bar.get_attribute("data-label"): int(bar.get_attribute("data-count")) for bar in bars.all()}
    assert shown == expected
    widths = [bar.locator(".bar").evaluate("b => b.style.width") for bar in bars.all()]
    assert "100%" in widths
    notes = dialog.locator(".viewer-records tbody tr").first.locator("td").nth(1)
    expect(notes).to_contain_text("[REDACTED:email]")
    assert "example.org" not in dialog.locator(".viewer-records").text_content()


def test_copy_puts_a_record_on_the_clipboard_and_says_so_or_says_why_not(open_app):
    page = open_app()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    wait_engine(page)
    records = [{"id": i, "name": f"Zoë {i}"} for i in range(3)]
    choose(page, operation="convert")
    add_files(page, {"few.jsonl": jsonl(records)}, mime="")
    wait_status(page, "few.jsonl", "completed")
    dialog = viewer.view(page, "few.jsonl")
    second = dialog.locator(".viewer-records tbody tr").nth(1)
    second.get_by_role("button", name="Copy Record 2 as JSON").click()
    expect(second.locator(".copy-status")).to_have_text("Copied")
    assert json.loads(page.evaluate("navigator.clipboard.readText()")) == records[1]

    page.evaluate("() => { navigator.clipboard.writeText = () => Promise.reject(new DOMException("
                  "'Write permission denied.', 'NotAllowedError')); }")
    first = dialog.locator(".viewer-records tbody tr").first
    first.get_by_role("button", name="Copy Record 1 as JSON").click()
    expect(first.locator('.copy-status[data-state="refused"]')).to_contain_text("The browser refused the clipboard")


def test_a_100000_record_result_opens_without_blocking_the_main_thread(open_app):
    page = open_app()
    wait_engine(page)
    records = [{"id": i, "name": f"record {i}", "tags": ["a", "b"], "meta": {"n": i}} for i in range(100_000)]
    choose(page, operation="convert")
    page.set_input_files("#file-input", [{"name": "big.jsonl", "mimeType": "", "buffer": jsonl(records)}],
                         timeout=180_000)
    wait_status(page, "big.jsonl", "completed", timeout=4 * TASK_TIMEOUT_MS)
    started = observe_long_tasks(page)
    dialog = viewer.view(page, "big.jsonl")
    expect(dialog.locator(".viewer-records tbody tr")).to_have_count(50)
    page.locator('dialog.viewer[data-ready="true"] tbody[data-filled="true"]').wait_for()
    opened = page.evaluate("performance.now()") - started
    expect(dialog.locator(".viewer-records .viewer-muted")).to_have_text("The first 50 of 100,000 records")
    page.wait_for_timeout(300)  # let the observer deliver the last entries
    print(f"100,000-record result: viewer ready {opened:.0f} ms after the click")
    assert_not_blocked(page, "a 100,000-record result opened", started)
