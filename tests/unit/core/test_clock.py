"""ManualClock: time moves only when advanced, and sleepers wake in order at their due time."""

import asyncio

from dataflow.core.clock import ManualClock, SystemClock


async def test_sleepers_wake_in_due_order_at_their_due_time():
    clock = ManualClock(start=100.0)
    woke = []

    async def sleeper(name, seconds):
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    tasks = [asyncio.ensure_future(sleeper("b", 2)), asyncio.ensure_future(sleeper("a", 1))]
    await clock.advance(0.5)
    assert woke == []
    await clock.advance(5)
    assert woke == [("a", 101.0), ("b", 102.0)]
    assert clock.now() == 105.5
    await asyncio.gather(*tasks)


async def test_zero_sleep_does_not_wait_for_advance():
    clock = ManualClock()
    await asyncio.wait_for(clock.sleep(0), timeout=1)


async def test_cancelled_sleeper_is_skipped():
    clock = ManualClock()
    task = asyncio.ensure_future(clock.sleep(1))
    await asyncio.sleep(0)
    task.cancel()
    await clock.advance(2)
    assert task.cancelled()
    assert clock.next_wakeup is None


async def test_system_clock_reads_wall_time():
    clock = SystemClock()
    before = clock.now()
    await clock.sleep(0)
    assert clock.now() >= before > 1_600_000_000
