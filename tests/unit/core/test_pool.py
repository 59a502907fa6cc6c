"""Pool hands out idle items only and makes the others wait."""

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


def test_an_empty_pool_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        Pool([])
