"""An HTTP/1.1 client over asyncio streams: the transport for CPython (tests, a future CLI).

One connection per request (`Connection: close`), http or https, Content-Length or chunked
bodies. Cancelling the awaiting task closes the socket, which aborts the request. Never used
in the page (it has no sockets; it uses fetch). Standard library only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlsplit

from dataflow.executors.llm.errors import TransportError
from dataflow.executors.llm.transport import HttpResponse


class StreamTransport:
    """`post(url, headers, body)` over a fresh connection; TransportError on any network failure."""

    async def post(self, url: str, headers: Mapping[str, str], body: bytes) -> HttpResponse:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(f"not an http(s) URL: {url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        context = None
        if parts.scheme == "https":
            import ssl  # only here: Pyodide ships ssl separately, and the page never uses this transport

            context = ssl.create_default_context()
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, port, ssl=context)
        except OSError as error:
            raise TransportError(f"could not connect to {parts.hostname}:{port}: {error}") from error
        try:
            writer.write(_request_bytes(parts, headers, body))
            await writer.drain()
            return await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            raise TransportError(f"the connection to {parts.hostname}:{port} failed: {error}") from error
        finally:
            writer.close()


def _request_bytes(parts, headers: Mapping[str, str], body: bytes) -> bytes:
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_response(reader: asyncio.StreamReader) -> HttpResponse:
    status_line = (await reader.readuntil(b"\r\n")).decode("latin-1").split(" ", 2)
    if len(status_line) < 2 or not status_line[0].startswith("HTTP/"):
        raise ValueError(f"not an HTTP answer: {' '.join(status_line)[:80]!r}")
    status = int(status_line[1])
    headers: dict[str, str] = {}
    while (line := (await reader.readuntil(b"\r\n")).decode("latin-1").rstrip("\r\n")):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()
    return HttpResponse(status=status, body=body, headers=headers)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while (size := int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)):
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
    return b"".join(chunks)
