"""Per-record retry decisions: which failures are retried and when, which fail the record, and
which stop the task."""

import pytest

from dataflow.core.retry import RetryPolicy
from dataflow.executors.llm.errors import RequestTimeoutError, TransportError
from dataflow.executors.llm.retry_rules import Verdict, decide, describe

NOW = 1_800_000_000.0
POLICY = RetryPolicy(initial_interval=1.0, backoff_coefficient=2.0, maximum_interval=30.0, maximum_attempts=4,
                     jitter=False)


def verdict(status, headers=None, attempt=1, error=None, long_wait=30.0):
    return decide(status=status, headers=headers or {}, attempt=attempt, now=NOW, reason="r", error=error,
                  policy=POLICY, long_wait=long_wait)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_transient_statuses_are_retried_with_backoff(status):
    decision = verdict(status, attempt=2)
    assert decision.verdict is Verdict.RETRY and decision.delay == 2.0


@pytest.mark.parametrize("error", [TransportError("reset"), RequestTimeoutError("no answer")])
def test_network_errors_and_timeouts_are_retried(error):
    assert verdict(None, error=error).verdict is Verdict.RETRY


def test_backoff_grows_and_is_capped():
    assert [verdict(500, attempt=n).delay for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    capped = RetryPolicy(initial_interval=1, maximum_interval=5, maximum_attempts=10, jitter=False)
    assert decide(status=500, headers={}, attempt=8, now=NOW, reason="r", policy=capped).delay == 5.0


def test_the_providers_wait_is_honoured_when_longer_than_the_backoff():
    assert verdict(429, {"retry-after": "7"}).delay == 7.0
    assert verdict(429, {"retry-after-ms": "250"}, attempt=3).delay == 4.0  # the backoff is longer


def test_a_long_provider_wait_makes_the_task_wait():
    decision = verdict(429, {"x-ratelimit-reset-requests": "1m30s"})
    assert decision.verdict is Verdict.WAIT_TASK and decision.delay == 90.0


def test_a_long_wait_stops_the_task_even_on_the_last_attempt():
    assert verdict(503, {"retry-after": "120"}, attempt=4).verdict is Verdict.WAIT_TASK


def test_after_the_last_attempt_the_record_fails_with_the_last_reason():
    decision = verdict(500, attempt=4)
    assert decision.verdict is Verdict.FAIL_RECORD and decision.reason == "gave up after 4 tries; last: r"


@pytest.mark.parametrize("status", [400, 413, 422])
def test_a_bad_request_fails_only_that_record(status):
    assert verdict(status).verdict is Verdict.FAIL_RECORD


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_asks_for_a_valid_one(status):
    assert verdict(status).verdict is Verdict.NEED_KEY


def test_not_found_fails_the_task():
    assert verdict(404).verdict is Verdict.FAIL_TASK


def test_a_failure_without_a_status_must_be_a_transport_error():
    with pytest.raises(TypeError):
        verdict(None, error=ValueError("x"))


def test_the_reason_quotes_the_providers_error_message():
    body = b'{"error": {"message": "maximum context length is 8192 tokens", "code": "context_length_exceeded"}}'
    assert describe(400, body) == "HTTP 400: maximum context length is 8192 tokens"
    assert describe(502, b"<html>Bad Gateway</html>") == "HTTP 502: <html>Bad Gateway</html>"
    assert describe(500) == "HTTP 500"
    assert describe(None, error=RequestTimeoutError("x")) == "no answer in time (timed out)"
    assert describe(None, error=TransportError("refused")) == "network error: refused"
