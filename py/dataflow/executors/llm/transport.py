"""The HTTP seam of the LLM kind: one POST, its answer, and how a transport reports failures.

The page implements it with fetch (an AbortController aborts it when the awaiting task is
cancelled); CPython uses `stream_transport.StreamTransport`. Standard library only.
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


class HttpTransport(Protocol):
    async def post(self, url: str, headers: Mapping[str, str], body: bytes) -> HttpResponse:
        """POST `body` to `url`. Raises errors.TransportError when no HTTP answer came. Cancelling
        the awaiting task must abort the request (close the connection / AbortController)."""
