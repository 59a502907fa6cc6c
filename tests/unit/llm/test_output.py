"""Result files: records unchanged plus the enrichment under a key, JSONL or JSON, and the summary."""

import json

from dataflow.executors.llm.output import records_file, summary_markdown, totals
from dataflow.executors.llm.store import Outcome
from dataflow.executors.llm.usage import Usage

ANSWER = {"summary": "s", "keywords": ["Pumps", "water"], "sentiment": "positive"}
OUTCOMES = [Outcome(0, answer=ANSWER, usage=Usage(1, 100, 20)),
            Outcome(1, error="HTTP 400: too | long", usage=Usage(1, 0, 0)),
            Outcome(2, answer={**ANSWER, "keywords": ["pumps"], "sentiment": "neutral"}, truncated=True,
                    original_chars=900, sent_chars=500, usage=Usage(2, 50, 10))]
RECORDS = [{"id": 0}, {"id": 1}, {"id": 2, "nested": {"x": [1]}}]


def test_jsonl_has_each_record_unchanged_plus_its_enrichment():
    rows = [json.loads(line) for line in records_file(RECORDS, OUTCOMES, key="llm", fmt="jsonl").splitlines()]
    assert rows[0] == {"id": 0, "llm": ANSWER}
    assert rows[1] == {"id": 1, "llm": {"_error": "HTTP 400: too | long"}}
    assert rows[2]["nested"] == {"x": [1]}
    assert rows[2]["llm"]["_truncated"] == {"sent_chars": 500, "original_chars": 900}
    assert RECORDS[0] == {"id": 0}  # the source records are not modified


def test_json_is_one_array_under_the_chosen_key():
    rows = json.loads(records_file(RECORDS, OUTCOMES, key="ai", fmt="json"))
    assert [row["id"] for row in rows] == [0, 1, 2] and "ai" in rows[0]


def test_totals_count_and_sum():
    sums = totals(OUTCOMES)
    assert (sums.records, sums.enriched, sums.failed, sums.truncated) == (3, 2, 1, 1)
    assert sums.usage == Usage(4, 150, 30)


def test_the_summary_ranks_keywords_case_insensitively_and_lists_failures():
    text = summary_markdown(OUTCOMES, name="data.jsonl", model="m", price_in=0, price_out=0)
    assert "| pumps | 2 |" in text and "| water | 1 |" in text
    assert text.index("| pumps |") < text.index("| water |")
    assert "| neutral | 1 |" in text and "| positive | 1 |" in text
    assert "| #2 (index 1) | HTTP 400: too \\| long |" in text
    assert "Estimated cost" not in text and "3 (2 enriched, 1 failed, 1 cut" in text


def test_the_summary_is_the_same_bytes_for_the_same_outcomes():
    first = summary_markdown(OUTCOMES, name="d", model="m", price_in=1, price_out=1)
    assert first == summary_markdown(list(OUTCOMES), name="d", model="m", price_in=1, price_out=1)


def test_the_summary_of_a_retry_says_how_many_answers_it_kept_and_counts_only_its_own_requests():
    text = summary_markdown(OUTCOMES, name="d", model="m", price_in=0, price_out=0, kept=1)
    assert "- Answers kept from the earlier run: 1 (not sent again" in text and "- Requests: 4;" in text
    assert "kept" not in summary_markdown(OUTCOMES, name="d", model="m", price_in=0, price_out=0)
