"""Pool hands out idle items only, the last released first, and makes the others wait in turn; cold
items start when a task finds every other one busy."""

import asyncio

import pytest

from dataflow.core.pool import Pool


async def test_pool_hands_out_idle_items_only():
    pool = Pool(["first", "second"])
    assert pool.size == 2
    assert await pool.acquire() == "first" and await pool.acquire() == "second"
    waiting = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0)
    assert not waiting.done()
    pool.release("first")
    assert await waiting == "first"


async def test_a_released_item_is_handed_out_again_before_one_never_used():
    pool = Pool(["started", "lazy", "third"])
    for _ in range(3):  # one task after another keeps to the first item: the lazy one never starts
        item = await pool.acquire()
        assert item == "started"
        pool.release(item)
    first, second = await pool.acquire(), await pool.acquire()
    assert (first, second) == ("started", "lazy")  # a second task at the same time takes the next
    pool.release(second)
    pool.release(first)
    assert await pool.acquire() == "started"  # the last released first
    assert await pool.acquire() == "lazy" and await pool.acquire() == "third"


async def test_tasks_waiting_for_an_item_get_one_in_the_order_they_asked():
    pool = Pool(["only"])
    held = await pool.acquire()
    early = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0)
    late = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0)
    pool.release(held)
    assert await early == "only" and not late.done()
    pool.release("only")
    assert await late == "only"


def test_an_empty_pool_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        Pool([])


async def settle():
    """Let the tasks ready to run (an acquire, the start it begins) go as far as they can."""
    for _ in range(3):
        await asyncio.sleep(0)


class Starts:
    """`start(item)` for a pool's cold items: each waits until the test lets it end (or fail)."""

    def __init__(self):
        self.begun: list[str] = []
        self.gates: dict[str, asyncio.Future] = {}

    async def __call__(self, item):
        self.begun.append(item)
        self.gates[item] = asyncio.get_running_loop().create_future()
        await self.gates[item]

    def end(self, item, error=None):
        gate = self.gates[item]
        gate.set_exception(error) if error else gate.set_result(None)


async def test_a_cold_item_starts_only_when_a_task_finds_every_warm_one_busy():
    starts = Starts()
    pool = Pool(["warm", "cold"], start=starts, warm=1)
    for _ in range(2):
        pool.release(await pool.acquire())
    assert starts.begun == [] and pool.size == 2
    held = await pool.acquire()
    waiting = asyncio.ensure_future(pool.acquire())
    await settle()
    assert starts.begun == ["cold"] and not waiting.done()  # handed out once started, not before
    starts.end("cold")
    assert await waiting == "cold"
    pool.release(held)
    pool.release("cold")
    assert await pool.acquire() == "cold" and await pool.acquire() == "warm"  # both started: last released first


async def test_a_task_takes_an_item_released_before_the_cold_one_has_started():
    starts = Starts()
    pool = Pool(["warm", "cold"], start=starts, warm=1)
    held = await pool.acquire()
    waiting = asyncio.ensure_future(pool.acquire())
    await settle()
    pool.release(held)
    assert await waiting == "warm"  # no wait for the boot
    starts.end("cold")
    await settle()
    assert await pool.acquire() == "cold"  # started all the same: it joins the idle ones
    assert starts.begun == ["cold"]


async def test_each_waiting_task_starts_one_more_cold_item():
    starts = Starts()
    pool = Pool(["a", "b", "c"], start=starts, warm=0)
    first = asyncio.ensure_future(pool.acquire())
    await settle()
    second = asyncio.ensure_future(pool.acquire())
    await settle()
    assert starts.begun == ["a", "b"]
    starts.end("b")
    starts.end("a")
    assert {await first, await second} == {"a", "b"}
    assert starts.begun == ["a", "b"]


async def test_an_item_that_failed_to_start_is_handed_out_all_the_same():
    starts = Starts()
    pool = Pool(["warm", "cold"], start=starts, warm=1)
    await pool.acquire()
    waiting = asyncio.ensure_future(pool.acquire())
    await settle()
    starts.end("cold", RuntimeError("did not boot"))
    assert await waiting == "cold"  # its first call meets the failure again, with its message, on a task's row


async def test_the_pool_says_whether_an_item_is_idle():
    pool = Pool(["a"])
    assert pool.idle
    item = await pool.acquire()
    assert not pool.idle
    pool.release(item)
    assert pool.idle


async def test_a_waiter_that_gives_up_loses_its_place_and_the_item_goes_to_the_next_or_stays_idle():
    pool = Pool(["only"])
    held = await pool.acquire()
    quitter, next_in_line = asyncio.ensure_future(pool.acquire()), asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0)
    quitter.cancel()
    await asyncio.sleep(0)
    pool.release(held)
    assert await next_in_line == "only"
    pool.release("only")
    assert pool.idle and quitter.cancelled()
