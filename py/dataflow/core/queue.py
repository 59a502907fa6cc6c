"""The queue of pending tasks: first in, first out by the time each became eligible to run.

A task waiting for a retry is eligible at its `next_attempt_at`, so one heap orders both fresh
and retrying tasks. Entries are invalidated lazily (a discarded id is skipped when popped).
Standard library only.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

Admit = Callable[[str], bool]  # may this task id start now (its kind has a free slot)?


class ReadyQueue:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str]] = []
        self._live: dict[str, int] = {}
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, task_id: str) -> bool:
        return task_id in self._live

    def push(self, task_id: str, eligible_at: float) -> None:
        """Queue `task_id` (again): it may run from `eligible_at` on."""
        seq = next(self._order)
        self._live[task_id] = seq
        heapq.heappush(self._heap, (eligible_at, seq, task_id))

    def discard(self, task_id: str) -> None:
        """Take `task_id` out of the queue (no error if it is not queued)."""
        self._live.pop(task_id, None)

    def _drop_stale(self) -> None:
        while self._heap and self._live.get(self._heap[0][2]) != self._heap[0][1]:
            heapq.heappop(self._heap)

    def next_eligible_at(self, admit: Admit | None = None) -> float | None:
        """When the first queued task (that `admit` lets start) may run, or None if there is none."""
        self._drop_stale()
        if admit is None:
            return self._heap[0][0] if self._heap else None
        times = [at for at, seq, task_id in self._heap if self._live.get(task_id) == seq and admit(task_id)]
        return min(times) if times else None

    def pop_due(self, now: float, admit: Admit | None = None) -> str | None:
        """The first task eligible by `now` that `admit` lets start, removed from the queue; None if
        there is none. Tasks passed over keep their place (FIFO holds within each kind)."""
        skipped: list[tuple[float, int, str]] = []
        found = None
        while True:
            self._drop_stale()
            if not self._heap or self._heap[0][0] > now:
                break
            entry = heapq.heappop(self._heap)
            if admit is None or admit(entry[2]):
                del self._live[entry[2]]
                found = entry[2]
                break
            skipped.append(entry)
        for entry in skipped:
            heapq.heappush(self._heap, entry)
        return found

    def ids(self) -> list[str]:
        """Queued ids in the order they would run."""
        return [task_id for _, seq, task_id in sorted(self._heap) if self._live.get(task_id) == seq]
