"""An earlier enrichment's result read back: the source records as they were, the answers it keeps
(written again, the same bytes), the failures and records without an answer to send again, and the
clear refusal of a file that is not such a result."""

import json

import pytest

from dataflow.core.errors import NonRetryableError
from dataflow.executors.llm.earlier import failed_count, kept_outcome, split_earlier
from dataflow.executors.llm.output import records_file
from dataflow.executors.llm.store import Outcome

RECORDS = [{"id": 0, "text": "a"}, {"id": 1, "text": "b"}, {"id": 2, "text": "c"}, {"id": 3, "text": "d"}]
OUTCOMES = [Outcome(0, answer={"summary": "A", "keywords": ["x"]}),
            Outcome(1, error="HTTP 400: too long"),
            Outcome(2, answer={"summary": "C"}, truncated=True, original_chars=90, sent_chars=40),
            Outcome(3, error="not JSON", truncated=True, original_chars=70, sent_chars=40)]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_result_splits_into_its_source_records_and_the_answers_it_keeps(fmt):
    text = records_file(RECORDS, OUTCOMES, key="llm", fmt=fmt)
    rows = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    sources, kept = split_earlier(rows, "llm")
    assert sources == RECORDS
    assert [outcome.index if outcome else None for outcome in kept] == [0, None, 2, None]
    assert kept[0] == Outcome(0, answer={"summary": "A", "keywords": ["x"]})
    assert kept[2] == Outcome(2, answer={"summary": "C"}, truncated=True, original_chars=90, sent_chars=40)


def test_kept_answers_written_again_give_the_same_bytes():
    text = records_file(RECORDS, OUTCOMES, key="llm", fmt="jsonl")
    sources, kept = split_earlier([json.loads(line) for line in text.splitlines()], "llm")
    again = [outcome or OUTCOMES[index] for index, outcome in enumerate(kept)]
    assert records_file(sources, again, key="llm", fmt="jsonl") == text


def test_records_are_numbered_from_first_and_one_without_the_key_is_sent():
    sources, kept = split_earlier([{"id": 7}, {"id": 8, "out": {"summary": "s"}}], "out", first=10)
    assert sources == [{"id": 7}, {"id": 8}]
    assert kept[0] is None and kept[1] == Outcome(11, answer={"summary": "s"})


@pytest.mark.parametrize(("rows", "message"), [
    ([{"llm": {}}, [1, 2]], r"^Record #2 \(index 1\) is not a JSON object \(it is list\)"),
    ([{"llm": "done"}], r"^Record #1 \(index 0\) holds no earlier answer under 'llm' \(it holds str\)"),
])
def test_a_file_that_is_not_an_earlier_result_is_refused_naming_the_record(rows, message):
    with pytest.raises(NonRetryableError, match=message):
        split_earlier(rows, "llm")


def test_a_failure_is_sent_again_even_when_its_text_was_cut():
    assert kept_outcome(0, {"_error": "x", "_truncated": {"sent_chars": 1, "original_chars": 2}}) is None


@pytest.mark.parametrize(("result", "count"), [
    ({"failed": 3}, 3), ({"failed": 0}, 0), ({}, 0), (None, 0), ({"failed": True}, 0), ({"failed": "2"}, 0)])
def test_the_failed_count_is_read_from_a_result_and_zero_when_it_says_nothing_usable(result, count):
    assert failed_count(result) == count
