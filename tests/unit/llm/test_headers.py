"""Provider wait headers: Retry-After (seconds or HTTP date), retry-after-ms, and the reset
durations of x-ratelimit-reset-requests/-tokens."""

from email.utils import formatdate

import pytest

from dataflow.executors.llm.headers import parse_duration, parse_retry_after, retry_wait

NOW = 1_800_000_000.0


@pytest.mark.parametrize("text, seconds", [
    ("12ms", 0.012), ("6s", 6.0), ("6.5s", 6.5), ("1m30s", 90.0), ("1m", 60.0), ("2h", 7200.0),
    ("1h2m3s", 3723.0), ("1d", 86400.0), ("20", 20.0), ("0.5", 0.5), (" 7s ", 7.0), ("0s", 0.0),
])
def test_durations_like_openais_reset_headers_are_read_in_seconds(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "1x", "ms", "-3s"])
def test_a_value_that_is_not_a_duration_is_none(text):
    assert parse_duration(text) is None


def test_retry_after_in_seconds():
    assert parse_retry_after("2", NOW) == 2.0
    assert parse_retry_after("120", NOW) == 120.0


def test_retry_after_as_an_http_date_is_the_time_until_then():
    assert parse_retry_after(formatdate(NOW + 45, usegmt=True), NOW) == pytest.approx(45.0)


def test_retry_after_date_in_the_past_means_now():
    assert parse_retry_after(formatdate(NOW - 300, usegmt=True), NOW) == 0.0


def test_unreadable_retry_after_is_none():
    assert parse_retry_after("whenever", NOW) is None


def test_retry_after_ms_wins_over_retry_after():
    assert retry_wait({"retry-after-ms": "1500", "retry-after": "9"}, NOW) == 1.5


def test_header_names_match_whatever_their_case():
    assert retry_wait({"Retry-After": "3"}, NOW) == 3.0


def test_retry_after_wins_over_the_reset_headers():
    assert retry_wait({"retry-after": "4", "x-ratelimit-reset-requests": "1m"}, NOW) == 4.0


def test_the_longest_reset_is_the_wait_when_nothing_else_is_said():
    headers = {"x-ratelimit-reset-requests": "12ms", "x-ratelimit-reset-tokens": "1m30s"}
    assert retry_wait(headers, NOW) == 90.0


def test_an_unreadable_retry_after_falls_back_to_the_reset_headers():
    assert retry_wait({"retry-after": "later", "x-ratelimit-reset-tokens": "6s"}, NOW) == 6.0


def test_no_header_means_no_wait_was_asked():
    assert retry_wait({"content-type": "application/json"}, NOW) is None
    assert retry_wait({"retry-after-ms": "abc"}, NOW) is None
