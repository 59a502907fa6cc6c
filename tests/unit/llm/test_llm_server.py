"""The test server itself: CORS as hosted providers answer it, key and model checks, counts."""

import json
import urllib.error
import urllib.request

import pytest

from tests.llm_server import GOOD_KEY, MODEL, answer_for


def call(server, text, *, key=GOOD_KEY, model=MODEL, method="POST"):
    data = json.dumps({"model": model, "messages": [{"role": "system", "content": "s"},
                                                    {"role": "user", "content": text}]}).encode()
    request = urllib.request.Request(server.base_url + "/chat/completions", data=data if method == "POST" else None,
                                     method=method, headers={"Authorization": f"Bearer {key}",
                                                             "Content-Type": "application/json",
                                                             "Origin": "http://127.0.0.1:8000"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_the_preflight_allows_the_authorization_header_from_any_origin(server):
    status, headers, _ = call(server, "", method="OPTIONS")
    assert status == 204 and headers["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in headers["Access-Control-Allow-Headers"]


def test_answers_are_deterministic_and_expose_the_retry_headers(server):
    first, second = call(server, "rec-1 Alice"), call(server, "rec-1 Alice")
    assert first[2] == second[2] and first[0] == 200
    content = json.loads(first[2])["choices"][0]["message"]["content"]
    assert json.loads(content) == answer_for("rec-1 Alice")
    assert "retry-after" in first[1]["Access-Control-Expose-Headers"]
    assert server.count("rec-1") == 2 and server.count("rec-2") == 0


@pytest.mark.parametrize("kwargs, status", [({"key": "sk-wrong"}, 401), ({"model": "nope"}, 404)])
def test_a_wrong_key_or_model_is_refused_like_openai_does(server, kwargs, status):
    code, _, body = call(server, "x", **kwargs)
    assert code == status and json.loads(body)["error"]["message"]


def test_a_fixed_latency_delays_every_answer():
    import time

    from tests.llm_server import LlmTestServer

    with LlmTestServer(latency=0.05) as slow:
        started = time.monotonic()
        code, _, _ = call(slow, "x")
        assert code == 200 and time.monotonic() - started >= 0.05
