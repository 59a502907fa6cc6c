"""Random sequences of create / run / fail / pause / resume / cancel / retry / remove / restart.

Invariants: only legal transitions are ever observed (also across a restart), retry_count never
exceeds max_retries, no more tasks run than the concurrency allows, the saved records equal the
in-memory state after a flush, no task is lost or duplicated by a restart, and every completed
task has the result an uninterrupted run would have.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from dataflow.core import events
from dataflow.core.clock import ManualClock
from dataflow.core.errors import InvalidTransitionError, UnknownTaskError
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.persistence import decode
from dataflow.core.retry import RetryPolicy
from dataflow.core.status import TaskStatus, can_transition
from dataflow.core.storage import MemoryStorage
from tests.unit.core.conftest import StepExecutor, expected_total

POLICY = RetryPolicy(initial_interval=0.5, maximum_interval=2.0, maximum_attempts=3)


class OrchestratorMachine(RuleBasedStateMachine):
    tasks = Bundle("tasks")

    @initialize(concurrency=st.integers(min_value=1, max_value=3))
    def setup(self, concurrency):
        self.loop = asyncio.new_event_loop()
        self.clock = ManualClock()
        self.storage = MemoryStorage()
        self.concurrency = concurrency
        self.executor = StepExecutor(self.clock)
        self.violations: list[str] = []
        self.last_status: dict[str, TaskStatus] = {}
        self.steps: dict[str, int] = {}
        self.counter = 0
        self.orchestrator = self.run(self.make)

    def make(self) -> Orchestrator:
        orchestrator = Orchestrator(clock=self.clock, storage=self.storage, concurrency=self.concurrency,
                                    retry_policy=POLICY, history_limit=10_000, rng=lambda: 0.7,
                                    id_factory=self.new_id)
        orchestrator.register("steps", self.executor)
        orchestrator.subscribe(self.observe)
        orchestrator.start()
        return orchestrator

    def make_and_list(self) -> dict[str, TaskStatus]:
        """Start a new orchestrator and read its tasks before anything else runs."""
        self.orchestrator = self.make()
        return {t.id: t.status for t in self.orchestrator.list_tasks()}

    def new_id(self) -> str:
        self.counter += 1
        return f"task-{self.counter}"

    def run(self, function, *args):
        async def call():
            result = function(*args)
            return await result if asyncio.iscoroutine(result) else result
        return self.loop.run_until_complete(call())

    def observe(self, event) -> None:
        if event.type == events.REMOVED:
            self.last_status.pop(event.task_id, None)
            return
        if event.task is None:
            return
        before = self.last_status.get(event.task_id)
        after = event.task.status
        if before is not None and before != after and not can_transition(before, after):
            self.violations.append(f"{event.task_id}: {before} -> {after}")
        self.last_status[event.task_id] = after

    def teardown(self):
        if hasattr(self, "loop"):
            self.run(self.orchestrator.close)
            self.loop.close()

    # Rules ---------------------------------------------------------------------------------

    @rule(target=tasks, steps=st.integers(1, 4), fail_at=st.integers(0, 3),
          fail_on=st.sets(st.integers(1, 3), max_size=3))
    def create(self, steps, fail_at, fail_on):
        spec = {"steps": steps, "fail_at": fail_at, "fail_on_attempts": sorted(fail_on)}
        task_id = self.run(self.orchestrator.execute_task, f"job {steps}", "steps", spec)
        self.steps[task_id] = steps
        return task_id

    @rule(seconds=st.sampled_from([0, 0.25, 0.5, 1, 2.5, 6]))
    def advance(self, seconds):
        self.run(self.clock.advance, seconds)

    @rule(task_id=tasks, action=st.sampled_from(["pause", "resume", "cancel", "retry", "remove"]))
    def act(self, task_id, action):
        self.run(self.act_now, task_id, action)

    def act_now(self, task_id, action):
        before = self.snapshot(task_id)  # in the same loop turn as the action: nothing runs between
        try:
            getattr(self.orchestrator, action)(task_id)
        except (InvalidTransitionError, UnknownTaskError):
            assert self.snapshot(task_id) == before, f"a refused {action} changed the task"

    @rule()
    def restart(self):
        self.run(self.orchestrator.close)
        before = {t.id: t.status for t in self.orchestrator.list_tasks()}
        after = self.run(self.make_and_list)
        assert sorted(after) == sorted(before), "a restart lost or duplicated tasks"
        for task_id, status in after.items():
            old = before[task_id]
            if old != status:
                # restore may pass through pending (interrupted) before anything else happens
                legal = can_transition(old, status) or (can_transition(old, TaskStatus.PENDING)
                                                         and can_transition(TaskStatus.PENDING, status))
                assert legal, f"restart moved {task_id} from {old} to {status}"
            self.last_status[task_id] = status

    def snapshot(self, task_id):
        try:
            return self.orchestrator.get_task_state(task_id)
        except UnknownTaskError:
            return None

    # Invariants ----------------------------------------------------------------------------

    @invariant()
    def only_legal_transitions(self):
        assert self.violations == []

    @invariant()
    def retries_stay_within_budget(self):
        for task in self.orchestrator.list_tasks():
            assert 0 <= task.retry_count <= task.max_retries

    @invariant()
    def concurrency_is_respected(self):
        running = [t for t in self.orchestrator.list_tasks() if t.status is TaskStatus.RUNNING]
        assert len(running) <= self.concurrency

    @invariant()
    def saved_state_equals_memory_after_flush(self):
        self.orchestrator.flush()
        tasks = {t.id: t for t in self.orchestrator.list_tasks()}
        keys = self.storage.keys()
        saved = {key: self.storage.get(key) for key in keys if key.startswith(self.orchestrator.store.prefix)}
        assert sorted(saved) == sorted(self.orchestrator.store.key_for(i) for i in tasks)
        for task_id, task in tasks.items():
            assert decode(saved[self.orchestrator.store.key_for(task_id)]) == task

    @invariant()
    def completed_tasks_have_the_uninterrupted_result(self):
        for task in self.orchestrator.list_tasks():
            if task.status is TaskStatus.COMPLETED:
                assert task.result == {"total": expected_total(self.steps[task.id]), "steps": self.steps[task.id]}


OrchestratorMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestOrchestratorStateful = OrchestratorMachine.TestCase
