"""LLM enrichment through the page, against the loopback OpenAI-compatible test server: a record file
enriched completely; a reload mid-way that sends no finished record again; a provider's Retry-After
honoured; pause stopping requests; a wrong key then a right one; the key found nowhere in the page's
storage or messages; a completed PDF task's pages enriched. The server's origin is the only one
besides the page's that the page may call (it is the endpoint the test types)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json

import pytest

from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.clock import SystemClock
from dataflow.core.executor import ExecutionContext
from dataflow.executors.llm.executor import LlmExecutor
from dataflow.executors.llm.options import API_KEY
from dataflow.executors.llm.stream_transport import StreamTransport
from tests.e2e.helpers import download, wait_engine, wait_status
from tests.llm_server import GOOD_KEY, MODEL, LlmTestServer

TEXT_PATH = "fields.description"


def make_records(count: int) -> list[dict]:
    moods = ["good", "bad", "plain"]
    return [{"id": index, "fields": {"description": f"rec-{index:04d} Alice works at ACME on model X{index} "
                                                    f"and it is {moods[index % 3]}"}} for index in range(count)]


def as_jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode()


@pytest.fixture
def server(watch):
    with LlmTestServer() as running:
        watch.allowed.add(running.base_url.removesuffix("/v1"))
        yield running


@pytest.fixture
def app(open_app):
    page = open_app()
    wait_engine(page)
    return page


def configure(page, server: LlmTestServer, *, key: str = GOOD_KEY, rpm: int = 0, concurrency: int = 4,
              text_path: str = TEXT_PATH) -> None:
    """Fill the provider section as a person does."""
    section = page.locator("#llm-section")
    section.get_by_label("Base URL").fill(server.base_url)
    section.get_by_label("Model").fill(MODEL)
    section.get_by_label("API key").fill(key)
    section.get_by_label("Requests per minute (0: no limit)").fill(str(rpm))
    section.get_by_label("Requests in flight per task").fill(str(concurrency))
    section.get_by_label("Text field", exact=False).fill(text_path)
    section.get_by_label("Text field", exact=False).dispatch_event("change")


def enrich_file(page, name: str, data: bytes) -> None:
    page.set_input_files("#llm-file-input", [{"name": name, "mimeType": "", "buffer": data}])


def reference(records: list[dict]) -> bytes:
    """The output an uninterrupted run makes: the same executor under CPython, its own server."""

    class Source:
        async def records(self, input):  # noqa: A002
            return records

    async def go() -> bytes:
        with LlmTestServer() as other:
            blobs = MemoryBlobStore()
            executor = LlmExecutor(transport=StreamTransport(), source=Source(), blobs=blobs, clock=SystemClock())
            ctx = ExecutionContext(task_id="t", attempt=1, checkpoint_data=None, on_progress=lambda *_: None,
                                   on_checkpoint=lambda _: None, stop_requested=lambda: None,
                                   secrets={API_KEY: GOOD_KEY})
            options = {"base_url": other.base_url, "model": MODEL, "text_path": TEXT_PATH, "requests_per_minute": 0}
            result = await executor.execute({"name": "r.jsonl", "options": options}, ctx)
            value = blobs.data[result["result_key"]]
            return value.encode() if isinstance(value, str) else bytes(value)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's loop owns this thread
        return pool.submit(asyncio.run, go()).result()


def test_a_record_file_is_enriched_completely(app, server):
    records = make_records(200)
    configure(app, server, concurrency=8)
    enrich_file(app, "people.jsonl", as_jsonl(records))
    target = wait_status(app, "people.jsonl", "completed", timeout=180_000)
    assert "200 records" in target.locator(".message").text_content()
    name, data = download(app, target)
    assert name == "people.enriched.jsonl"
    lines = [json.loads(line) for line in data.decode().splitlines()]
    assert [line["id"] for line in lines] == list(range(200))
    assert all("summary" in line["llm"] and line["llm"]["sentiment"] in ("positive", "negative", "neutral")
               for line in lines)
    assert server.count() == 200
    assert data == reference(records)
