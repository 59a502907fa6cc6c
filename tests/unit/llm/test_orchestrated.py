"""The LLM executor run by the real orchestrator: the key given through retry(secrets=...) after the
task asked for it, progress and completion, and the key absent from storage and events; the row of
a task whose records fail as it runs, then cancelled."""

import json
import re
import threading

import pytest

from dataflow.browser.row_view import row_view
from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.retry import RetryPolicy
from dataflow.core.status import TaskStatus
from dataflow.core.storage import MemoryStorage
from dataflow.executors.llm.kind import LlmKind
from tests.llm_server import GOOD_KEY, Reply
from tests.unit.llm.conftest import make_records, task_input
from tests.unit.llm.test_executor import until


async def test_the_task_asks_for_the_key_then_completes_and_the_key_is_stored_nowhere(make_executor, server,
                                                                                       fast_clock, blobs):
    storage = MemoryStorage()
    orchestrator = Orchestrator(storage=storage, clock=fast_clock, retry_policy=RetryPolicy(jitter=False))
    events: list = []
    orchestrator.subscribe(events.append)
    orchestrator.register("llm", make_executor(), concurrency=2)
    orchestrator.start()
    task_id = orchestrator.execute_task("records.jsonl", "llm", task_input(server, make_records(8)))
    await until(lambda: orchestrator.get_task_state(task_id).status is TaskStatus.FAILED)
    state = orchestrator.get_task_state(task_id)
    assert state.error.type == "SecretMissingError" and server.count() == 0

    orchestrator.retry(task_id, secrets={"api_key": GOOD_KEY})
    await until(lambda: orchestrator.get_task_state(task_id).status is TaskStatus.COMPLETED)
    state = orchestrator.get_task_state(task_id)
    assert state.result["enriched"] == 8 and state.progress == 100.0 and server.count() == 8
    orchestrator.flush()
    await orchestrator.close()
    stored = json.dumps(storage.data) + repr(events) + json.dumps(
        {key: value for key, value in blobs.data.items()}, default=str)
    assert GOOD_KEY not in stored
    assert isinstance(blobs, MemoryBlobStore) and state.result["result_key"] in blobs.data


async def test_a_cancelled_row_says_how_far_the_task_got_and_how_many_records_failed(make_executor, server,
                                                                                       fast_clock):
    release = threading.Event()
    server.script("rec-000", Reply.bad_request())
    server.script("rec-002", Reply.held(release))
    orchestrator = Orchestrator(storage=MemoryStorage(), clock=fast_clock, retry_policy=RetryPolicy(jitter=False))
    orchestrator.register("llm", make_executor(), concurrency=2)
    orchestrator.start()
    task_id = orchestrator.execute_task("records.jsonl", "llm", task_input(server, make_records(6), concurrency=1),
                                        secrets={"api_key": GOOD_KEY})
    await until(lambda: server.count("rec-002") == 1)
    running = row_view(orchestrator.get_task_state(task_id), fast_clock.now(), kind=LlmKind())
    line = re.match(r"([12]) of 6 records · 1 failed · ", running.message)  # reports come at most every 0.25 s
    assert line, running.message
    assert running.progress == pytest.approx(99.0 * int(line[1]) / 6)  # the bar is the records the line counts
    orchestrator.cancel(task_id)
    await until(lambda: orchestrator.get_task_state(task_id).status is TaskStatus.CANCELLED)
    release.set()
    cancelled = row_view(orchestrator.get_task_state(task_id), fast_clock.now(), kind=LlmKind())
    assert (cancelled.label, cancelled.message) == ("Cancelled", "Cancelled after 2 of 6 records · 1 failed")
    await orchestrator.close()
