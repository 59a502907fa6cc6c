"""Time, injected: the real clock for the app, a manual one for tests. Standard library only."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` (the manual clock waits until the test advances it)."""


class SystemClock:
    """Wall time and asyncio's sleep; what the app uses."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that only moves when told: `await clock.advance(5)` wakes the sleepers due by then."""

    def __init__(self, start: float = 1_000_000.0):
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), future))
        await future

    @property
    def next_wakeup(self) -> float | None:
        live = [due for due, _, future in self._sleepers if not future.done()]
        return min(live) if live else None

    async def advance(self, seconds: float) -> None:
        """Move time forward, waking each sleeper at its due time, in order."""
        target = self._now + seconds
        await settle()  # what is ready now runs at the current time
        while self._sleepers and self._sleepers[0][0] <= target:
            due, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, due)
            if not future.done():
                future.set_result(None)
            await settle()
        self._now = target
        await settle()


async def settle(rounds: int = 20) -> None:
    """Let the event loop run the callbacks and tasks that are ready (no real time passes)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
