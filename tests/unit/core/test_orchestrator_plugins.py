"""Orchestrator features for plug-in executors: secrets in memory only, retry not before a time
(persisted and honoured across a restart), concurrency per kind, the action table, and a wait for
a free worker (paused at once, not counted as running)."""

import json

import pytest

from dataflow.core.errors import InvalidTransitionError, NonRetryableError, RetryAfterError
from dataflow.core.persistence import DEFAULT_PREFIX, decode
from dataflow.core.pool import Pool
from dataflow.core.retry import RetryPolicy
from dataflow.core.runs import leased
from dataflow.core.status import Action, TaskStatus

S = TaskStatus
SECRET = "correct horse battery staple"


class Locked(NonRetryableError):
    pass


class SecretExecutor:
    """Completes only with the right password in ctx.secrets; records what it was given."""

    def __init__(self):
        self.seen: list[dict] = []

    async def execute(self, input, ctx):  # noqa: A002
        self.seen.append(dict(ctx.secrets))
        if ctx.secrets.get("password") != SECRET:
            raise Locked("the password is missing or wrong")
        return {"opened": True}


def everything_persisted_or_emitted(storage, orchestrator) -> str:
    return json.dumps(storage.data) + repr(orchestrator.events)


async def test_a_secret_given_on_retry_reaches_the_executor_and_never_storage_or_events(make_orchestrator,
                                                                                          clock, storage):
    executor = SecretExecutor()
    o = make_orchestrator(executor=executor, register=False)
    o.register("locked", executor)
    task_id = o.execute_task("vault", "locked", {})
    await clock.advance(1)
    assert o.get_task_state(task_id).error.type == "Locked"
    o.retry(task_id, secrets={"password": SECRET})
    await clock.advance(1)
    state = o.get_task_state(task_id)
    assert state.status is S.COMPLETED and executor.seen == [{}, {"password": SECRET}]
    assert state.secret_names == ["password"]  # its name only
    o.flush()
    assert SECRET not in everything_persisted_or_emitted(storage, o)


async def test_a_completed_tasks_secret_stays_in_memory_for_a_task_made_from_it_until_removal_or_reload(
        make_orchestrator, clock, storage):
    executor = SecretExecutor()
    o = make_orchestrator(executor=executor, register=False)
    o.register("locked", executor)
    task_id = o.execute_task("vault", "locked", {}, secrets={"password": SECRET})
    await clock.advance(1)
    assert o.get_task_state(task_id).status is S.COMPLETED
    kept = o.secrets_of(task_id)
    kept["password"] = "changed"  # a copy: the caller cannot change what the task holds
    assert o.secrets_of(task_id) == {"password": SECRET} and o.secrets_of("unknown") == {}
    o.flush()
    assert SECRET not in everything_persisted_or_emitted(storage, o)
    await o.close()
    reloaded = make_locked(make_orchestrator, executor)
    assert reloaded.secrets_of(task_id) == {}  # memory only: a reload forgets it
    o.remove(task_id)
    assert o.secrets_of(task_id) == {}


def make_locked(make_orchestrator, executor, **kwargs):
    orchestrator = make_orchestrator(executor=executor, register=False, start=False, **kwargs)
    orchestrator.register("locked", executor)
    orchestrator.start()
    return orchestrator


async def test_after_a_reload_a_task_waits_for_its_secret_with_a_prompt(make_orchestrator, clock):
    executor = SecretExecutor()
    first = make_locked(make_orchestrator, executor)
    task_id = first.execute_task("vault", "locked", {})
    await clock.advance(1)
    first.retry(task_id, secrets={"password": "wrong"})
    await clock.advance(1)
    assert first.get_task_state(task_id).error.type == "Locked"
    await first.close()
    reloaded = make_locked(make_orchestrator, executor)
    reloaded.retry(task_id)  # Retry without the secret, which the reload forgot: it is not run without it
    await clock.advance(1)
    state = reloaded.get_task_state(task_id)
    assert state.status is S.FAILED and state.error.type == "SecretMissingError" and not state.error.retryable
    assert "needs its password again" in state.error.message
    assert executor.seen == [{}, {"password": "wrong"}]
    reloaded.retry(task_id, secrets={"password": SECRET})
    await clock.advance(1)
    assert reloaded.get_task_state(task_id).status is S.COMPLETED


async def test_a_running_task_whose_secret_was_forgotten_asks_for_it_on_restore(make_orchestrator, clock, storage):
    executor = SecretExecutor()
    first = make_locked(make_orchestrator, executor)
    task_id = first.execute_task("vault", "locked", {})
    await clock.advance(1)
    first.retry(task_id, secrets={"password": SECRET})  # starts at once: the tab closes while it runs
    await first.close()
    saved = decode(storage.get(DEFAULT_PREFIX + task_id))
    assert saved.status is S.RUNNING and saved.secret_names == ["password"] and SECRET not in json.dumps(storage.data)
    runs = len(executor.seen)
    reloaded = make_locked(make_orchestrator, executor)
    await clock.advance(1)
    state = reloaded.get_task_state(task_id)
    assert state.status is S.FAILED and state.error.type == "SecretMissingError"
    assert len(executor.seen) == runs


class RateLimited:
    """Fails once with a retry-after time `after` seconds ahead, then completes."""

    def __init__(self, clock, after):
        self.clock, self.after, self.calls = clock, after, []

    async def execute(self, input, ctx):  # noqa: A002
        self.calls.append(self.clock.now())
        if len(self.calls) == 1:
            raise RetryAfterError("429 Too Many Requests", not_before=self.clock.now() + self.after)
        return {"ok": True}


async def test_retry_after_time_is_persisted_and_honoured_across_a_restart(make_orchestrator, clock, storage):
    executor = RateLimited(clock, after=120)
    first = make_orchestrator(executor=executor, register=False,
                              retry_policy=RetryPolicy(initial_interval=1, jitter=False))
    first.register("api", executor)
    task_id = first.execute_task("call", "api", {})
    await clock.advance(0)
    failed_at = executor.calls[0]
    saved = decode(storage.get(DEFAULT_PREFIX + task_id))
    assert saved.status is S.PENDING and saved.next_attempt_at == failed_at + 120  # not the 1 s backoff
    await first.close()
    reloaded = make_orchestrator(executor=executor, register=False, start=False)
    reloaded.register("api", executor)
    reloaded.start()
    await clock.advance(119)
    assert len(executor.calls) == 1 and reloaded.get_task_state(task_id).status is S.PENDING
    await clock.advance(2)
    assert executor.calls[1] == failed_at + 120
    assert reloaded.get_task_state(task_id).status is S.COMPLETED


async def test_retry_after_is_capped_by_the_policy_and_never_earlier_than_the_backoff(make_orchestrator, clock):
    far = RateLimited(clock, after=10_000)
    o = make_orchestrator(executor=far, register=False,
                          retry_policy=RetryPolicy(initial_interval=5, jitter=False, maximum_retry_after=300))
    o.register("api", far)
    capped = o.execute_task("far", "api", {})
    await clock.advance(0)
    assert o.get_task_state(capped).next_attempt_at == far.calls[0] + 300
    near = RateLimited(clock, after=1)
    o.register("near", near)
    backoff = o.execute_task("near", "near", {})
    await clock.advance(0)
    assert o.get_task_state(backoff).next_attempt_at == near.calls[0] + 5


class KeyedRateLimited(RateLimited):
    """As RateLimited, recording the secrets each call was given."""

    async def execute(self, input, ctx):  # noqa: A002
        self.seen = [*getattr(self, "seen", []), dict(ctx.secrets)]
        return await super().execute(input, ctx)


async def test_a_task_waiting_for_a_retry_after_asks_for_its_forgotten_secret_at_once_and_keeps_its_wait(
        make_orchestrator, clock):
    executor = KeyedRateLimited(clock, after=600)
    first = make_locked(make_orchestrator, executor)
    task_id = first.execute_task("enrich", "locked", {}, secrets={"api_key": SECRET})
    await clock.advance(0)
    due = first.get_task_state(task_id).next_attempt_at
    assert first.get_task_state(task_id).status is S.PENDING and due == executor.calls[0] + 600
    await first.close()
    reloaded = make_locked(make_orchestrator, executor)  # the reload forgot the key, 10 min before the retry
    state = reloaded.get_task_state(task_id)
    assert state.status is S.FAILED and state.error.type == "SecretMissingError" and state.next_attempt_at == due
    await clock.advance(60)
    reloaded.retry(task_id, secrets={"api_key": SECRET})  # typed while the provider's wait runs
    state = reloaded.get_task_state(task_id)
    assert state.status is S.PENDING and state.next_attempt_at == due
    await clock.advance(due - clock.now() - 1)
    assert len(executor.calls) == 1
    await clock.advance(2)
    assert executor.calls[1] == due and executor.seen[1] == {"api_key": SECRET}
    assert reloaded.get_task_state(task_id).status is S.COMPLETED


async def test_a_retry_of_a_task_failed_after_its_wait_ended_starts_at_once(make_orchestrator, clock):
    executor = KeyedRateLimited(clock, after=30)
    first = make_locked(make_orchestrator, executor)
    task_id = first.execute_task("enrich", "locked", {}, secrets={"api_key": SECRET})
    await clock.advance(0)
    await first.close()
    reloaded = make_locked(make_orchestrator, executor)
    await clock.advance(45)  # the wait has passed while the task waited for its key
    reloaded.retry(task_id, secrets={"api_key": SECRET})
    await clock.advance(0)
    assert executor.calls[1] == clock.now() and reloaded.get_task_state(task_id).status is S.COMPLETED


def test_next_attempt_at_table():
    policy = RetryPolicy(initial_interval=2, jitter=False, maximum_retry_after=60)
    assert policy.next_attempt_at(1, 100.0) == 102.0
    assert policy.next_attempt_at(1, 100.0, not_before=130.0) == 130.0
    assert policy.next_attempt_at(1, 100.0, not_before=101.0) == 102.0
    assert policy.next_attempt_at(1, 100.0, not_before=1e9) == 160.0
    with pytest.raises(ValueError, match="maximum_retry_after"):
        RetryPolicy(maximum_retry_after=0)


class Hold:
    """Each task runs until its input's seconds pass on the manual clock."""

    def __init__(self, clock):
        self.clock, self.started = clock, []

    async def execute(self, input, ctx):  # noqa: A002
        self.started.append(input["name"])
        await self.clock.sleep(input["seconds"])
        return {}


async def test_each_kind_runs_up_to_its_own_limit_in_fifo_order(make_orchestrator, clock):
    hold = Hold(clock)
    o = make_orchestrator(executor=hold, register=False, concurrency=4)
    o.register("a", hold, concurrency=1)
    o.register("b", hold, concurrency=2)
    for name, kind in (("a1", "a"), ("a2", "a"), ("b1", "b"), ("a3", "a"), ("b2", "b"), ("b3", "b")):
        o.execute_task(name, kind, {"name": name, "seconds": 10})
    await clock.advance(0)
    assert hold.started == ["a1", "b1", "b2"]  # a2 waits for a1 although slots are free overall
    await clock.advance(10)
    assert hold.started == ["a1", "b1", "b2", "a2", "b3"]
    await clock.advance(10)
    assert hold.started[-1] == "a3"


def test_a_limit_under_one_is_refused(make_orchestrator):
    with pytest.raises(ValueError, match="concurrency of 'x'"):
        make_orchestrator(start=False).register("x", Hold(None), concurrency=0)


async def test_act_dispatches_through_the_action_table(make_orchestrator, clock):
    o = make_orchestrator()
    task_id = o.execute_task("x", "steps", {"steps": 3})
    await clock.advance(0)
    o.act(Action.PAUSE, task_id)
    assert o.get_task_state(task_id).stop_requested == "pause"
    o.act(Action.RESUME, task_id)
    o.act(Action.CANCEL, task_id)
    await clock.advance(1)
    assert o.get_task_state(task_id).status is S.CANCELLED
    with pytest.raises(InvalidTransitionError, match="cannot pause a task that is cancelled"):
        o.act(Action.PAUSE, task_id)
    o.act(Action.RETRY, task_id)
    assert o.get_task_state(task_id).status is S.RUNNING
    o.act(Action.REMOVE, task_id)
    assert o.list_tasks() == []


def test_action_names_are_parsed_against_the_table():
    assert Action.parse("pause") is Action.PAUSE
    assert Action.parse("__class__") is None and Action.parse("download") is None


class Worker:
    ready = True

    async def start(self):
        pass

    async def forget(self, task_id):
        pass


class BootingWorker(Worker):
    """A worker whose boot takes `seconds` of the clock (an interpreter and its packages loading)."""

    def __init__(self, clock, seconds):
        self.clock, self.seconds, self.ready = clock, seconds, False

    async def start(self):
        await self.clock.sleep(self.seconds)
        self.ready = True


class Leasing:
    """Works `steps` seconds on a worker leased from `pool` (the PDF and JSON executors' shape)."""

    kind = "leases"

    def __init__(self, clock, pool):
        self.clock, self.pool = clock, pool

    async def execute(self, input, ctx):  # noqa: A002
        ctx.report_progress(0.0, "Waiting for a free worker…")
        async with leased(self.pool, ctx, engine="engine", resumed=ctx.is_resume):
            for step in range(ctx.checkpoint_data or 0, input["steps"]):
                ctx.raise_if_cancelled()
                await self.clock.sleep(1)
                ctx.checkpoint(step + 1)
        return {"steps": input["steps"]}


def one_worker(make_orchestrator, clock, *, busy_steps, waiting_steps):
    """Two tasks and one worker: "busy" holds it for `busy_steps` seconds, "waiting" waits for it."""
    pool = Pool([Worker()])
    orchestrator = make_orchestrator(concurrency=2)
    orchestrator.register("leases", Leasing(clock, pool))
    busy = orchestrator.execute_task("busy", "leases", {"steps": busy_steps})
    waiting = orchestrator.execute_task("waiting", "leases", {"steps": waiting_steps})
    return orchestrator, pool, busy, waiting


@pytest.mark.parametrize(("act", "target"), [("pause", S.PAUSED), ("cancel", S.CANCELLED)])
async def test_a_task_waiting_for_a_worker_stops_at_once_and_gives_up_its_place(make_orchestrator, clock, act,
                                                                                target):
    o, pool, busy, waiting = one_worker(make_orchestrator, clock, busy_steps=3, waiting_steps=1)
    await clock.advance(0)
    assert o.get_task_state(waiting).attempts[-1].waiting_since == clock.now()
    getattr(o, act)(waiting)
    await clock.advance(0)  # not a second later: no worker was freed meanwhile
    state = o.get_task_state(waiting)
    assert state.status is target and state.stop_requested is None and state.progress_message is None
    assert [(a.number, a.outcome, a.waiting_since) for a in state.attempts] == [(1, target.value, None)]
    await clock.advance(3)
    assert o.get_task_state(busy).status is S.COMPLETED and pool.idle  # the freed worker waits for no one


async def test_a_task_resumed_after_a_pause_during_its_wait_waits_again_then_runs(make_orchestrator, clock):
    o, pool, _, waiting = one_worker(make_orchestrator, clock, busy_steps=3, waiting_steps=1)
    await clock.advance(1)
    o.pause(waiting)
    await clock.advance(0)
    o.resume(waiting)
    await clock.advance(0)
    assert o.get_task_state(waiting).status is S.RUNNING and not pool.idle
    await clock.advance(2)  # "busy" ends: "waiting" gets its worker
    await clock.advance(1)
    state = o.get_task_state(waiting)
    assert state.status is S.COMPLETED
    assert [(a.number, a.outcome) for a in state.attempts] == [(1, "paused"), (2, "completed")]


async def test_a_wait_for_a_worker_is_not_running_time(make_orchestrator, clock, storage):
    o, _, _, waiting = one_worker(make_orchestrator, clock, busy_steps=3, waiting_steps=2)
    await clock.advance(2)
    assert o.get_task_state(waiting).run_seconds(clock.now()) == 0.0
    await clock.advance(1)  # its worker is free: it runs from here
    await clock.advance(1)
    assert o.get_task_state(waiting).run_seconds(clock.now()) == 1.0
    await clock.advance(1)
    state = decode(storage.get(DEFAULT_PREFIX + waiting))
    assert state.status is S.COMPLETED and state.run_seconds(clock.now()) == 2.0
    assert [(a.started_at, a.ended_at, a.waited) for a in state.attempts] == [(1000.0, 1005.0, 3.0)]


async def test_a_resume_asked_during_a_wait_withdraws_the_pause_and_the_wait_goes_on(make_orchestrator, clock):
    o, _, _, waiting = one_worker(make_orchestrator, clock, busy_steps=2, waiting_steps=1)
    await clock.advance(0)
    o.pause(waiting)
    o.resume(waiting)  # before the wait looked again
    await clock.advance(0)
    state = o.get_task_state(waiting)
    assert state.status is S.RUNNING and state.stop_requested is None and state.attempts[-1].waiting_since
    await clock.advance(3)
    assert o.get_task_state(waiting).status is S.COMPLETED


def booting(make_orchestrator, clock, *, boot, steps):
    """One task leasing the only worker, which boots for `boot` seconds first."""
    orchestrator = make_orchestrator()
    orchestrator.register("leases", Leasing(clock, Pool([BootingWorker(clock, boot)])))
    return orchestrator, orchestrator.execute_task("cold", "leases", {"steps": steps})


@pytest.mark.parametrize(("act", "target"), [("pause", S.PAUSED), ("cancel", S.CANCELLED)])
async def test_a_task_stopped_while_its_worker_boots_stops_at_once_and_the_boot_is_not_running_time(
        make_orchestrator, clock, act, target):
    o, task_id = booting(make_orchestrator, clock, boot=3, steps=1)
    await clock.advance(1)
    state = o.get_task_state(task_id)
    assert state.progress_message == "Starting the engine…" and state.attempts[-1].waiting_since is not None
    getattr(o, act)(task_id)
    await clock.advance(0)  # not when the boot ends, 2 s later
    state = o.get_task_state(task_id)
    assert state.status is target and state.stop_requested is None and state.progress_message is None
    assert [(a.outcome, a.waited, a.waiting_since) for a in state.attempts] == [(target.value, 1.0, None)]
    assert state.run_seconds(clock.now()) == 0.0


async def test_a_workers_boot_is_waited_for_apart_from_the_running_time(make_orchestrator, clock, storage):
    o, task_id = booting(make_orchestrator, clock, boot=3, steps=2)
    await clock.advance(5)
    state = decode(storage.get(DEFAULT_PREFIX + task_id))
    assert state.status is S.COMPLETED and state.run_seconds(clock.now()) == 2.0
    assert [(a.started_at, a.ended_at, a.waited) for a in state.attempts] == [(1000.0, 1005.0, 3.0)]
