"""The fetch transport over fakes of fetch and AbortController: the request as sent, the answer
with its readable headers, an abort when the awaiting task is cancelled, and a TransportError when
fetch rejects."""

import asyncio

import pytest

from dataflow.browser.llm_fetch import FetchTransport
from dataflow.core.http import TransportError


class Controller:
    def __init__(self):
        self.signal, self.aborted = object(), False

    def abort(self):
        self.aborted = True


class Init(dict):
    def __setattr__(self, name, value):
        self[name] = value


class Buffer:
    def __init__(self, data):
        self.data = data

    def to_bytes(self):
        return self.data


class Headers:
    def entries(self):
        return iter([["content-type", "application/json"], ["retry-after", "2"]])


class Response:
    status = 429
    headers = Headers()

    async def arrayBuffer(self):  # noqa: N802 - the JS name
        return Buffer(b'{"error": {}}')


def transport(fetch, controllers):
    def new_controller():
        controllers.append(Controller())
        return controllers[-1]
    return FetchTransport(fetch=fetch, new_controller=new_controller, to_js=Init)


async def test_the_request_carries_only_what_the_caller_gave_and_the_answer_its_exposed_headers():
    sent, controllers = [], []

    async def fetch(url, init):
        sent.append((url, init))
        return Response()

    answer = await transport(fetch, controllers).post("https://api.example/v1/chat/completions",
                                                     {"Authorization": "Bearer k"}, b'{"a": 1}')
    url, init = sent[0]
    assert url == "https://api.example/v1/chat/completions" and init["body"] == '{"a": 1}'
    assert init["credentials"] == "omit" and init["redirect"] == "error" and init["signal"] is controllers[0].signal
    assert (answer.status, answer.body, answer.headers) == (429, b'{"error": {}}', {
        "content-type": "application/json", "retry-after": "2"})


async def test_cancelling_the_awaiting_task_aborts_the_request():
    controllers, started = [], asyncio.Event()

    async def fetch(url, init):
        started.set()
        await asyncio.sleep(3600)

    request = asyncio.ensure_future(transport(fetch, controllers).post("http://h/v1/x", {}, b"{}"))
    await started.wait()
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    assert controllers[0].aborted


async def test_a_rejected_fetch_is_a_transport_error_naming_the_origin():
    async def fetch(url, init):
        raise RuntimeError("TypeError: Failed to fetch")

    with pytest.raises(TransportError, match=r"no answer from http://localhost:11434 \(TypeError: Failed to fetch\)"):
        await transport(fetch, []).post("http://localhost:11434/v1/chat/completions", {}, b"{}")
