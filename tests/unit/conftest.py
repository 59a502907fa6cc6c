"""Fixtures the executor tests of every kind share: a manual clock, the two stores' in-memory twins,
and `orchestrators`, which starts an orchestrator with one kind's executor (a new one per call, as
after a reload) and closes them all afterwards. A closer conftest's fixture of the same name wins."""

import pytest

from dataflow.core import Orchestrator, RetryPolicy
from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.clock import ManualClock
from dataflow.core.storage import MemoryStorage


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def blobs():
    return MemoryBlobStore()


@pytest.fixture
def storage():
    return MemoryStorage()


@pytest.fixture
async def orchestrators(clock, storage):
    """start(kind, executor) -> a started Orchestrator over the shared clock and storage."""
    made = []

    def start(kind: str, executor) -> Orchestrator:
        orchestrator = Orchestrator(storage=storage, clock=clock, retry_policy=RetryPolicy(jitter=False))
        orchestrator.register(kind, executor)
        orchestrator.start()
        made.append(orchestrator)
        return orchestrator

    yield start
    for orchestrator in made:
        await orchestrator.close()
