"""*Test connection* against the loopback server: a plain report for success, a wrong key, an
unknown model, a rate limit and an address where nothing answers; the key never in the report."""

import pytest

from dataflow.core.clock import SystemClock
from dataflow.executors.llm.connection import check_connection, probe_body
from dataflow.executors.llm.options import LlmOptions
from dataflow.executors.llm.stream_transport import StreamTransport
from tests.llm_server import GOOD_KEY, MODEL, LlmTestServer, Reply


def options(server, **changes):
    return LlmOptions(**{"base_url": server.base_url, "model": MODEL, **changes})


async def test_a_working_provider_is_reported_connected(server):
    worked, report = await check_connection(StreamTransport(), SystemClock(), options(server), GOOD_KEY)
    assert worked and report.startswith(f"Connected: {MODEL} answered in")
    assert server.count() == 1 and server.log[0]["authorization"] == f"Bearer {GOOD_KEY}"


@pytest.mark.parametrize(("key", "model", "worked", "needle"), [
    ("sk-wrong", MODEL, False, "refused the key"),
    (GOOD_KEY, "no-such-model", False, "does not know the model 'no-such-model'"),
])
async def test_a_refused_key_and_an_unknown_model_are_said_plainly(server, key, model, worked, needle):
    ok, report = await check_connection(StreamTransport(), SystemClock(), options(server, model=model), key)
    assert ok is worked and needle in report and key not in report


async def test_a_rate_limited_provider_is_reachable(server):
    server.script("ok", Reply.rate_limited())  # the probe asks for {"ok": true}
    ok, report = await check_connection(StreamTransport(), SystemClock(), options(server), GOOD_KEY)
    assert ok and "limiting requests" in report


async def test_nothing_listening_is_reported_as_unreachable():
    unreachable = LlmOptions(base_url="http://127.0.0.1:9/v1", model=MODEL)
    ok, report = await check_connection(StreamTransport(), SystemClock(), unreachable, GOOD_KEY)
    assert not ok and report.startswith("Could not reach http://127.0.0.1:9/v1")


def test_the_probe_is_small():
    assert b'"max_tokens": 20' in probe_body(MODEL) and len(probe_body(MODEL)) < 300


@pytest.mark.parametrize("key", ["", "  "])
async def test_without_a_key_a_provider_that_needs_one_is_not_called(server, key):
    ok, report = await check_connection(StreamTransport(), SystemClock(), options(server, needs_key=True), key)
    assert not ok and report.startswith("Enter the API key first") and server.count() == 0


async def test_a_local_server_that_needs_no_key_is_called_without_one():
    with LlmTestServer(key=None) as local:
        settings = LlmOptions(base_url=local.base_url, model=MODEL, needs_key=False)
        ok, report = await check_connection(StreamTransport(), SystemClock(), settings, "")
    assert ok and local.count() == 1
