"""The asyncio-streams HTTP client against the loopback server and a raw socket server."""

import asyncio
import json

import pytest

from dataflow.executors.llm.errors import TransportError
from dataflow.executors.llm.stream_transport import StreamTransport
from tests.llm_server import GOOD_KEY, MODEL, Reply

HEADERS = {"Authorization": f"Bearer {GOOD_KEY}", "Content-Type": "application/json"}


def body(text):
    return json.dumps({"model": MODEL, "messages": [{"role": "system", "content": "s"},
                                                    {"role": "user", "content": text}]}).encode()


async def test_a_post_gets_status_lower_case_headers_and_body(server):
    response = await StreamTransport().post(server.base_url + "/chat/completions", HEADERS, body("hello"))
    assert response.status == 200 and response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert json.loads(response.body)["choices"][0]["message"]["content"]


async def test_error_statuses_and_their_headers_come_back(server):
    server.script("x", Reply.rate_limited({"Retry-After": "2"}))
    response = await StreamTransport().post(server.base_url + "/chat/completions", HEADERS, body("x"))
    assert response.status == 429 and response.headers["retry-after"] == "2"


async def test_a_refused_connection_is_a_transport_error(unused_tcp_port):
    with pytest.raises(TransportError, match="could not connect"):
        await StreamTransport().post(f"http://127.0.0.1:{unused_tcp_port}/v1", {}, b"{}")


async def test_a_url_that_is_not_http_is_refused():
    with pytest.raises(TransportError, match="not an http"):
        await StreamTransport().post("file:///etc/passwd", {}, b"")


async def serve_raw(payload: bytes):
    async def handle(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(payload)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_a_chunked_body_is_joined():
    server, port = await serve_raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n")
    async with server:
        response = await StreamTransport().post(f"http://127.0.0.1:{port}/", {}, b"")
    assert response.body == b"hello world"


async def test_an_answer_that_is_not_http_is_a_transport_error():
    server, port = await serve_raw(b"SSH-2.0-OpenSSH\r\n\r\n")
    async with server:
        with pytest.raises(TransportError, match="not an HTTP answer"):
            await StreamTransport().post(f"http://127.0.0.1:{port}/", {}, b"")


async def test_a_connection_closed_mid_body_is_a_transport_error():
    server, port = await serve_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
    async with server:
        with pytest.raises(TransportError):
            await StreamTransport().post(f"http://127.0.0.1:{port}/", {}, b"")
