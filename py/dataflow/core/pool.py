"""A pool of interchangeable resources (worker clients) handed out one task at a time, some of
which may start only when there is work for them. Standard library only."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Pool(Generic[T]):
    """Hands out the most recently released idle item first (at the start: in list order), so work
    stays on items already started; `acquire` waits while all are busy, first come, first served.

    With `start` and `warm=K`, only the first K items are handed out from the start; the others are
    cold: one is started (`await start(item)`, say a worker booting) when an `acquire` finds no item
    idle, and joins the idle ones once started. The task that asked takes whichever comes first, that
    item or one released meanwhile, so no task waits for a boot that a busy item would beat."""

    def __init__(self, items: list[T], *, start: Callable[[T], Awaitable[object]] | None = None,
                 warm: int | None = None):
        if not items:
            raise ValueError("a pool needs at least one item")
        self.items = list(items)
        handed = len(self.items) if start is None or warm is None else max(0, warm)
        self._cold, self._start = self.items[handed:], start
        self._idle: asyncio.LifoQueue[T] = asyncio.LifoQueue()
        for item in reversed(self.items[:handed]):
            self._idle.put_nowait(item)
        self._starting: set[asyncio.Future[None]] = set()

    @property
    def size(self) -> int:
        """How many items the pool has, busy, cold or not."""
        return len(self.items)

    @property
    def idle(self) -> bool:
        """Whether `acquire` would hand out an item at once (one is idle)."""
        return not self._idle.empty()

    async def acquire(self) -> T:
        """An idle item (the last one released), waiting until one is released or started if all are
        busy (then a cold item, if any is left, starts)."""
        if self._idle.empty() and self._cold and self._start is not None:
            self._warm_up(self._cold.pop(0))
        return await self._idle.get()

    def release(self, item: T) -> None:
        """Give back an item from `acquire` (once)."""
        self._idle.put_nowait(item)

    def _warm_up(self, item: T) -> None:
        start = self._start
        assert start is not None

        async def warm() -> None:
            try:
                with contextlib.suppress(Exception):  # a failed start fails again, with its message, on first use
                    await start(item)
            finally:
                self._idle.put_nowait(item)

        starting = asyncio.ensure_future(warm())
        self._starting.add(starting)  # a reference until it ends (the loop keeps only weak ones)
        starting.add_done_callback(self._starting.discard)
