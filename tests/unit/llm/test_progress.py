"""How far an enrichment got, as its row says it: the bar is the share of records settled (answered or
failed for good), the line counts the failures beside them, the checkpoint carries both, and a
cancelled row reads them back."""

import pytest

from dataflow.executors.llm.progress import FINISH_SHARE, Counts, cancelled_text, running_text
from dataflow.executors.llm.usage import Usage


def test_the_bar_is_the_share_of_records_settled_failed_ones_included():
    assert Counts(done=12, failed=3, total=30).percent == pytest.approx(FINISH_SHARE * 12 / 30)
    assert Counts(done=30, failed=30, total=30).percent == FINISH_SHARE
    assert Counts(done=0, failed=0, total=0).percent == FINISH_SHARE  # nothing to send: only the writing is left


@pytest.mark.parametrize(("counts", "text"), [
    (Counts(12, 3, 30), "12 of 30 records · 3 failed"),
    (Counts(12, 0, 30), "12 of 30 records"),  # no failure, no word of one
    (Counts(1_200, 1_000, 3_000), "1,200 of 3,000 records · 1,000 failed"),
    (Counts(0, 0, 1), "0 of 1 record"),
    (Counts(1, 1, 1), "1 of 1 record · 1 failed"),
])
def test_the_line_says_how_many_records_settled_and_how_many_of_them_failed(counts, text):
    assert counts.text() == text


def test_the_running_line_adds_requests_in_flight_tokens_and_the_cost_once_a_price_is_set():
    usage = Usage(requests=20, prompt_tokens=12_345, completion_tokens=678)
    assert running_text(Counts(12, 3, 30), 4, usage, price_in=0.0, price_out=0.0) == \
        "12 of 30 records · 3 failed · 4 in flight · tokens in 12,345, out 678"
    assert running_text(Counts(12, 0, 30), 0, usage, price_in=1.0, price_out=2.0) == \
        "12 of 30 records · 0 in flight · tokens in 12,345, out 678 · cost ≈ 0.0137"


def test_the_counts_survive_the_checkpoint():
    counts = Counts(12, 3, 30)
    assert counts.to_checkpoint() == {"done": 12, "failed": 3, "total": 30}
    assert Counts.from_checkpoint(counts.to_checkpoint()) == counts


@pytest.mark.parametrize(("checkpoint", "expected"), [
    ({"done": 12, "total": 30}, Counts(12, 0, 30)),  # saved before failures were counted
    (None, None),  # cancelled before its first record
    ({"run": "r1", "step": 3}, None),  # not an enrichment's
    ({"done": "many", "total": 30}, None),
    ({"done": 31, "failed": 0, "total": 30}, None),
    ({"done": 3, "failed": 4, "total": 30}, None),
    ([12, 30], None),
])
def test_a_checkpoint_without_sound_counts_gives_none(checkpoint, expected):
    assert Counts.from_checkpoint(checkpoint) == expected


def test_a_cancelled_row_says_how_far_the_task_got_and_how_many_failed():
    assert cancelled_text({"done": 12, "failed": 3, "total": 30}) == "Cancelled after 12 of 30 records · 3 failed"
    assert cancelled_text({"done": 12, "failed": 0, "total": 30}) == "Cancelled after 12 of 30 records"
    assert cancelled_text(None) == ""  # nothing was sent: the label "Cancelled" says it all
    assert cancelled_text({"done": 1, "failed": 0, "total": 1}, "Stopped") == "Stopped after 1 of 1 record"
