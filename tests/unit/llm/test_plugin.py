"""The LLM plug-in over a host: its kind, its task limit from the query, and an executor that reads
a stored file's records and calls the provider through the host's transport."""

import json

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.core.clock import SystemClock
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.status import TaskStatus
from dataflow.executors.llm.options import API_KEY
from dataflow.executors.llm.plugin import plugin
from dataflow.executors.llm.stream_transport import StreamTransport
from tests.llm_server import GOOD_KEY, MODEL
from tests.unit.llm.test_executor import until


class Host:
    def __init__(self, query=None):
        self.query, self.blobs = query or {}, MemoryBlobStore()

    def query_number(self, name, default):
        return float(self.query.get(name, default))

    def worker_count(self):
        return 1

    def workers(self, **kwargs):
        raise AssertionError("the LLM kind needs no worker")

    def http_transport(self):
        return StreamTransport()

    def blob_store(self):
        return self.blobs

    def clock(self):
        return SystemClock()


def test_the_plugin_registers_the_llm_kind_with_its_task_limit():
    assert plugin(Host()).concurrency == 4 and plugin(Host({"llm_tasks": 2})).concurrency == 2
    assert plugin(Host()).kind.kind == "llm"


async def test_a_stored_record_file_is_enriched_through_the_hosts_transport(server):
    host = Host()
    await host.blobs.put(file_key("f"), "".join(json.dumps({"t": f"rec-{n} good"}) + "\n" for n in range(3)))
    made = plugin(host)
    orchestrator = Orchestrator()
    orchestrator.register("llm", made.executor)
    orchestrator.start()
    options = made.kind.parse_options({"base_url": server.base_url, "model": MODEL, "text_path": "t"})
    task_input = made.kind.task_input(type("F", (), dict(file_id="f", name="r.jsonl", size=1, mime=""))(), options)
    task_id = orchestrator.execute_task("r.jsonl", "llm", task_input, secrets={API_KEY: GOOD_KEY})
    await until(lambda: orchestrator.get_task_state(task_id).status.is_finished)
    state = orchestrator.get_task_state(task_id)
    assert state.status is TaskStatus.COMPLETED and state.result["enriched"] == 3 and server.count() == 3
    await orchestrator.close()
