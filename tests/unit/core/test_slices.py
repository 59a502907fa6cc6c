"""in_slices: work on many items, giving the event loop back every `budget` seconds (injected time)."""

import pytest

from dataflow.core.slices import in_slices


class Ticks:
    """A clock that moves `step` seconds each time it is read."""

    def __init__(self, step):
        self.step, self.now = step, 0.0

    def __call__(self):
        self.now += self.step
        return self.now


async def test_work_is_done_in_order_with_a_pause_each_time_the_budget_is_used_up():
    done, pauses = [], []

    async def pause():
        pauses.append(len(done))

    count = await in_slices(range(10), done.append, budget=0.75, now=Ticks(0.25), pause=pause)
    assert done == list(range(10))
    assert pauses == [3, 6, 9] and count == 3  # each item reads the clock once: 0.25 s an item


async def test_work_under_the_budget_never_pauses():
    async def pause():
        raise AssertionError("paused")

    assert await in_slices(range(100), lambda item: None, budget=1.0, now=Ticks(0.001), pause=pause) == 0


async def test_an_error_stops_the_loop_after_the_items_before_it():
    done = []

    def work(item):
        if item == 4:
            raise ValueError("bad item")
        done.append(item)

    async def pause():
        pass

    with pytest.raises(ValueError, match="bad item"):
        await in_slices(range(10), work, budget=0.5, now=Ticks(0.25), pause=pause)
    assert done == [0, 1, 2, 3]


async def test_the_default_pause_is_one_turn_of_the_event_loop():
    assert await in_slices(range(3), lambda item: None, budget=0.0) == 3
