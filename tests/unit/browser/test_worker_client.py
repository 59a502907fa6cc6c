"""WorkerClient over fake workers: replies, errors as their own classes, the watchdog, start-up."""

import asyncio
import json

import pytest

from dataflow.browser.worker_client import WorkerClient
from dataflow.core.errors import NonRetryableError, WorkerError, WorkerTimeoutError
from dataflow.core.wire import ErrorRegistry


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


class OddError(NonRetryableError):
    pass


def ok(value):
    return json.dumps({"ok": True, "value": value})


def client(fleet, **options):
    return WorkerClient("w-1", connect=fleet.connect, spawn=fleet.spawn, terminate=fleet.terminate,
                        errors=ErrorRegistry(OddError), label="test worker", **options)


async def test_calls_pass_their_arguments_and_return_the_value():
    async def behaviour(worker, function, args):
        return ok({"function": function, "args": list(args)})

    worker = client(Fleet(behaviour))
    assert not worker.started
    reply = await worker.call("do", ("t", 2, "{}"), seconds=5, what="Doing")
    assert reply == {"function": "do", "args": ["t", 2, "{}"]} and worker.started


async def test_errors_come_back_as_their_own_class_from_the_registry():
    async def behaviour(worker, function, args):
        return json.dumps({"ok": False, "error": {"type": "OddError", "message": "nope", "retryable": False}})

    with pytest.raises(OddError, match="nope"):
        await client(Fleet(behaviour)).call("do", (), seconds=5, what="Doing")


async def test_a_hanging_call_restarts_the_worker_and_fails_with_a_timeout():
    async def behaviour(worker, function, args):
        if worker.name == "w-1":
            await asyncio.sleep(10)  # hangs
        return ok({"next": 1})

    fleet = Fleet(behaviour)
    worker = client(fleet)
    with pytest.raises(WorkerTimeoutError, match="Step 1 took longer than 0.05 s, so the test worker was stopped"):
        await worker.call("do", (), seconds=0.05, what="Step 1")
    assert fleet.terminated == ["w-1"] and fleet.spawned == ["w-1-r1"]
    assert worker.name == "w-1-r1" and worker.restarts == 1
    assert await worker.call("do", (), seconds=5, what="Step 1") == {"next": 1}  # the fresh worker answers


async def test_a_worker_that_never_starts_is_reported():
    async def never(name):
        await asyncio.sleep(10)

    worker = WorkerClient("w-1", connect=never, spawn=None, terminate=None, label="test worker", boot_seconds=0.05)
    with pytest.raises(WorkerError, match="test worker did not start"):
        await worker.ready()


async def test_runtime_info_is_read_from_the_worker():
    async def behaviour(worker, function, args):
        return json.dumps({"python": "3.14.2", "pypdf": "7.1.0"})

    assert await client(Fleet(behaviour)).runtime_info() == {"python": "3.14.2", "pypdf": "7.1.0"}


async def test_start_spawns_a_lazy_worker_and_waits_for_it_without_calling_it():
    fleet = Fleet(lambda worker, function, args: None)
    worker = client(fleet, lazy=True)
    await worker.start()
    await worker.start()
    assert worker.started and fleet.spawned == ["w-1"] and fleet.workers["w-1"].calls == []
