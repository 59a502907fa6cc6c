"""A pool of interchangeable resources (worker clients) handed out one task at a time.
Standard library only."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

T = TypeVar("T")


class Pool(Generic[T]):
    """Hands out the most recently released idle item first (at the start: in list order), so work
    stays on items already started and a lazy one (a worker that boots on its first call) is used
    only when all the others are busy; `acquire` waits while all are busy, first come, first served."""

    def __init__(self, items: list[T]):
        if not items:
            raise ValueError("a pool needs at least one item")
        self.items = list(items)
        self._idle: asyncio.LifoQueue[T] = asyncio.LifoQueue()
        for item in reversed(self.items):
            self._idle.put_nowait(item)

    @property
    def size(self) -> int:
        """How many items the pool has, busy or not."""
        return len(self.items)

    async def acquire(self) -> T:
        """An idle item (the last one released), waiting until one is released if all are busy."""
        return await self._idle.get()

    def release(self, item: T) -> None:
        """Give back an item from `acquire` (once)."""
        self._idle.put_nowait(item)
