"""The HTTP seam of executors that call a web API (the LLM kind): one POST, its answer, and the
error a transport raises when no HTTP answer came. The page implements it with fetch (an
AbortController aborts a request whose awaiting task is cancelled); CPython uses
`executors/llm/stream_transport.StreamTransport`. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP answer: `status`, `headers` with lower-case names (only those the transport could
    read: a browser sees only CORS-exposed ones) and the raw `body`."""

    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class TransportError(Exception):
    """The request never got an HTTP answer (connection refused, reset, DNS, CORS in a browser)."""


class HttpTransport(Protocol):
    async def post(self, url: str, headers: Mapping[str, str], body: bytes) -> HttpResponse:
        """POST `body` to `url`. Raises TransportError when no HTTP answer came. Cancelling the
        awaiting task must abort the request (close the connection / AbortController)."""
