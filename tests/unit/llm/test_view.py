"""The enrichment's view, built from the LLM ring's own stored output (output.records_file and
summary_markdown) read through the lazy BlobSource."""

import asyncio
import json

from dataflow.browser.blob_source import BlobSource
from dataflow.core.views import Counts, Facts, Notes, Table
from dataflow.executors.llm.output import records_file, summary_markdown, totals
from dataflow.executors.llm.store import Outcome
from dataflow.executors.llm.view import llm_view, parse_summary

HOSTILE = "<img src=x onerror=alert(1)> | pipe"


def outcomes() -> list[Outcome]:
    found = []
    for index in range(6):
        if index == 4:
            found.append(Outcome(index, error="The model's answer was not JSON"))
            continue
        found.append(Outcome(index, answer={"summary": f"Summary {index} " + "long " * 40,
                                            "keywords": ["Alpha", "beta"] if index % 2 else ["alpha", HOSTILE],
                                            "entities": [{"name": "Ada", "type": "person"}, "Paris"],
                                            "sentiment": "positive" if index < 3 else "negative"}))
    return found


def source_over(blobs: dict[str, bytes], key: str) -> BlobSource:
    data = blobs[key]

    async def read_range(start: int, end: int) -> bytes:
        return data[start:end]

    async def lookup(other: str):
        return source_over(blobs, other) if other in blobs else None
    return BlobSource(len(data), read_range, lookup)


def view(fmt: str = "jsonl", *, with_summary: bool = True, text_path: str = "text"):
    records = [{"id": i, "text": f"Source text {i} " + "word " * 60} for i in range(6)]
    found = outcomes()
    blobs = {"result:t": records_file(records, found, key="llm", fmt=fmt).encode()}
    if with_summary:
        blobs["result:t:summary.md"] = summary_markdown(found, name="r.jsonl", model="m", price_in=0,
                                                         price_out=0).encode()
    result = {"result_key": "result:t", "summary_key": "result:t:summary.md", "filename": "r.enriched.jsonl",
              "model": "m", **totals(found).to_dict(), "cost": 0.0}
    return asyncio.run(llm_view(result, {"text_path": text_path}, source_over(blobs, "result:t")))


def block(built, kind, heading=None):
    return next(b for b in built.blocks if isinstance(b, kind) and (heading is None or b.heading == heading))


def test_records_show_their_source_text_cut_beside_the_answer():
    for fmt in ("jsonl", "json"):
        table = block(view(fmt), Table)
        assert table.columns == ("Source text", "Summary", "Keywords", "Entities", "Sentiment")
        first = table.rows[0].cells
        assert first[0].text.startswith("Source text 0") and first[0].text.endswith("…") and len(first[0].text) == 160
        assert first[1].full is not None and first[2].text == f"alpha, {HOSTILE}"
        assert first[3].text == "Ada (person), Paris" and first[4].text == "positive"
        assert table.rows[4].cells[1].text == "Failed: The model's answer was not JSON"
        assert json.loads(table.rows[2].copy)["llm"]["sentiment"] == "positive"


def test_figures_failures_and_charts_come_from_the_summary():
    built = view()
    facts = dict(block(built, Facts).rows)
    assert facts["Records"] == "6" and facts["Failed"] == "1" and facts["Model"] == "m"
    assert block(built, Notes).items == ("Record #5 (index 4): The model's answer was not JSON",)
    assert block(built, Counts, "Sentiment distribution").items == (("negative", 2), ("positive", 3))
    keywords = dict(block(built, Counts, "Most frequent keywords").items)
    assert keywords == {"alpha": 5, "beta": 3, HOSTILE.lower(): 2}


def test_without_a_summary_the_records_shown_are_counted():
    built = view(with_summary=False)
    assert block(built, Notes).heading == "Failed among the records shown"
    assert dict(block(built, Counts, "Sentiment distribution").items) == {"positive": 3, "negative": 2}


def test_the_whole_record_is_the_source_text_without_a_text_path():
    first = block(view(text_path=""), Table).rows[0].cells[0]
    assert first.text.startswith('{"id": 0, "text": "Source text 0')


def test_parse_summary_unescapes_cells_and_skips_headers():
    sections = parse_summary(summary_markdown(outcomes(), name="a|b", model="m", price_in=0, price_out=0))
    assert ("1", "2") not in sections["Sentiment"]
    assert (HOSTILE.lower(), "2") in sections["Most frequent keywords"]
    assert sections["Records that failed"] == [("#5 (index 4)", "The model's answer was not JSON")]


def test_the_kind_offers_a_view_of_a_completed_enrichment_only():
    from dataflow.core.model import TaskState
    from dataflow.core.status import TaskStatus
    from dataflow.executors.llm.kind import LlmKind
    done = TaskState(id="t", kind="llm", name="r.jsonl", status=TaskStatus.COMPLETED,
                     result={"result_key": "result:t", "filename": "r.enriched.jsonl"})
    assert LlmKind().has_view(done)
    assert not LlmKind().has_view(TaskState(id="u", kind="llm", name="r.jsonl"))


def test_the_default_answers_entities_by_kind_read_as_one_line():
    from dataflow.executors.llm.view import records_table

    answer = {"summary": "s", "keywords": ["k"], "sentiment": "neutral",
              "entities": {"people": ["Ada", "Alan"], "organizations": [], "technical_terms": ["X1"]}}
    table = records_table([{"text": "t", "llm": answer}], key="llm", text_path="text", total=1)
    assert table.rows[0].cells[3].text == "people: Ada, Alan · technical terms: X1"


def test_a_retrys_figures_say_how_many_answers_it_kept():
    from dataflow.executors.llm.view import figures

    assert ("Answers kept from the earlier run", "4") in figures({"records": 6, "kept": 4})
    assert all(label != "Answers kept from the earlier run" for label, _ in figures({"records": 6}))
