"""Long loops cut into slices: work on many items (thousands of saved tasks read, removed or swept)
that gives the event loop back every `budget` seconds, so that in the browser no slice becomes a long
task (over 50 ms) on the main thread and the page keeps answering clicks and scrolling meanwhile.

The time comes from an injected `now()` (a monotonic counter by default) and the yield is an injected
`pause()` (`asyncio.sleep(0)` by default: one turn of the event loop, never a real wait), so tests
drive both. Standard library only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
SLICE_SECONDS = 0.012  # well under the 50 ms of a long task, on a machine 2-3 times slower than this one


async def turn() -> None:
    """One turn of the event loop (in the browser: the page may render and take input)."""
    await asyncio.sleep(0)


async def in_slices(items: Iterable[T], work: Callable[[T], object], *, budget: float = SLICE_SECONDS,
                    now: Callable[[], float] = time.perf_counter,
                    pause: Callable[[], Awaitable[None]] = turn) -> int:
    """Call `work(item)` for each item, in order, awaiting `pause()` whenever `budget` seconds went by
    since the last pause; returns the number of pauses. An exception from `work` stops the loop and
    propagates (the items before it were done, the rest were not)."""
    pauses, start = 0, now()
    for item in items:
        work(item)
        if now() - start >= budget:
            await pause()
            pauses += 1
            start = now()
    return pauses
