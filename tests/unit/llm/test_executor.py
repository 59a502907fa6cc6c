"""The LLM executor against the loopback test server: every record enriched once, per-record
retries by the rules, task-level stops, pause aborting requests in flight, durable answers across
a restart (nothing finished is sent again, the output equals an uninterrupted run's), the key kept
out of everything stored or reported."""

import asyncio
import json
import re
import threading
import time
from email.utils import formatdate

import pytest

from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.clock import ManualClock
from dataflow.core.errors import (
    NonRetryableError,
    RetryAfterError,
    SecretMissingError,
    TaskCancelledError,
    TaskPausedError,
)
from dataflow.core.model import TaskState
from dataflow.core.status import StopRequest, TaskStatus
from dataflow.executors.llm.errors import InvalidApiKeyError, ModelNotFoundError
from dataflow.executors.llm.executor import REPORT_EVERY
from dataflow.executors.llm.kind import LlmKind
from dataflow.executors.llm.limiter import Limiters
from dataflow.executors.llm.store import answers_prefix
from tests.llm_server import GOOD_KEY, LlmTestServer, Reply, answer_for
from tests.unit.llm.conftest import Context, make_records, task_input


async def until(predicate, limit=10.0):
    """Let the loop and the server thread work until `predicate()` holds (fails after `limit` real s)."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.001)


def rows(blobs, result):
    return [json.loads(line) for line in blobs.data[result["result_key"]].splitlines()]


async def test_every_record_is_enriched_once_and_kept_unchanged(make_executor, server, blobs):
    records = make_records(12)
    ctx = Context()
    result = await make_executor().execute(task_input(server, records), ctx.make())
    assert (result["records"], result["enriched"], result["failed"]) == (12, 12, 0)
    output = rows(blobs, result)
    for record, row in zip(records, output, strict=True):
        assert {key: value for key, value in row.items() if key != "llm"} == record
        assert row["llm"] == answer_for(record["fields"]["description"])
    assert all(server.count(f"rec-{index:03d}") == 1 for index in range(12))
    assert result["filename"] == "records.enriched.jsonl" and result["requests"] == 12
    assert result["prompt_tokens"] > 0 and result["completion_tokens"] > 0
    assert ctx.progress[-1][0] == 99.0 and ctx.checkpoints[-1] == {"done": 12, "failed": 0, "total": 12}
    assert any(message.startswith("12 of 12 records") for _, message in ctx.progress)


async def test_the_summary_counts_keywords_sentiments_tokens_and_failures(make_executor, server, blobs):
    server.script("rec-002", Reply.bad_request())
    result = await make_executor().execute(task_input(server, make_records(6), price_in=1.0, price_out=2.0),
                                           Context().make())
    assert result["summary_filename"] == "records.summary.md"  # the row's "Download summary" (kind.downloads)
    summary = blobs.data[result["summary_key"]].decode()
    assert "- Model: `test-model`" in summary and "6 (5 enriched, 1 failed, 0 cut" in summary
    assert "| alice | 5 |" in summary  # every enriched record's keywords hold alice
    assert "| negative | 2 |" in summary and "| positive | 2 |" in summary
    assert "| #3 (index 2) | HTTP 400: This model's maximum context length is 8192 tokens. |" in summary
    assert f"tokens in: {result['prompt_tokens']:,}" in summary and "Estimated cost" in summary
    assert result["cost"] == pytest.approx((result["prompt_tokens"] + 2 * result["completion_tokens"]) / 1e6)


async def test_no_more_than_k_requests_are_in_flight(make_executor, server):
    await make_executor().execute(task_input(server, make_records(20), concurrency=3), Context().make())
    assert server.peak <= 3 and server.count() == 20


@pytest.mark.parametrize("headers, wait", [
    ({"Retry-After": "2"}, 2.0),
    ({"retry-after-ms": "2500"}, 2.5),
    ({"x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "3s"}, 3.0),
    ({"x-ratelimit-reset-tokens": "1m5s"}, 65.0),
])
async def test_a_429_delays_that_record_by_the_wait_the_provider_asks(make_executor, server, fast_clock, headers,
                                                                       wait):
    server.script("rec-001", Reply.rate_limited(headers))
    result = await make_executor().execute(task_input(server, make_records(3), long_wait=100),
                                           Context().make())
    assert result["enriched"] == 3 and server.count("rec-001") == 2
    first, second = server.requests_for("rec-001")
    assert (second["time"] - first["time"]) * fast_clock.speed >= wait
    assert max(fast_clock.sleeps) >= wait


async def test_a_429_with_an_http_date_is_honoured(make_executor, server, fast_clock):
    server.script("rec-000", Reply.rate_limited({"Retry-After": formatdate(fast_clock.now() + 20, usegmt=True)}))
    result = await make_executor().execute(task_input(server, make_records(1)), Context().make())
    assert result["enriched"] == 1 and max(fast_clock.sleeps) >= 18  # the date has whole seconds


async def test_server_errors_are_retried_until_an_answer_comes(make_executor, server):
    server.script("rec-001", Reply.server_error(500), Reply.server_error(503), Reply.server_error(502))
    result = await make_executor().execute(task_input(server, make_records(2)), Context().make())
    assert result["enriched"] == 2 and server.count("rec-001") == 4


async def test_a_record_that_keeps_failing_fails_alone_after_its_attempts(make_executor, server, blobs):
    server.script("rec-001", *[Reply.server_error()] * 3)
    result = await make_executor().execute(task_input(server, make_records(3), max_attempts=3), Context().make())
    assert (result["enriched"], result["failed"]) == (2, 1) and server.count("rec-001") == 3
    assert rows(blobs, result)[1]["llm"] == {"_error": "gave up after 3 tries; last: HTTP 500: The server had "
                                                       "an error while processing your request."}


async def test_a_fresh_task_says_it_reads_the_records_before_they_are_read_and_a_resumed_one_keeps_its_row(
        make_executor, server):
    seen_at_read = []

    class Watched:
        async def records(self, input):  # noqa: A002
            seen_at_read.append(list(ctx.progress))
            return input["records"]

    ctx = Context()
    await make_executor(source=Watched()).execute(task_input(server, make_records(2)), ctx.make())
    await make_executor(source=Watched()).execute(task_input(server, make_records(2)), ctx.make(2))
    assert seen_at_read[0] == [(0.0, "Reading the records…")]  # before the first record is read
    assert ctx.progress.count((0.0, "Reading the records…")) == 1  # the resumed attempt kept its row


async def test_a_task_whose_every_record_failed_fails_naming_the_first_reason_and_a_retry_sends_them_again(
        make_executor, server, blobs):
    server.script("rec-00", *[Reply.bad_request("too long")] * 3)
    ctx, records = Context(), make_records(3)
    with pytest.raises(NonRetryableError, match=r"^No record was enriched: all 3 failed. The first, record #1 "
                                                r"\(index 0\): HTTP 400: too long$"):
        await make_executor().execute(task_input(server, records), ctx.make())
    assert await blobs.keys(answers_prefix("task-1")) == [] and server.count("rec-00") == 3
    assert ctx.progress[-1] == (0.0, "No record was enriched")  # the failed row's bar: not 99 % of nothing
    result = await make_executor().execute(task_input(server, records), ctx.make(2))  # Retry, the cause gone
    assert (result["enriched"], result["failed"]) == (3, 0) and server.count("rec-00") == 6


async def test_a_task_of_one_record_that_failed_says_so_in_the_singular(make_executor, server):
    server.script("rec-00", Reply.bad_request("too long"))
    with pytest.raises(NonRetryableError, match=r"^No record was enriched: the only one, record #1 "
                                                r"\(index 0\), failed: HTTP 400: too long$"):
        await make_executor().execute(task_input(server, make_records(1)), Context().make())


async def test_a_records_attempts_hold_across_a_long_provider_wait(make_executor, server, blobs):
    server.script("rec-000", *[Reply.server_error()] * 20)
    server.script("rec-001", *[Reply.server_error()] * 3, Reply.rate_limited({"Retry-After": "90"}))
    ctx, records = Context(), make_records(2)
    with pytest.raises(RetryAfterError):
        await make_executor().execute(task_input(server, records, concurrency=2), ctx.make())
    before = server.count("rec-000")
    result = await make_executor().execute(task_input(server, records, concurrency=2), ctx.make(2))
    assert 1 < before < 6 and server.count("rec-000") <= 6 and server.count("rec-001") == 5
    assert rows(blobs, result)[0]["llm"]["_error"].startswith("gave up after 6 tries; last: HTTP 500")
    assert result["requests"] == 6 + 5  # the usage counts the requests of both task attempts


async def test_a_records_attempts_hold_across_a_reload(make_executor, server, blobs):
    release = threading.Event()
    server.script("rec-000", *[Reply.server_error()] * 3, Reply.held(release))
    ctx, records = Context(), make_records(2)  # the second is enriched: not every record fails
    run = asyncio.ensure_future(make_executor().execute(task_input(server, records, max_attempts=5), ctx.make()))
    await until(lambda: server.count("rec-000") == 4)
    run.cancel()  # the tab dies with the fourth request in flight
    with pytest.raises(asyncio.CancelledError):
        await run
    release.set()
    server.script("rec-000", *[Reply.server_error()] * 20)
    result = await make_executor().execute(task_input(server, records, max_attempts=5), ctx.make(2))
    assert server.count("rec-000") == 5  # one more: the fourth counted although it never answered
    assert rows(blobs, result)[0]["llm"]["_error"].startswith("gave up after 5 tries; last: HTTP 500")


async def test_a_slow_answer_times_out_and_is_sent_again(make_executor, server):
    release = threading.Event()
    server.script("rec-000", Reply.held(release))
    try:
        # 500 virtual s are half a real second: the held request times out, a normal answer never does
        result = await make_executor().execute(task_input(server, make_records(2), timeout=500), Context().make())
    finally:
        release.set()
    assert result["enriched"] == 2 and server.count("rec-000") == 2 and server.count("rec-001") == 1


async def test_an_answer_that_is_not_json_is_asked_again_once(make_executor, server):
    server.script("rec-000", Reply.not_json())
    result = await make_executor().execute(task_input(server, make_records(1)), Context().make())
    assert result["enriched"] == 1 and server.count("rec-000") == 2
    assert "not the JSON object asked for" in server.bodies[-1]["messages"][-1]["content"]


async def test_two_answers_that_are_not_json_make_that_records_error(make_executor, server, blobs):
    server.script("rec-001", Reply.not_json(), Reply.not_json("still no"))
    result = await make_executor().execute(task_input(server, make_records(3)), Context().make())
    assert (result["enriched"], result["failed"]) == (2, 1) and server.count("rec-001") == 2
    assert rows(blobs, result)[1]["llm"]["_error"].startswith("the answer was not the JSON asked for, twice")


async def test_fenced_answers_with_prose_are_accepted(fast_clock, blobs, make_executor):
    with LlmTestServer(fenced=True) as fenced:
        result = await make_executor().execute(task_input(fenced, make_records(2)), Context().make())
    assert result["enriched"] == 2 and fenced.count() == 2


async def test_a_bad_request_fails_that_record_and_the_others_go_on(make_executor, server, blobs):
    server.script("rec-001", Reply.bad_request())
    result = await make_executor().execute(task_input(server, make_records(3)), Context().make())
    assert (result["enriched"], result["failed"]) == (2, 1) and server.count("rec-001") == 1


async def test_a_refused_key_stops_the_task_asking_for_a_valid_one_without_quoting_it(make_executor, server, blobs):
    ctx = Context(key="sk-wrong-key-123456")
    with pytest.raises(InvalidApiKeyError, match="Enter a valid key") as raised:
        await make_executor().execute(task_input(server, make_records(3)), ctx.make())
    assert "sk-wrong-key-123456" not in str(raised.value)  # the server echoes it: we scrub it
    assert "[API key]" in str(raised.value)


async def test_without_a_key_the_task_waits_for_one(make_executor, server):
    with pytest.raises(SecretMissingError) as raised:
        await make_executor().execute(task_input(server, make_records(1)), Context(key=None).make())
    assert raised.value.names == ("api_key",) and server.count() == 0


async def test_a_local_server_needs_no_key(make_executor, fast_clock):
    with LlmTestServer(key=None) as local:
        result = await make_executor().execute(task_input(local, make_records(2), needs_key=False),
                                               Context(key=None).make())
        assert result["enriched"] == 2 and all(entry["authorization"] == "" for entry in local.log)


async def test_an_unknown_model_fails_the_task_plainly(make_executor, server):
    with pytest.raises(ModelNotFoundError, match="does not know the model 'gpt-9'"):
        await make_executor().execute(task_input(server, make_records(3), model="gpt-9"), Context().make())


async def test_a_long_provider_wait_makes_the_task_retry_not_before_then_and_keeps_answers(make_executor, server,
                                                                                            fast_clock, blobs):
    server.script("rec-004", Reply.rate_limited({"Retry-After": "600"}))
    ctx = Context()
    with pytest.raises(RetryAfterError) as raised:
        await make_executor().execute(task_input(server, make_records(6), concurrency=1), ctx.make())
    assert raised.value.not_before == pytest.approx(fast_clock.now() + 600, abs=30)
    assert server.count("rec-003") == 1
    result = await make_executor().execute(task_input(server, make_records(6), concurrency=1), ctx.make(2))
    assert result["enriched"] == 6
    assert [server.count(f"rec-{index:03d}") for index in range(6)] == [1, 1, 1, 1, 2, 1]


async def test_pause_aborts_the_requests_in_flight_and_resume_sends_only_the_rest(make_executor, server, blobs):
    release = threading.Event()
    server.script("rec-002", Reply.held(release))
    ctx = Context()
    records = make_records(5)
    run = asyncio.ensure_future(make_executor().execute(task_input(server, records, concurrency=1), ctx.make()))
    await until(lambda: server.count("rec-002") == 1)
    ctx.stop = StopRequest.PAUSE
    with pytest.raises(TaskPausedError):
        await run
    assert not release.is_set() and server.count() == 3  # stopped while rec-002 was still held
    assert ctx.progress[-1][1].startswith("2 of 5 records · 0 in flight")  # the paused row: nothing in flight
    release.set()
    ctx.stop = None
    result = await make_executor().execute(task_input(server, records, concurrency=1), ctx.make())
    assert result["enriched"] == 5
    assert [server.count(f"rec-{index:03d}") for index in range(5)] == [1, 1, 2, 1, 1]


async def test_cancel_aborts_the_requests_in_flight(make_executor, server):
    release = threading.Event()
    server.script("rec-000", Reply.held(release))
    ctx = Context()
    run = asyncio.ensure_future(make_executor().execute(task_input(server, make_records(1)), ctx.make()))
    await until(lambda: server.count() == 1)
    ctx.stop = StopRequest.CANCEL
    with pytest.raises(TaskCancelledError):
        await run
    release.set()


async def test_a_restart_mid_run_sends_no_finished_record_again_and_gives_the_same_output(make_executor, server,
                                                                                          blobs):
    records = make_records(20)
    holds = {name: threading.Event() for name in ("rec-010", "rec-011")}
    for name, event in holds.items():
        server.script(name, Reply.held(event))
    ctx = Context()
    run = asyncio.ensure_future(make_executor().execute(task_input(server, records, concurrency=2), ctx.make()))
    await until(lambda: server.count("rec-010") == 1 and server.count("rec-011") == 1)
    run.cancel()  # the tab dies: nothing after this point is stored
    with pytest.raises(asyncio.CancelledError):
        await run
    for event in holds.values():
        event.set()
    stored = len(await blobs.keys(answers_prefix("task-1")))
    assert stored == 10
    result = await make_executor().execute(task_input(server, records, concurrency=2), ctx.make(2))
    counts = [server.count(f"rec-{index:03d}") for index in range(20)]
    assert counts == [1] * 10 + [2, 2] + [1] * 8  # only the two in flight were sent again

    with LlmTestServer() as fresh:
        clean = MemoryBlobStore()
        uninterrupted = await make_executor(blobs=clean).execute(task_input(fresh, records, concurrency=2,
                                                                            base_url=server.base_url),
                                                                 Context().make())
    assert blobs.data[result["result_key"]] == clean.data[uninterrupted["result_key"]]
    assert blobs.data[result["summary_key"]] == clean.data[uninterrupted["summary_key"]]


async def test_the_key_appears_in_no_blob_checkpoint_progress_or_result(make_executor, server, blobs):
    server.script("rec-001", Reply.bad_request(f"echoing {GOOD_KEY} back"))
    ctx = Context()
    result = await make_executor().execute(task_input(server, make_records(4)), ctx.make())
    everything = json.dumps([blobs.data, ctx.progress, ctx.checkpoints, result],
                            default=lambda value: value.decode() if isinstance(value, bytes) else str(value))
    assert GOOD_KEY not in everything and "[API key]" in everything
    assert all(entry["authorization"] == f"Bearer {GOOD_KEY}" for entry in server.log)


async def test_text_over_the_limit_is_cut_and_the_output_says_so(make_executor, server, blobs):
    records = [{"fields": {"description": "rec-000 " + "word " * 100}}]
    result = await make_executor().execute(task_input(server, records, max_chars=50), Context().make())
    assert rows(blobs, result)[0]["llm"]["_truncated"] == {"sent_chars": 50, "original_chars": 508}
    assert len(server.log[0]["text"]) == 50 and result["truncated"] == 1


async def test_a_prompt_of_ones_own_with_a_schema(make_executor, server, blobs):
    schema = {"type": "object", "required": ["length", "words", "first"],
              "properties": {"length": {"type": "integer"}, "words": {"type": "integer"},
                             "first": {"type": "string"}}}
    records = [{"id": 1, "title": "Pumps", "body": "rec-000 about pumps"}]
    result = await make_executor().execute(
        task_input(server, records, text_path="body", prompt="Title {record.title}: {text}", schema=schema,
                   output_key="ai", output_format="json"), Context().make())
    [row] = json.loads(blobs.data[result["result_key"]])
    assert row["ai"] == {"length": 32, "words": 5, "first": "Title"} and row["title"] == "Pumps"


async def test_records_that_already_have_the_output_key_are_refused(make_executor, server):
    with pytest.raises(NonRetryableError, match="already has a field 'llm'"):
        await make_executor().execute(task_input(server, [{"llm": 1}]), Context().make())
    assert server.count() == 0


async def test_invalid_settings_fail_the_task_with_the_reason(make_executor, server):
    with pytest.raises(NonRetryableError, match="settings are not valid: Base URL: "):
        await make_executor().execute(task_input(server, [], base_url="ftp://x"), Context().make())


async def test_progress_shows_the_estimated_cost_once_prices_are_set(make_executor, server):
    ctx = Context()
    await make_executor().execute(task_input(server, make_records(30), price_in=2.0, price_out=8.0), ctx.make())
    counted = [message for _, message in ctx.progress if "records" in (message or "")]
    assert counted[-1].startswith("30 of 30 records · 0 in flight") and " · cost ≈ 0.0" in counted[-1]


COUNTED = re.compile(r"^([\d,]+) of ([\d,]+) records?(?: · ([\d,]+) failed)? · ")


def counted(progress):
    """(percent, done, failed, total) of each report that counts records."""
    found = [(percent, COUNTED.match(message or "")) for percent, message in progress]
    return [(percent, *(int((group or "0").replace(",", "")) for group in match.group(1, 3, 2)))
            for percent, match in found if match]


async def test_while_records_fail_the_line_counts_them_and_the_bar_is_every_record_settled(make_executor, server):
    server.script("rec-001", Reply.bad_request())
    server.script("rec-003", Reply.bad_request())
    ctx = Context()
    result = await make_executor().execute(task_input(server, make_records(6), concurrency=1), ctx.make())
    assert result["failed"] == 2
    reports = counted(ctx.progress)
    assert all(percent == pytest.approx(99.0 * done / total) for percent, done, _, total in reports)  # bar = line
    assert (reports[0][1:], reports[-1][1:]) == ((0, 0, 6), (6, 2, 6))
    failed_so_far = [failed for _, _, failed, _ in reports]
    assert failed_so_far == sorted(failed_so_far) and 1 in failed_so_far  # said as they fail, not at the end
    assert ctx.checkpoints[-1] == {"done": 6, "failed": 2, "total": 6}


async def test_a_task_whose_every_record_fails_says_so_as_they_fail_and_keeps_no_counts(make_executor, server):
    server.script("rec-00", *[Reply.bad_request("too long")] * 5)
    ctx = Context()
    with pytest.raises(NonRetryableError):
        await make_executor().execute(task_input(server, make_records(5), concurrency=1), ctx.make())
    reports = counted(ctx.progress)
    assert reports[-1][1:] == (5, 5, 5) and all(failed == done for _, done, failed, _ in reports)
    assert ctx.checkpoint_data is None  # its answers are cleared: a Retry (or a Cancel meanwhile) starts from none


async def test_a_resumed_task_counts_the_failures_of_its_earlier_runs(make_executor, server):
    release = threading.Event()
    server.script("rec-000", Reply.bad_request())
    server.script("rec-002", Reply.held(release))
    ctx = Context()
    run = asyncio.ensure_future(make_executor().execute(task_input(server, make_records(5), concurrency=1),
                                                        ctx.make()))
    await until(lambda: server.count("rec-002") == 1)
    ctx.stop = StopRequest.PAUSE
    with pytest.raises(TaskPausedError):
        await run
    assert ctx.progress[-1][1].startswith("2 of 5 records · 1 failed · 0 in flight")  # the paused row
    release.set()
    ctx.stop, paused = None, len(ctx.progress)
    result = await make_executor().execute(task_input(server, make_records(5), concurrency=1), ctx.make())
    assert result["failed"] == 1
    assert counted(ctx.progress[paused:])[0][1:] == (2, 1, 5)  # the resumed row's first line, before any answer


async def test_a_cancelled_task_leaves_the_counts_its_row_says_it_got_to(make_executor, server):
    release = threading.Event()
    server.script("rec-001", Reply.bad_request())
    server.script("rec-003", Reply.held(release))
    ctx = Context()
    run = asyncio.ensure_future(make_executor().execute(task_input(server, make_records(6), concurrency=1),
                                                        ctx.make()))
    await until(lambda: server.count("rec-003") == 1)
    ctx.stop = StopRequest.CANCEL
    with pytest.raises(TaskCancelledError):
        await run
    release.set()
    assert ctx.checkpoint_data == {"done": 3, "failed": 1, "total": 6}
    cancelled = TaskState(id="task-1", name="records.jsonl", kind="llm", status=TaskStatus.CANCELLED,
                          checkpoint=ctx.checkpoint_data)
    assert LlmKind().cancelled_summary(cancelled) == "Cancelled after 3 of 6 records · 1 failed"


async def test_records_settled_between_two_reports_reach_the_row_and_its_checkpoint_once_the_interval_passed(
        make_executor, server):
    clock = ManualClock()
    release = threading.Event()
    for held in ("rec-002", "rec-003"):
        server.script(held, Reply.held(release))
    ctx = Context()
    run = asyncio.ensure_future(make_executor(clock=clock, limiters=Limiters(clock)).execute(
        task_input(server, make_records(4), concurrency=2), ctx.make()))
    await until(lambda: server.count("rec-002") == 1 and server.count("rec-003") == 1)
    assert ctx.checkpoint_data == {"done": 0, "failed": 0, "total": 4}  # both settled within REPORT_EVERY of it
    await clock.advance(REPORT_EVERY)
    assert ctx.checkpoint_data == {"done": 2, "failed": 0, "total": 4}  # what a reload now would say it got to
    assert ctx.progress[-1][1].startswith("2 of 4 records · 2 in flight")
    ctx.stop = StopRequest.CANCEL
    await clock.advance(1)
    with pytest.raises(TaskCancelledError):
        await run
    release.set()


async def test_a_long_provider_wait_first_reports_the_records_done_and_none_in_flight(make_executor, server,
                                                                                       fast_clock):
    server.script("rec-004", Reply.rate_limited({"Retry-After": "600"}))
    ctx = Context()
    with pytest.raises(RetryAfterError):
        await make_executor().execute(task_input(server, make_records(6), concurrency=2), ctx.make())
    last = ctx.progress[-1][1]  # how many records end before rec-004's 429 depends on timing (3 to 5 seen)
    assert re.match(r"[3-5] of 6 records · 0 in flight", last), last
    assert "tokens in 0," not in last


def retry_input(server, blobs, result, **options) -> dict:
    """The input of a task that sends only `result`'s failed records: its file read back, its settings."""
    data = blobs.data[result["result_key"]]
    fmt = options.get("output_format", "jsonl")
    rows_read = json.loads(data) if fmt == "json" else [json.loads(line) for line in data.splitlines()]
    return {**task_input(server, rows_read, retry_failed=True, **options), "name": result["filename"]}


async def uninterrupted(make_executor, server, records, **options) -> tuple[dict, MemoryBlobStore]:
    """What a full run where no record fails gives (its own server: the counts stay the test's)."""
    with LlmTestServer() as fresh:
        clean = MemoryBlobStore()
        result = await make_executor(blobs=clean).execute(task_input(fresh, records, **options), Context().make())
    return result, clean


@pytest.mark.parametrize("options", [{}, {"output_format": "json"}, {"max_chars": 30}])
async def test_a_retry_of_the_failed_records_sends_only_them_and_merges_into_the_full_runs_file(
        make_executor, server, blobs, options):
    records = make_records(8)
    server.script("rec-002", Reply.bad_request())
    server.script("rec-005", Reply.bad_request())
    first = await make_executor().execute(task_input(server, records, **options), Context().make())
    assert (first["failed"], server.count()) == (2, 8)
    result = await make_executor().execute(retry_input(server, blobs, first, **options), Context("task-2").make())
    counts = [server.count(f"rec-{index:03d}") for index in range(8)]
    assert counts == [1, 1, 2, 1, 1, 2, 1, 1]  # the six answers paid for were not asked again
    assert (result["records"], result["enriched"], result["failed"], result["kept"]) == (8, 8, 0, 6)
    assert result["requests"] == 2 and result["filename"] == first["filename"]
    assert result["summary_filename"] == first["summary_filename"]
    full, clean = await uninterrupted(make_executor, server, records, **options)
    assert blobs.data[result["result_key"]] == clean.data[full["result_key"]]  # same order, format, bytes
    summary = blobs.data[result["summary_key"]].decode()
    assert "- Records: 8 (8 enriched, 0 failed" in summary and "- Answers kept from the earlier run: 6" in summary
    assert "- Requests: 2;" in summary


async def test_a_record_that_fails_again_keeps_its_new_reason_and_can_be_retried_once_more(make_executor, server,
                                                                                          blobs):
    records = make_records(4)
    server.script("rec-001", Reply.bad_request("first reason"), Reply.bad_request("second reason"))
    first = await make_executor().execute(task_input(server, records), Context().make())
    second = await make_executor().execute(retry_input(server, blobs, first), Context("task-2").make())
    assert (second["failed"], second["kept"]) == (1, 3)  # completed: its other answers are kept, not failed
    assert rows(blobs, second)[1]["llm"] == {"_error": "HTTP 400: second reason"}
    third = await make_executor().execute(retry_input(server, blobs, second), Context("task-3").make())
    assert (third["failed"], third["kept"], server.count("rec-001"), server.count()) == (0, 3, 3, 6)
    assert rows(blobs, third)[1]["llm"] == answer_for(records[1]["fields"]["description"])


async def test_a_retry_resumed_after_a_reload_sends_no_answer_it_already_stored(make_executor, server, blobs):
    records = make_records(6)
    for name in ("rec-001", "rec-003", "rec-004"):
        server.script(name, Reply.bad_request())
    first = await make_executor().execute(task_input(server, records), Context().make())
    held = threading.Event()
    server.script("rec-004", Reply.held(held))
    ctx = Context("task-2")
    run = asyncio.ensure_future(make_executor().execute(retry_input(server, blobs, first, concurrency=1),
                                                        ctx.make()))
    await until(lambda: server.count("rec-004") == 2)  # 001 and 003 answered and stored, 004 in flight
    run.cancel()  # the tab dies
    with pytest.raises(asyncio.CancelledError):
        await run
    held.set()
    assert len(await blobs.keys(answers_prefix("task-2"))) == 2
    result = await make_executor().execute(retry_input(server, blobs, first, concurrency=1), ctx.make(2))
    counts = [server.count(f"rec-{index:03d}") for index in range(6)]
    assert counts == [1, 2, 1, 2, 3, 1] and (result["failed"], result["kept"]) == (0, 3)
    full, clean = await uninterrupted(make_executor, server, records, concurrency=1)
    assert blobs.data[result["result_key"]] == clean.data[full["result_key"]]


async def test_a_file_that_is_not_an_earlier_result_fails_the_retry_with_the_reason(make_executor, server):
    records = [{"id": 0, "llm": "not an answer"}]
    with pytest.raises(NonRetryableError, match="holds no earlier answer under 'llm'"):
        await make_executor().execute(task_input(server, records, retry_failed=True), Context().make())
    assert server.count() == 0
