"""The run scheme every chunked kind shares: result and summary keys per run, the blobs a task still
needs, a stored summary reused, the stored file read, the run id kept in the checkpoint, a leased
client always given back, and the size of the next chunk."""

import asyncio

import pytest

from dataflow.core.blob_sweep import orphaned_keys
from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.core.errors import InputMissingError
from dataflow.core.executor import ExecutionContext
from dataflow.core.model import TaskState
from dataflow.core.pool import Pool as CorePool
from dataflow.core.runs import (
    FILE_GONE,
    ensure_run,
    leased,
    next_size,
    run_blob_claims,
    run_result_key,
    say_starting,
    stored_file,
    stored_summary,
    summary_key,
)
from dataflow.core.status import TaskStatus

S = TaskStatus
STORED = ["file:f1", "part:t1:x", "result:t1:A", "result:t1:A:summary", "result:t1:A:extra", "result:t1:B",
          "result:t1:B:summary", "result:t1"]


def task(status, result=None):
    return TaskState(id="t1", name="a", kind="k", status=status, input={"file_id": "f1"}, result=result)


def context(checkpoint=None, **extra):
    """An attempt's context of task "t1" (`extra`: its other arguments), and the checkpoints it saves."""
    saved: list = []
    ctx = ExecutionContext(task_id="t1", attempt=1, checkpoint_data=checkpoint, on_progress=lambda *a: None,
                           on_checkpoint=saved.append, stop_requested=lambda: None, **extra)
    return ctx, saved


def test_a_runs_result_and_its_summary_live_under_the_tasks_result_key():
    assert run_result_key("t1", "A") == "result:t1:A"
    assert summary_key("result:t1:A") == "result:t1:A:summary"


def test_an_unfinished_task_claims_its_file_parts_and_every_run():
    for status in (S.PENDING, S.RUNNING, S.PAUSED, S.FAILED, S.CANCELLED):
        assert orphaned_keys(STORED, [task(status)], run_blob_claims, now=0) == []


def test_a_completed_task_claims_its_named_result_what_lies_beside_it_and_its_summary():
    done = task(S.COMPLETED, {"result_key": "result:t1:A"})
    assert orphaned_keys(STORED, [done], run_blob_claims, now=0) == [
        "part:t1:x", "result:t1", "result:t1:A:extra", "result:t1:B", "result:t1:B:summary"]
    with_extra = orphaned_keys(STORED, [done], lambda t: run_blob_claims(t, lambda r: (f"{r}:extra",)), now=0)
    assert "result:t1:A:extra" not in with_extra


async def test_a_stored_summary_is_returned_and_none_when_absent():
    store = MemoryBlobStore()
    assert await stored_summary(store, "result:t1:A") is None
    await store.put("result:t1:A:summary", '{"size": 3}')
    assert await stored_summary(store, "result:t1:A") == {"size": 3}


async def test_the_stored_file_is_bytes_and_a_missing_one_raises_the_kinds_error():
    store = MemoryBlobStore()
    await store.put(file_key("f1"), "é")
    assert await stored_file(store, "f1", missing=InputMissingError, encoding="utf-8") == "é".encode()
    with pytest.raises(InputMissingError, match="storage was cleared") as raised:
        await stored_file(store, "gone", missing=InputMissingError, encoding="utf-8")
    assert str(raised.value) == FILE_GONE


def test_a_new_run_is_checkpointed_with_its_extras_before_any_work():
    ctx, saved = context({"next_page": 0})
    checkpoint = ensure_run(ctx, lambda: "R1", pages=4)
    assert checkpoint == {"next_page": 0, "run": "R1", "pages": 4} and saved == [checkpoint]


def test_a_resumed_run_keeps_its_id_and_saves_nothing():
    ctx, saved = context({"run": "R0", "step": 3})
    assert ensure_run(ctx, lambda: "R1", pages=4) == {"run": "R0", "step": 3} and saved == []


class Client:
    def __init__(self, fail=False, ready=True):
        self.forgotten, self.fail, self.ready, self.starts = [], fail, ready, 0

    async def start(self):
        self.starts += 1
        self.ready = True

    async def forget(self, task_id):
        self.forgotten.append(task_id)
        if self.fail:
            raise RuntimeError("the worker is gone")


class Pool:
    def __init__(self, client):
        self.client, self.released = client, []

    async def acquire(self):
        return self.client

    def release(self, client):
        self.released.append(client)


async def test_a_leased_client_forgets_the_task_and_goes_back_even_when_the_work_fails():
    pool = Pool(Client())
    with pytest.raises(ValueError):
        async with leased(pool, context()[0], engine="JSON engine", resumed=False) as client:
            raise ValueError("bad file")
    assert client.forgotten == ["t1"] and pool.released == [client]


async def test_a_lease_from_a_busy_pool_is_a_wait_of_the_attempt_and_one_from_an_idle_pool_is_not():
    waits = []
    ctx, _ = context(on_wait=waits.append)
    pool = CorePool([Client()])

    async def attempt():
        async with leased(pool, ctx, engine="JSON engine", resumed=False) as client:
            return client

    await asyncio.ensure_future(attempt())
    assert waits == []  # a client was idle: no wait
    held = await pool.acquire()
    second = asyncio.ensure_future(attempt())
    await asyncio.sleep(0)
    assert waits == [True]
    pool.release(held)
    assert await second is held and waits == [True, False] and pool.idle


@pytest.mark.parametrize(("ready", "resumed", "waits", "reported"), [
    (False, False, [True, False], [(0.0, "Starting the JSON engine…")]),
    (False, True, [True, False], []),  # a resumed task's row keeps its progress
    (True, False, [], []),  # a started worker: no wait, no word
])
async def test_a_leased_clients_boot_is_a_wait_of_the_attempt_with_a_word_on_the_row(ready, resumed, waits,
                                                                                     reported):
    seen, said = [], []
    ctx = ExecutionContext(task_id="t1", attempt=1, checkpoint_data=None,
                           on_progress=lambda *report: said.append(report), on_checkpoint=lambda data: None,
                           stop_requested=lambda: None, on_wait=seen.append)
    pool = CorePool([Client(ready=ready)])  # idle: the only wait is the boot
    async with leased(pool, ctx, engine="JSON engine", resumed=resumed) as client:
        assert client.ready and client.starts == (0 if ready else 1)
    assert (seen, said) == (waits, reported)


async def test_a_leased_client_goes_back_even_when_forgetting_fails():
    pool = Pool(Client(fail=True))
    with pytest.raises(RuntimeError):
        async with leased(pool, context()[0], engine="JSON engine", resumed=False):
            pass
    assert pool.released == [pool.client]


@pytest.mark.parametrize(("size", "elapsed", "expected"), [
    (4, 0.0, 8),      # no time measured: double
    (4, 1.0, 2),      # twice the target: halve
    (4, 0.25, 8),     # half the target: double
    (4, 0.01, 8),     # far faster: still at most twofold
    (4, 100.0, 1),    # far slower: not below the minimum
    (30, 0.1, 32),    # capped at the maximum
])
def test_the_next_size_aims_at_the_target_within_bounds(size, elapsed, expected):
    assert next_size(size, elapsed, target=0.5, minimum=1, maximum=32) == expected


class Booting:
    def __init__(self, ready):
        self.ready = ready


@pytest.mark.parametrize("ready, resumed, expected", [
    (False, False, [(0.0, "Starting the JSON engine…")]),
    (True, False, []),  # a warm worker answers at once
    (False, True, []),  # a resumed task's row keeps its progress
])
def test_the_row_says_the_engine_is_starting_while_a_fresh_tasks_worker_boots(ready, resumed, expected):
    reported = []
    ctx = ExecutionContext(task_id="t1", attempt=1, checkpoint_data=None,
                           on_progress=lambda *report: reported.append(report), on_checkpoint=lambda data: None,
                           stop_requested=lambda: None)
    say_starting(ctx, Booting(ready), "JSON engine", resumed=resumed)
    assert reported == expected
