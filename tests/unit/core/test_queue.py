"""ReadyQueue: FIFO by eligibility time, lazy removal, future entries wait."""

from dataflow.core.queue import ReadyQueue


def test_first_in_first_out_for_equal_times():
    queue = ReadyQueue()
    for task_id in "abc":
        queue.push(task_id, 10.0)
    assert [queue.pop_due(10.0) for _ in range(4)] == ["a", "b", "c", None]


def test_entry_in_the_future_waits_until_due():
    queue = ReadyQueue()
    queue.push("later", 20.0)
    queue.push("now", 10.0)
    assert queue.pop_due(15.0) == "now"
    assert queue.pop_due(15.0) is None
    assert queue.next_eligible_at() == 20.0
    assert queue.pop_due(20.0) == "later"


def test_discarded_and_requeued_entries():
    queue = ReadyQueue()
    queue.push("a", 1.0)
    queue.push("b", 2.0)
    queue.discard("a")
    assert "a" not in queue and len(queue) == 1
    queue.push("b", 5.0)  # a second push replaces the first
    assert queue.ids() == ["b"]
    assert queue.pop_due(4.0) is None
    assert queue.pop_due(5.0) == "b"
    assert queue.next_eligible_at() is None
