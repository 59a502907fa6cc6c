"""A pool of interchangeable resources (worker clients) handed out one task at a time.
Standard library only."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

T = TypeVar("T")


class Pool(Generic[T]):
    """Hands out idle items first come, first served; `acquire` waits while all are busy."""

    def __init__(self, items: list[T]):
        if not items:
            raise ValueError("a pool needs at least one item")
        self.items = list(items)
        self._idle: asyncio.Queue[T] = asyncio.Queue()
        for item in self.items:
            self._idle.put_nowait(item)

    @property
    def size(self) -> int:
        """How many items the pool has, busy or not."""
        return len(self.items)

    async def acquire(self) -> T:
        """An idle item, waiting until one is released if all are busy."""
        return await self._idle.get()

    def release(self, item: T) -> None:
        """Give back an item from `acquire` (once)."""
        self._idle.put_nowait(item)
