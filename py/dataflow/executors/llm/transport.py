"""The HTTP seam of the LLM kind: the core's (`dataflow.core.http`), named here for the kind's
modules. The page implements it with fetch; CPython uses `stream_transport.StreamTransport`."""

from __future__ import annotations

from dataflow.core.http import HttpResponse, HttpTransport, TransportError

__all__ = ["HttpResponse", "HttpTransport", "TransportError"]
