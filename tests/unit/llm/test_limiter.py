"""The rate limiter on a manual clock: a sliding minute per provider, shared by its tasks, and
holds when the provider asks for a wait."""

import asyncio

import pytest

from dataflow.core.clock import ManualClock, settle
from dataflow.executors.llm.limiter import Limiters, RateLimiter


async def start_times(clock, limiter, count):
    times: list[float] = []

    async def one():
        await limiter.acquire()
        times.append(clock.now() - 1_000_000.0)

    tasks = [asyncio.ensure_future(one()) for _ in range(count)]
    return tasks, times


async def test_requests_within_the_ceiling_start_at_once():
    clock = ManualClock()
    tasks, times = await start_times(clock, RateLimiter(clock, per_minute=3), 3)
    await settle()
    assert times == [0, 0, 0] and all(task.done() for task in tasks)


async def test_the_request_over_the_ceiling_waits_until_the_oldest_leaves_the_minute():
    clock = ManualClock()
    limiter = RateLimiter(clock, per_minute=2)
    await limiter.acquire()
    await clock.advance(10)
    await limiter.acquire()
    tasks, times = await start_times(clock, limiter, 2)
    await clock.advance(49.9)
    assert times == []
    await clock.advance(0.1)
    assert times == [60.0]
    await clock.advance(10)
    assert times == [60.0, 70.0]
    assert all(task.done() for task in tasks)


async def test_no_more_than_the_ceiling_start_in_any_minute():
    clock = ManualClock()
    limiter = RateLimiter(clock, per_minute=5)
    tasks, times = await start_times(clock, limiter, 23)
    await clock.advance(300)
    assert len(times) == 23 and all(task.done() for task in tasks)
    for start in times:
        assert sum(1 for other in times if start <= other < start + 60) <= 5


async def test_zero_means_no_ceiling():
    clock = ManualClock()
    tasks, times = await start_times(clock, RateLimiter(clock, per_minute=0), 100)
    await settle(50)
    assert len(times) == 100


async def test_a_hold_delays_every_request_until_its_time():
    clock = ManualClock()
    limiter = RateLimiter(clock)
    limiter.hold(clock.now() + 5)
    tasks, times = await start_times(clock, limiter, 2)
    await clock.advance(4.9)
    assert times == []
    await clock.advance(0.1)
    assert times == [5.0, 5.0]


async def test_a_shorter_hold_never_shortens_a_longer_one():
    clock = ManualClock()
    limiter = RateLimiter(clock)
    limiter.hold(clock.now() + 10)
    limiter.hold(clock.now() + 2)
    assert limiter.wait_time(clock.now()) == 10


async def test_tasks_of_one_provider_share_its_ceiling_and_other_providers_do_not():
    clock = ManualClock()
    limiters = Limiters(clock)
    first = limiters.for_provider("https://api.example.com/v1/", 1)
    assert limiters.for_provider("https://api.example.com/v1", 1) is first
    other = limiters.for_provider("http://localhost:11434/v1", 1)
    await first.acquire()
    await other.acquire()
    assert first.wait_time(clock.now()) == 60 and other.wait_time(clock.now()) == 60


def test_a_negative_ceiling_is_refused():
    with pytest.raises(ValueError, match="requests per minute"):
        RateLimiter(ManualClock(), per_minute=-1)


async def test_a_request_counts_until_a_minute_after_its_answer():
    clock = ManualClock()
    limiter = RateLimiter(clock, per_minute=1)
    answered = await limiter.acquire()
    await clock.advance(5)
    answered()  # the browser held it in its queue: the provider may have seen it only now
    tasks, times = await start_times(clock, limiter, 1)
    await clock.advance(59.9)
    assert times == []
    await clock.advance(0.1)
    assert times == [65.0]
