"""WorkerClient and WorkerPool over fake workers: replies, errors as classes, the watchdog."""

import asyncio
import json

import pytest

from dataflow.browser.worker_client import Timeouts, WorkerClient, WorkerPool
from dataflow.executors.pdf.errors import NotAPdfError, PageTimeoutError, PdfWorkerError


class FakeWorker:
    """A worker's exports: each returns an awaitable of a JSON string, as PyScript's do."""

    def __init__(self, name, behaviour):
        self.name = name
        self.behaviour = behaviour
        self.calls = []

    def __getattr__(self, function):
        async def call(*args):
            self.calls.append((function, args))
            return await self.behaviour(self, function, args)
        return call


class Fleet:
    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.workers = {}
        self.spawned, self.terminated = [], []

    async def connect(self, name):
        return self.workers.setdefault(name, FakeWorker(name, self.behaviour))

    async def spawn(self, name):
        self.spawned.append(name)

    def terminate(self, name):
        self.terminated.append(name)


def ok(value):
    return json.dumps({"ok": True, "value": value})


def client(fleet, **timeouts):
    return WorkerClient("pdf-1", connect=fleet.connect, spawn=fleet.spawn, terminate=fleet.terminate,
                        timeouts=Timeouts(**timeouts))


async def test_calls_pass_json_and_return_the_value():
    async def behaviour(worker, function, args):
        return ok({"function": function, "args": list(args)})

    fleet = Fleet(behaviour)
    reply = await client(fleet).open("t", "f", {"mode": "text"}, source="a.pdf", password=None)
    assert reply == {"function": "pdf_open", "args": ["t", "f", '{"mode": "text"}', "a.pdf", ""]}


async def test_errors_come_back_as_their_own_class():
    async def behaviour(worker, function, args):
        return json.dumps({"ok": False, "error": {"type": "NotAPdfError", "message": "nope", "retryable": False}})

    with pytest.raises(NotAPdfError, match="nope"):
        await client(Fleet(behaviour)).process("t", 0, 1)


async def test_a_hanging_call_restarts_the_worker_and_fails_with_a_timeout():
    async def behaviour(worker, function, args):
        if worker.name == "pdf-1":
            await asyncio.sleep(10)  # hangs
        return ok({"next_page": 1})

    fleet = Fleet(behaviour)
    worker = client(fleet, per_page=0.05)
    with pytest.raises(PageTimeoutError, match="Pages 1–2 took longer than 0.1 s"):
        await worker.process("t", 0, 2)
    assert fleet.terminated == ["pdf-1"] and fleet.spawned == ["pdf-1-r1"]
    assert worker.name == "pdf-1-r1" and worker.restarts == 1
    assert await worker.process("t", 0, 1) == {"next_page": 1}  # the fresh worker answers


async def test_a_worker_that_never_starts_is_reported():
    async def never(name):
        await asyncio.sleep(10)

    worker = WorkerClient("pdf-1", connect=never, spawn=None, terminate=None, timeouts=Timeouts(boot=0.05))
    with pytest.raises(PdfWorkerError, match="did not start"):
        await worker.ready()


async def test_runtime_info_is_read_from_the_worker():
    async def behaviour(worker, function, args):
        return json.dumps({"python": "3.14.2", "pypdf": "7.1.0"})

    assert await client(Fleet(behaviour)).runtime_info() == {"python": "3.14.2", "pypdf": "7.1.0"}


async def test_pool_hands_out_idle_workers_only():
    fleet = Fleet(None)
    first, second = client(fleet), client(fleet)
    pool = WorkerPool([first, second])
    assert pool.size == 2
    assert await pool.acquire() is first and await pool.acquire() is second
    waiting = asyncio.ensure_future(pool.acquire())
    await asyncio.sleep(0)
    assert not waiting.done()
    pool.release(first)
    assert await waiting is first
