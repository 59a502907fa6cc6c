"""The page's HTTP transport (core.http.HttpTransport) over the browser's fetch: one POST with an
AbortController, so cancelling the awaiting task (a pause, a cancel, the caller's time-out) aborts
the request in flight. Only the response headers the provider exposes through CORS
(`Access-Control-Expose-Headers`) are readable; the retry rules work without them.

Credentials, referrer and the HTTP cache are left out: the request carries only what the caller
put in it, to the URL the user typed. Browser ring; `fetch` and `new_controller` are injected so
the logic runs under CPython over fakes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from dataflow.core.http import HttpResponse, TransportError


def _browser_fetch() -> tuple[Callable[..., Any], Callable[[], Any], Callable[[dict[str, Any]], Any]]:
    import js

    from dataflow.browser.ffi import to_js

    return js.fetch, js.AbortController.new, to_js


class FetchTransport:
    """`post(url, headers, body)` with fetch; TransportError when no HTTP answer came (offline,
    refused, blocked by CORS or by the browser's local-network prompt)."""

    def __init__(self, *, fetch: Callable[..., Any] | None = None, new_controller: Callable[[], Any] | None = None,
                 to_js: Callable[[dict[str, Any]], Any] | None = None):
        if fetch is None or new_controller is None or to_js is None:
            fetch, new_controller, to_js = _browser_fetch()
        self.fetch, self.new_controller, self.to_js = fetch, new_controller, to_js

    async def post(self, url: str, headers: Mapping[str, str], body: bytes) -> HttpResponse:
        controller = self.new_controller()
        init = self.to_js({"method": "POST", "headers": dict(headers), "body": body.decode("utf-8"),
                           "credentials": "omit", "cache": "no-store", "referrerPolicy": "no-referrer",
                           "mode": "cors", "redirect": "error"})
        init.signal = controller.signal
        try:
            response = await self.fetch(url, init)
            data = await response.arrayBuffer()
        except asyncio.CancelledError:
            controller.abort()  # the request stops here: the provider sees the connection close
            raise
        except Exception as error:  # a JsException: fetch gives no detail (CORS and offline look alike)
            raise TransportError(f"no answer from {_origin(url)} ({_reason(error)}); check the address, that "
                                 "the server runs and that it accepts calls from this page (CORS)") from None
        return HttpResponse(status=int(response.status), body=bytes(data.to_bytes()),
                            headers=read_headers(response.headers))


def read_headers(headers: Any) -> dict[str, str]:
    """The readable response headers, names in lower case (fetch already lowers them)."""
    return {str(pair[0]).lower(): str(pair[1]) for pair in headers.entries()}


def _origin(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    return text[:160]
