"""Durable answers: stored per record, found again after a restart, unreadable ones sent again."""

from dataflow.core.blobs import MemoryBlobStore, parts_prefix
from dataflow.executors.llm.store import AnswerStore, Outcome, Tries, answer_key, summary_key, tries_key
from dataflow.executors.llm.usage import Usage


async def test_outcomes_are_stored_under_the_tasks_parts_and_read_back_in_order():
    blobs = MemoryBlobStore()
    store = AnswerStore(blobs, "t1")
    await store.put(Outcome(2, answer={"summary": "é"}, usage=Usage(1, 10, 3), truncated=True, original_chars=9,
                            sent_chars=5))
    await store.put(Outcome(0, error="HTTP 400"))
    assert await store.done() == {0, 2}
    assert await store.load(3) == [Outcome(0, error="HTTP 400"), None,
                                   Outcome(2, answer={"summary": "é"}, usage=Usage(1, 10, 3), truncated=True,
                                           original_chars=9, sent_chars=5)]
    assert all(key.startswith(parts_prefix("t1")) for key in blobs.data)


async def test_an_unreadable_stored_answer_counts_as_missing():
    blobs = MemoryBlobStore()
    await blobs.put(answer_key("t1", 0), "{not json")
    assert await AnswerStore(blobs, "t1").load(1) == [None]


async def test_keys_sort_in_record_order_and_the_summary_lives_under_the_result():
    assert answer_key("t", 9) < answer_key("t", 10)
    assert summary_key("t").startswith("result:t")


async def test_a_records_tries_are_stored_under_the_tasks_parts_and_read_back():
    blobs = MemoryBlobStore()
    store = AnswerStore(blobs, "t1")
    await store.put_tries(Tries(3, attempts=2, usage=Usage(2), note="answer again", last="HTTP 500"))
    await blobs.put(tries_key("t1", 4), "{not json")
    assert await store.load_tries() == {3: Tries(3, attempts=2, usage=Usage(2), note="answer again", last="HTTP 500")}
    assert await store.done() == set() and all(key.startswith(parts_prefix("t1")) for key in blobs.data)
