"""Fixtures the executor tests of every kind share: a manual clock, the two stores' in-memory twins,
`closing` (orchestrators closed after the test) and `orchestrators`, which starts an orchestrator
with one kind's executor (a new one per call, as after a reload). A closer conftest's fixture of the same name wins."""

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
async def closing():
    """A list of orchestrators (anything with `async close()`) a test made: all closed afterwards."""
    made: list = []
    yield made
    for orchestrator in made:
        await orchestrator.close()


@pytest.fixture
def orchestrators(clock, storage, closing):
    """start(kind, executor) -> a started Orchestrator over the shared clock and storage."""

    def start(kind: str, executor) -> Orchestrator:
        orchestrator = Orchestrator(storage=storage, clock=clock, retry_policy=RetryPolicy(jitter=False))
        orchestrator.register(kind, executor)
        orchestrator.start()
        closing.append(orchestrator)
        return orchestrator

    return start
