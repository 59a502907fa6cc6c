"""Request pacing: a requests-per-minute ceiling per provider, shared by every task that calls it,
and a provider-wide hold when the provider says to wait. Time comes from an injected clock.

Standard library only. The window is sliding: at most `per_minute` requests in any 60 seconds.
A request counts from its start until 60 s after its answer (`acquire` returns the function that
says it was answered): the provider counts arrivals, and a browser may hold a started request in
its own queue (six connections per host) before it leaves, so counting starts alone let the
provider see more than the ceiling in its window.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from dataflow.core.clock import Clock

WINDOW = 60.0


class RateLimiter:
    """`await acquire()` before each request: returns once a slot in the last minute is free and
    no hold is in force. `per_minute` 0 means no ceiling."""

    def __init__(self, clock: Clock, per_minute: int = 0):
        if per_minute < 0:
            raise ValueError(f"requests per minute must be 0 (no limit) or more, got {per_minute}")
        self.clock, self.per_minute = clock, per_minute
        self.started: deque[list[float]] = deque()  # [time] per request: its start, then its answer
        self.hold_until = 0.0
        self._lock = asyncio.Lock()

    def hold(self, until: float) -> None:
        """Start no request before `until` (epoch seconds): the provider asked for a wait."""
        self.hold_until = max(self.hold_until, until)

    def wait_time(self, now: float) -> float:
        """Seconds until the next request may start (0: now)."""
        while self.started and self.started[0][0] <= now - WINDOW:
            self.started.popleft()
        wait = max(0.0, self.hold_until - now)
        if self.per_minute and len(self.started) >= self.per_minute:
            wait = max(wait, self.started[0][0] + WINDOW - now)
        return wait

    async def acquire(self) -> Callable[[], None]:
        """Wait (on the clock) for a free slot, then take it. FIFO among waiters. Returns `answered()`,
        to call when the request is over: its slot then counts from that time (answers out of order
        only make the limiter wait longer, never let more through)."""
        async with self._lock:
            while (wait := self.wait_time(self.clock.now())) > 0:
                await self.clock.sleep(wait)
            slot = [self.clock.now()]
            self.started.append(slot)

        def answered() -> None:
            slot[0] = max(slot[0], self.clock.now())
        return answered


class Limiters:
    """One RateLimiter per provider (its base URL), created on first use and shared by tasks."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self._by_provider: dict[str, RateLimiter] = {}

    def for_provider(self, base_url: str, per_minute: int) -> RateLimiter:
        """The provider's limiter; its ceiling follows the latest setting."""
        limiter = self._by_provider.setdefault(base_url.rstrip("/"), RateLimiter(self.clock, per_minute))
        limiter.per_minute = per_minute
        return limiter
