"""The result viewer of LLM enrichments, driven as a person does against the loopback test server:
the records' source text cut short beside summary, keywords, entities and sentiment; a failed
record with its reason; sentiment bars counting what the downloaded summary counts; it still opens
after a reload; hostile answers (summary, keywords, entities, a provider's error) shown as text."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.e2e import viewer
from tests.e2e.helpers import download, row, wait_engine, wait_status
from tests.e2e.test_llm_enrichment import (
    as_jsonl,
    configure,
    enrich_file,
    only_status_errors,
    server,  # noqa: F401 - a fixture
)
from tests.llm_server import Reply, answer_for

CONTEXT_ERROR = "This model's maximum context length is 8192 tokens."


def long_records(count: int) -> list[dict]:
    """Records whose text (over 160 characters) is cut in the viewer; good, bad and plain in turn."""
    moods = ["good", "bad", "plain"]
    return [{"id": index, "fields": {"description": f"rec-{index:04d} Alice works at ACME on model X{index} and it "
                                                    f"is {moods[index % 3]}. The quarterly review covered budgets, "
                                                    "hiring plans and the roadmap of the next release in "
                                                    "detail, and everyone agreed on the steps."}}
            for index in range(count)]


def block(dialog, heading: str):
    return dialog.locator("section.viewer-block", has=dialog.page.get_by_role("heading", name=heading, exact=True))


def cells(dialog, number: int):
    return dialog.locator(".viewer-records tbody tr").nth(number - 1).locator("td")


def test_an_enrichment_shows_records_beside_answers_failures_and_the_summarys_sentiments_and_reopens(
        open_app, server, watch):  # noqa: F811
    page = open_app()
    wait_engine(page)
    records = long_records(12)
    server.script("rec-0005 ", Reply.bad_request(CONTEXT_ERROR))
    configure(page, server)
    enrich_file(page, "people.jsonl", as_jsonl(records))
    target = wait_status(page, "people.jsonl", "completed", timeout=120_000)
    summary = download(page, target, "Download summary")[1].decode()
    expected = {label: int(count) for label, count in
                re.findall(r"^\| (positive|negative|neutral) \| (\d+) \|$", summary, re.MULTILINE)}
    assert expected == {"positive": 4, "negative": 4, "neutral": 3}  # record 6 (plain) failed

    dialog = viewer.view(page, "people.jsonl")
    expect(dialog.get_by_role("heading", name="Result of people.jsonl")).to_be_visible()
    expect(dialog.locator(".viewer-records tbody tr")).to_have_count(12)
    text = records[0]["fields"]["description"]
    answer = answer_for(text)
    first = cells(dialog, 1)
    source = first.nth(0).locator("summary").text_content()
    assert source.endswith("…") and len(source) == 160 and text.startswith(source[:-1])
    assert first.nth(0).locator(".cell-full").text_content() == text
    assert first.nth(1).locator(".cell-full").text_content() == answer["summary"]
    assert first.nth(2).text_content() == ", ".join(answer["keywords"])
    entities = answer["entities"]  # the server sends its keys sorted
    assert first.nth(3).text_content() == " · ".join(f"{kind.replace('_', ' ')}: {', '.join(entities[kind])}"
                                                     for kind in sorted(entities))
    assert "organizations: ACME, X0 · people: Alice" in first.nth(3).text_content()
    assert first.nth(4).text_content() == "positive"
    assert cells(dialog, 6).nth(1).text_content() == f"Failed: HTTP 400: {CONTEXT_ERROR}"
    failed = block(dialog, "Records that failed").locator("li")
    expect(failed).to_have_text([f"Record #6 (index 5): HTTP 400: {CONTEXT_ERROR}"])
    bars = block(dialog, "Sentiment distribution").locator(".viewer-bars li")
    expect(bars).to_have_count(3)
    assert {bar.get_attribute("data-label"): int(bar.get_attribute("data-count")) for bar in bars.all()} == expected
    keywords = block(dialog, "Most frequent keywords").locator(".viewer-bars li")
    assert keywords.first.get_attribute("data-count") == "11"  # every enriched record names acme and alice

    viewer.close(page)
    dialog = viewer.reopen_after_reload(page, "people.jsonl")
    expect(dialog.locator(".viewer-records tbody tr")).to_have_count(12)
    expect(block(dialog, "Sentiment distribution").locator(".viewer-bars li")).to_have_count(3)
    only_status_errors(watch)  # the 400 answer, logged by Chromium as a failed load


HOSTILE_SUMMARY = "<img src=x onerror=alert('summary')>"
HOSTILE_KEYWORD = "<script>window.__xss=1</script>"
HOSTILE_ENTITY = "<img src=y onerror=window.__xss=2>"
HOSTILE_ERROR = "<b onmouseover=window.__xss=3>bad</b> <img src=z onerror=alert('error')>"
HOSTILE_NAME = "<img src=w onerror=window.__xss=4>.jsonl"


def hostile_answer() -> str:
    return json.dumps({"summary": HOSTILE_SUMMARY, "sentiment": "neutral",
                       "keywords": [HOSTILE_KEYWORD, "<i>two</i>", "three", "four", "five"],
                       "entities": {"people": [HOSTILE_ENTITY], "organizations": [], "technical_terms": []}})


def test_hostile_answers_and_provider_errors_show_as_text_in_the_viewer_and_the_row(open_app, server,  # noqa: F811
                                                                                   watch):
    page = open_app()
    wait_engine(page)
    dialogs: list[str] = []
    page.on("dialog", lambda opened: (dialogs.append(opened.message), opened.dismiss()))
    server.script("rec-0001 ", Reply.not_json(hostile_answer()))
    server.script("rec-0002 ", Reply.bad_request(HOSTILE_ERROR))
    configure(page, server)
    enrich_file(page, HOSTILE_NAME, as_jsonl(long_records(4)))
    target = wait_status(page, HOSTILE_NAME, "completed", timeout=120_000)
    assert target.locator(".task-name").text_content() == HOSTILE_NAME
    assert "4 records · 1 failed" in target.locator(".message").text_content()

    dialog = viewer.view(page, HOSTILE_NAME)
    expect(dialog.get_by_role("heading", name=f"Result of {HOSTILE_NAME}")).to_be_visible()
    expect(dialog.locator(".viewer-records tbody tr")).to_have_count(4)
    second = cells(dialog, 2)
    assert second.nth(1).text_content() == HOSTILE_SUMMARY
    assert second.nth(2).text_content() == f"{HOSTILE_KEYWORD}, <i>two</i>, three, four, five"
    assert second.nth(3).text_content() == f"people: {HOSTILE_ENTITY}"
    assert cells(dialog, 3).nth(1).text_content() == f"Failed: HTTP 400: {HOSTILE_ERROR}"
    failed = block(dialog, "Records that failed").locator("li")
    expect(failed).to_have_text([f"Record #3 (index 2): HTTP 400: {HOSTILE_ERROR}"])
    labels = block(dialog, "Most frequent keywords").locator(".viewer-bars li .bar-label").all_text_contents()
    assert HOSTILE_KEYWORD in labels and "<i>two</i>" in labels
    assert dialog.locator("script, img, b, i").count() == 0
    assert page.locator("#task-list img, #task-list script, #task-list b, #task-list i").count() == 0
    assert row(page, HOSTILE_NAME).locator("img").count() == 0
    page.wait_for_timeout(300)  # an injected onerror would have fired by now
    assert page.evaluate("window.__xss") is None and dialogs == []
    only_status_errors(watch)
