"""Factories for orchestrator tests: a manual clock, shared storage, and a step-by-step executor."""

from __future__ import annotations

import pytest

from dataflow.core.clock import ManualClock
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.retry import RetryPolicy
from dataflow.core.storage import MemoryStorage

NO_JITTER = RetryPolicy(jitter=False)


class StepExecutor:
    """Does `steps` units of one second each, checkpointing after each; fails on demand.

    input: {"steps": n, "fail_at": k, "fail_on_attempts": [1, 2], "fail_on_runs": [1], "error": "ValueError"}
    (runs are counted over the executor's life, attempts restart after a retry by hand).
    The result depends on every step (a running sum), so a resumed run must continue correctly
    to produce the same result as an uninterrupted one.
    """

    kind = "steps"

    def __init__(self, clock: ManualClock):
        self.clock = clock
        self.runs: list[dict] = []  # one entry per execute call: attempt and the step it started at
        self.steps_done: list[int] = []

    async def execute(self, input, ctx):  # noqa: A002
        checkpoint = ctx.checkpoint_data or {"next": 0, "total": 0}
        self.runs.append({"attempt": ctx.attempt, "start": checkpoint["next"]})
        steps, total = input["steps"], checkpoint["total"]
        for step in range(checkpoint["next"], steps):
            ctx.raise_if_cancelled()
            failing = (ctx.attempt in input.get("fail_on_attempts", [])
                       or len(self.runs) in input.get("fail_on_runs", []))
            if step == input.get("fail_at") and failing:
                error_type = {"ValueError": ValueError, "OSError": OSError}.get(input.get("error"), RuntimeError)
                raise error_type(f"step {step} failed on attempt {ctx.attempt}")
            await self.clock.sleep(1)
            total += (step + 1) ** 2
            self.steps_done.append(step)
            ctx.checkpoint({"next": step + 1, "total": total})
            ctx.report_progress(100 * (step + 1) / steps, f"step {step + 1} of {steps}")
        return {"total": total, "steps": steps}


def expected_total(steps: int) -> int:
    return sum((step + 1) ** 2 for step in range(steps))


@pytest.fixture
def clock():
    return ManualClock(start=1_000.0)


@pytest.fixture
def storage():
    return MemoryStorage()


@pytest.fixture
def make_orchestrator(clock, storage, closing):
    """Build orchestrators over one clock and one storage (a second one models a reload)."""
    made: list[Orchestrator] = closing

    def make(*, executor=None, register=True, start=True, **kwargs):
        kwargs.setdefault("retry_policy", NO_JITTER)
        kwargs.setdefault("storage", storage)
        counter = iter(range(1, 1_000_000))
        kwargs.setdefault("id_factory", lambda: f"t{len(made)}-{next(counter)}")
        orchestrator = Orchestrator(clock=clock, **kwargs)
        orchestrator.events = []
        orchestrator.subscribe(orchestrator.events.append)
        orchestrator.executor = executor or StepExecutor(clock)
        if register:
            orchestrator.register("steps", orchestrator.executor)
        if start:
            orchestrator.start()
        made.append(orchestrator)
        return orchestrator

    return make
