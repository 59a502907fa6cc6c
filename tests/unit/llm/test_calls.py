"""One record's requests on a manual clock with a scripted in-memory transport: backoff, time-outs,
provider holds, the one retry of a non-JSON answer, and the key scrubbed from reasons."""

import asyncio
import json

import pytest

from dataflow.core.clock import ManualClock, settle
from dataflow.core.errors import RetryAfterError
from dataflow.executors.llm.calls import Caller, redact
from dataflow.executors.llm.errors import TransportError
from dataflow.executors.llm.limiter import RateLimiter
from dataflow.executors.llm.options import LlmOptions
from dataflow.executors.llm.records import Item
from dataflow.executors.llm.store import Tries
from dataflow.executors.llm.transport import HttpResponse
from dataflow.executors.llm.usage import Usage
from tests.llm_server import answer_for

KEY = "sk-secret-abc"


def ok(content):
    return HttpResponse(200, json.dumps({"choices": [{"message": {"content": content}}],
                                         "usage": {"prompt_tokens": 7, "completion_tokens": 3}}).encode())


class Scripted:
    """Answers from a list (an exception is raised; None never answers); records request times."""

    def __init__(self, clock, *answers):
        self.clock, self.answers, self.times, self.headers = clock, list(answers), [], []

    async def post(self, url, headers, body):
        self.times.append(self.clock.now())
        self.headers.append(dict(headers))
        answer = self.answers.pop(0)
        if answer is None:
            await asyncio.Event().wait()
        if isinstance(answer, Exception):
            raise answer
        return answer


def caller(clock, transport, **options):
    settings = LlmOptions(base_url="https://api.example.com/v1", model="m", **options)
    return Caller(transport, clock, RateLimiter(clock), settings, KEY, rng=lambda: 1.0)


ITEM = Item(0, {"t": "x"}, "Alice at ACME is good")


async def run(clock, coroutine, step=1.0, limit=500):
    task = asyncio.ensure_future(coroutine)
    for _ in range(limit):
        await clock.advance(step)
        if task.done():
            return task.result()
    raise AssertionError("still running")


async def test_backoff_doubles_between_tries_without_real_time():
    clock = ManualClock(start=0)
    transport = Scripted(clock, HttpResponse(500, b""), TransportError("reset"), HttpResponse(503, b""),
                         ok(json.dumps(answer_for(ITEM.text))))
    outcome = await run(clock, caller(clock, transport).enrich(ITEM))
    assert outcome.answer == answer_for(ITEM.text) and outcome.usage.requests == 4
    assert transport.times == [0, 1, 3, 7]  # waits of 1, 2 and 4 s


async def test_a_request_without_an_answer_times_out_on_the_clock_and_is_sent_again():
    clock = ManualClock(start=0)
    transport = Scripted(clock, None, ok(json.dumps(answer_for(ITEM.text))))
    outcome = await run(clock, caller(clock, transport, timeout=10).enrich(ITEM))
    assert outcome.answer is not None and transport.times == [0, 11]  # 10 s time-out, then 1 s backoff


async def test_a_429_holds_the_whole_provider_for_its_wait():
    clock = ManualClock(start=0)
    limited = HttpResponse(429, b"{}", {"retry-after": "5"})
    transport = Scripted(clock, limited, ok(json.dumps(answer_for(ITEM.text))))
    call = caller(clock, transport)
    task = asyncio.ensure_future(call.enrich(ITEM))
    await settle()
    assert call.limiter.wait_time(clock.now()) == 5
    await run(clock, task)
    assert transport.times == [0, 5]


async def test_a_long_wait_raises_retry_after_with_the_time_and_holds_the_provider():
    clock = ManualClock(start=100)
    transport = Scripted(clock, HttpResponse(429, b"{}", {"retry-after": "90"}))
    call = caller(clock, transport)
    with pytest.raises(RetryAfterError) as raised:
        await call.enrich(ITEM)
    assert raised.value.not_before == 190 and call.limiter.hold_until == 190


async def test_the_usage_of_both_answers_counts_when_the_first_was_not_json():
    clock = ManualClock(start=0)
    transport = Scripted(clock, ok("no json"), ok(json.dumps(answer_for(ITEM.text))))
    outcome = await run(clock, caller(clock, transport).enrich(ITEM))
    assert outcome.answer is not None and (outcome.usage.requests, outcome.usage.prompt_tokens) == (2, 14)
    assert transport.times == [0, 0]  # asked again at once: nothing to wait for


async def test_the_key_goes_in_the_authorization_header_only_and_is_scrubbed_from_reasons():
    clock = ManualClock(start=0)
    transport = Scripted(clock, HttpResponse(400, json.dumps({"error": {"message": f"bad key {KEY}"}}).encode()))
    outcome = await caller(clock, transport).enrich(ITEM)
    assert transport.headers[0]["Authorization"] == f"Bearer {KEY}"
    assert outcome.error == "HTTP 400: bad key [API key]"
    assert redact("no secret here", "") == "no secret here"


async def test_a_prompt_naming_a_missing_field_fails_that_record_without_a_request():
    clock = ManualClock(start=0)
    transport = Scripted(clock)
    outcome = await caller(clock, transport, prompt="{record.nope}").enrich(ITEM)
    assert outcome.error == "the record has no field 'nope' (used in the prompt)" and transport.times == []


async def test_a_record_without_text_fails_without_a_request():
    clock = ManualClock(start=0)
    outcome = await caller(clock, Scripted(clock), text_path="body").enrich(Item(0, {}, ""))
    assert outcome.error == "no text to send (field 'body' is missing or empty)"


async def test_a_record_whose_attempts_were_spent_in_an_earlier_task_attempt_sends_nothing():
    clock = ManualClock(start=0)
    transport = Scripted(clock)
    outcome = await caller(clock, transport, max_attempts=3).enrich(ITEM, Tries(0, 3, Usage(3), last="HTTP 500"))
    assert transport.times == [] and outcome.error == "gave up after 3 tries; last: HTTP 500"
    assert outcome.usage.requests == 3


async def test_each_retry_is_stored_before_it_is_sent_and_counts_from_the_earlier_tries():
    clock = ManualClock(start=0)
    transport = Scripted(clock, HttpResponse(500, b""), ok(json.dumps(answer_for(ITEM.text))))
    saved = []

    async def save(tries):
        saved.append((tries.attempts, len(transport.times)))

    outcome = await run(clock, caller(clock, transport).enrich(ITEM, Tries(0, 2, Usage(2)), save))
    assert saved == [(3, 0), (4, 1)] and outcome.usage.requests == 4
