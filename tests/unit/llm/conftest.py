"""Fixtures for the LLM kind: the loopback test server, a fast clock, a context and a record source.

The executor talks to the test server over real HTTP, so some real time must pass for the server's
answers; `FastClock` keeps the executor's own waits (backoff, rate limit, time-outs, the stop
watcher) on a virtual timeline that runs a thousand times faster than real time. No test asserts
on elapsed real time.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from dataflow.core.executor import ExecutionContext
from dataflow.core.status import StopRequest
from dataflow.executors.llm.executor import LlmExecutor
from dataflow.executors.llm.limiter import Limiters
from dataflow.executors.llm.options import API_KEY
from dataflow.executors.llm.stream_transport import StreamTransport
from tests.llm_server import GOOD_KEY, MODEL, LlmTestServer


class FastClock:
    """Virtual epoch time that runs `speed` times faster than real time; `sleeps` records every wait."""

    def __init__(self, start: float = 1_000_000.0, speed: float = 1000.0):
        self.start, self.speed, self.t0 = start, speed, time.monotonic()
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.start + (time.monotonic() - self.t0) * self.speed

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class Context:
    """Builds ExecutionContexts like the orchestrator does, recording progress and checkpoints;
    `stop` is what the user asked (set it to pause or cancel)."""

    def __init__(self, task_id: str = "task-1", key: str | None = GOOD_KEY):
        self.task_id, self.key = task_id, key
        self.stop: StopRequest | None = None
        self.progress: list[tuple[float, str | None]] = []
        self.checkpoints: list[object] = []
        self.checkpoint_data: object = None

    def make(self, attempt: int = 1) -> ExecutionContext:
        return ExecutionContext(task_id=self.task_id, attempt=attempt, checkpoint_data=self.checkpoint_data,
                                on_progress=lambda p, m: self.progress.append((p, m)),
                                on_checkpoint=self._checkpoint, stop_requested=lambda: self.stop,
                                secrets={API_KEY: self.key} if self.key else {})

    def _checkpoint(self, data: object) -> None:
        self.checkpoint_data = data
        self.checkpoints.append(data)


class ListSource:
    """Records from the task input's `records` (the JSON reader of issue 13 will replace this)."""

    async def records(self, input):  # noqa: A002
        return input["records"]


def make_records(count: int) -> list[dict]:
    moods = ["good", "bad", "plain"]
    return [{"id": index, "fields": {"description": f"rec-{index:03d} Alice works at ACME on model X{index} "
                                                    f"and it is {moods[index % 3]}"}} for index in range(count)]


@pytest.fixture
def server():
    with LlmTestServer() as running:
        yield running


@pytest.fixture
def fast_clock():
    return FastClock()


@pytest.fixture
def make_executor(server, fast_clock, blobs):
    def make(**kwargs) -> LlmExecutor:
        defaults = dict(transport=StreamTransport(), source=ListSource(), blobs=blobs, clock=fast_clock,
                        limiters=Limiters(fast_clock), rng=lambda: 0.5)
        return LlmExecutor(**{**defaults, **kwargs})

    return make


NEVER = 1e7  # virtual seconds: a time-out real latency cannot reach, however loaded the machine (10^4 s real)


def task_input(server, records, **options) -> dict:
    settings = {"base_url": server.base_url, "model": MODEL, "text_path": "fields.description",
                "requests_per_minute": 0, "timeout": NEVER, **options}
    return {"name": "records.jsonl", "records": records, "options": settings}
