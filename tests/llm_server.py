"""A local OpenAI-compatible Chat Completions server for tests: real HTTP on loopback, CORS headers
as hosted providers send them, deterministic answers per input, and scriptable failures.

    with LlmTestServer() as server:
        server.script("rec-3", Reply.rate_limited({"Retry-After": "2"}), Reply.server_error())
        ... POST server.base_url + "/chat/completions" ...
        server.count("rec-3")   # requests whose user message contains "rec-3"

Answers depend only on the user message (the first one after the system message), so a rerun
gives the same bytes. Scripted replies for a substring are used in order, then answers are normal.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD_KEY = "sk-test-0123456789abcdef"
MODEL = "test-model"
RETRY_HEADERS = "retry-after, retry-after-ms, x-ratelimit-reset-requests, x-ratelimit-reset-tokens"


@dataclass
class Reply:
    """One scripted reply. `content` replaces the answer's message text (a non-JSON answer, say);
    `body` replaces the whole HTTP body; `hold` waits for the event (at most 30 s) before answering."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    content: str | None = None
    hold: threading.Event | None = None
    delay: float = 0.0  # real seconds before answering (the "slow" provider)

    @classmethod
    def rate_limited(cls, headers: dict[str, str] | None = None) -> Reply:
        return cls(429, headers or {}, _error_body("Rate limit reached for requests", "rate_limit_exceeded"))

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls(status, {}, _error_body("The server had an error while processing your request.", None))

    @classmethod
    def bad_request(cls, message: str = "This model's maximum context length is 8192 tokens.") -> Reply:
        return cls(400, {}, _error_body(message, "context_length_exceeded"))

    @classmethod
    def unauthorized(cls) -> Reply:
        return cls(401, {}, _error_body("Incorrect API key provided.", "invalid_api_key"))

    @classmethod
    def not_json(cls, text: str = "Sure! Here is what I found: the text is about things.") -> Reply:
        return cls(content=text)

    @classmethod
    def held(cls, event: threading.Event) -> Reply:
        return cls(hold=event)


def _error_body(message: str, code: str | None) -> bytes:
    return json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                 "code": code}}).encode()


def answer_for(text: str) -> dict[str, Any]:
    """The deterministic four-field enrichment the server gives for `text`."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]*", text)
    unique = sorted({word.lower() for word in words})
    keywords = (unique + [f"filler{n}" for n in range(5)])[:max(5, min(10, len(unique)))]
    lowered = text.lower()
    sentiment = "positive" if "good" in lowered else "negative" if "bad" in lowered else "neutral"
    return {"summary": " ".join(words[:30]),
            "keywords": keywords,
            "entities": {"people": [word for word in words if word.istitle()][:3],
                         "organizations": [word for word in words if word.isupper() and len(word) > 1][:3],
                         "technical_terms": [word for word in words if any(c.isdigit() for c in word)][:3]},
            "sentiment": sentiment}


def schema_answer_for(text: str) -> dict[str, Any]:
    """The answer to a custom prompt (response_format json_schema): the text's length and words."""
    return {"length": len(text), "words": len(text.split()), "first": text.split()[0] if text.split() else ""}


class LlmTestServer:
    """Start with `with` (or start()/stop()); `base_url` ends in /v1. Thread-safe counters."""

    def __init__(self, *, key: str | None = GOOD_KEY, models: tuple[str, ...] = (MODEL,),
                 expose_headers: str | None = RETRY_HEADERS, fenced: bool = False, latency: float = 0.0):
        self.key, self.models, self.expose_headers, self.fenced = key, models, expose_headers, fenced
        self.latency = latency  # real seconds every answer waits (the benchmark's fixed 50 ms)
        self.lock = threading.Lock()
        self.scripts: list[tuple[str, list[Reply]]] = []
        self.log: list[dict[str, Any]] = []  # one entry per POST: time, user text, status, authorization
        self.bodies: list[dict[str, Any]] = []
        self.active = 0  # requests being answered now
        self.peak = 0  # the most answered at once
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def start(self) -> LlmTestServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LlmTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, match: str, *replies: Reply) -> None:
        """Answer the next requests whose user message contains `match` with `replies`, in order."""
        with self.lock:
            self.scripts.append((match, list(replies)))

    def count(self, match: str = "") -> int:
        """Requests received whose user message contains `match`."""
        with self.lock:
            return sum(1 for entry in self.log if match in entry["text"])

    def requests_for(self, match: str) -> list[dict[str, Any]]:
        with self.lock:
            return [entry for entry in self.log if match in entry["text"]]

    def _next_reply(self, text: str) -> Reply | None:
        with self.lock:
            for match, replies in self.scripts:
                if match in text and replies:
                    return replies.pop(0)
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

            def do_OPTIONS(self) -> None:  # noqa: N802 - the CORS preflight
                self.send_response(204)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "authorization, content-type, accept")
                self.send_header("Access-Control-Max-Age", "86400")
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                with server.lock:
                    server.active += 1
                    server.peak = max(server.peak, server.active)
                try:
                    self._answer()
                finally:
                    with server.lock:
                        server.active -= 1

            def _answer(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    request = json.loads(raw)
                    text = request["messages"][1]["content"]
                except (ValueError, KeyError, IndexError, TypeError):
                    return self._send(400, _error_body("could not parse the JSON body", None))
                authorization = self.headers.get("Authorization") or ""
                with server.lock:
                    server.log.append({"time": time.time(), "text": text, "authorization": authorization})
                    server.bodies.append(request)
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, _error_body(f"Unknown path {self.path}", "unknown_url"))
                if server.key is not None and authorization != f"Bearer {server.key}":
                    given = authorization.removeprefix("Bearer ")
                    return self._send(401, _error_body(f"Incorrect API key provided: {given}.", "invalid_api_key"))
                if request.get("model") not in server.models:
                    return self._send(404, _error_body(f"The model `{request.get('model')}` does not exist.",
                                                       "model_not_found"))
                reply = server._next_reply(text)
                if server.latency:
                    time.sleep(server.latency)
                if reply is not None:
                    if reply.hold is not None:
                        reply.hold.wait(30)
                    if reply.delay:
                        time.sleep(reply.delay)
                    if reply.status != 200 or reply.body is not None:
                        return self._send(reply.status, reply.body or b"", reply.headers)
                self._send(200, server._completion(request, text, reply.content if reply else None))

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Access-Control-Allow-Origin", "*")
                    if server.expose_headers:
                        self.send_header("Access-Control-Expose-Headers", server.expose_headers)
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client aborted the request

        return Handler

    def _completion(self, request: dict[str, Any], text: str, content: str | None) -> bytes:
        if content is None:
            custom = (request.get("response_format") or {}).get("type") == "json_schema"
            content = json.dumps(schema_answer_for(text) if custom else answer_for(text), sort_keys=True)
            if self.fenced:
                content = f"Here is the analysis:\n```json\n{content}\n```\nHope this helps."
        prompt_chars = sum(len(str(message.get("content", ""))) for message in request["messages"])
        return json.dumps({
            "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": request["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_chars // 4 + 1, "completion_tokens": len(content) // 4 + 1,
                      "total_tokens": prompt_chars // 4 + len(content) // 4 + 2},
        }).encode()
