"""Pool hands out idle items only, the last released first, and makes the others wait in turn."""

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
