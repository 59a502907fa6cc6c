"""The LLM executor the orchestrator runs: it loads a task's records, sends those without a stored
answer, K at a time under the provider's shared rate limit, stores each outcome as it arrives,
reports records settled / total and how many failed, with tokens (see `progress`), and writes the
enriched file and its summary.

Pause and cancel abort the requests in flight (a watcher polls the task's stop request on the
clock). The API key comes from `ctx.secrets[API_KEY]` and never leaves the Authorization header.
Executors ring: standard library only, never the browser; the page supplies the transport.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from typing import Any

from dataflow.core.blobs import BlobStore, result_key
from dataflow.core.clock import Clock
from dataflow.core.errors import NonRetryableError, RetryAfterError, SecretMissingError
from dataflow.core.executor import ExecutionContext
from dataflow.executors.llm.calls import Caller
from dataflow.executors.llm.earlier import split_earlier
from dataflow.executors.llm.limiter import Limiters
from dataflow.executors.llm.options import API_KEY, LlmOptions
from dataflow.executors.llm.output import MIME, record_name, records_file, summary_markdown, totals
from dataflow.executors.llm.progress import FINISH_SHARE, Counts, running_text
from dataflow.executors.llm.records import Item, RecordSource, items_from_records
from dataflow.executors.llm.store import AnswerStore, Outcome, Tries, summary_key
from dataflow.executors.llm.transport import HttpTransport
from dataflow.executors.llm.usage import total

SLICE = 2000  # records prepared between two yields to the event loop (the page's main thread)
REPORT_EVERY = 0.25  # seconds between progress reports and checkpoints (the row, the saved state)
ENRICHED = ".enriched"  # the result file's name: "people.jsonl" -> "people.enriched.jsonl"


class LlmExecutor:
    """`execute(input, ctx)`: input is `{"name": str, "options": LlmOptions dict, ...}` plus what the
    RecordSource needs to find the records (with `retry_failed`, an earlier result: its answers are
    kept and only its failed records sent). Returns the result dict (keys of the files, counts, tokens
    and cost of this task's requests, `kept` answers). `limiters` is shared by every task of the app
    (one ceiling per provider)."""

    kind = "llm"

    def __init__(self, *, transport: HttpTransport, source: RecordSource, blobs: BlobStore, clock: Clock,
                 limiters: Limiters | None = None, rng: Callable[[], float] = random.random,
                 stop_poll: float = 0.2):
        self.transport, self.source, self.blobs, self.clock = transport, source, blobs, clock
        self.limiters = limiters or Limiters(clock)
        self.rng, self.stop_poll = rng, stop_poll

    async def execute(self, input: dict[str, Any], ctx: ExecutionContext) -> dict[str, Any]:  # noqa: A002
        """Raises SecretMissingError without a key, InvalidApiKeyError, ModelNotFoundError, RetryAfterError
        (a long provider wait), NonRetryableError for bad options or records or when every record
        failed (naming the first reason; the stored outcomes are cleared so a Retry sends them all),
        and TaskPausedError / TaskCancelledError when stopped (in-flight requests are aborted; stored answers stay)."""
        try:
            options = LlmOptions.from_dict(input.get("options"))
        except ValueError as error:
            raise NonRetryableError(f"The enrichment settings are not valid: {error}") from error
        api_key = ctx.secrets.get(API_KEY, "")
        if options.needs_key and not api_key:
            raise SecretMissingError("This task needs the provider's API key (kept in memory only, so it is "
                                     "asked for again after a reload or when another tab takes over the "
                                     "tasks).", names=(API_KEY,))
        if not ctx.is_resume:  # a large file takes seconds to read: the row says so rather than a silent 0 %
            ctx.report_progress(0.0, "Reading the records…")
        records, kept = await _prepared(await self.source.records(input), options)
        items: list[Item] = []
        for start in range(0, len(records), SLICE):  # a large file: yield to the page between slices
            items += items_from_records(records[start:start + SLICE], options.text_path, first=start)
            await asyncio.sleep(0)
        store = AnswerStore(self.blobs, ctx.task_id)
        outcomes: list[Outcome | None] = await store.load(len(items))
        for outcome in kept:  # answers an earlier run paid for: never sent again
            outcomes[outcome.index] = outcome
        caller = Caller(self.transport, self.clock, self.limiters.for_provider(options.base_url,
                        options.requests_per_minute), options, api_key, self.rng)
        run = _Run(ctx, caller, store, outcomes, self.clock, self.stop_poll)
        run.tries = await store.load_tries() if any(outcome is None for outcome in outcomes) else {}
        await run.go([item for item in items if outcomes[item.index] is None], options.concurrency)
        ctx.raise_if_cancelled()
        finished = [outcome for outcome in outcomes if outcome is not None]
        if finished and all(outcome.answer is None for outcome in finished):
            await store.clear()  # so that Retry (after fixing the cause) sends every record again
            ctx.checkpoint(None)  # and its row, until it counts again, claims none settled
            ctx.report_progress(0.0, "No record was enriched")  # the failed row's bar: nothing is kept
            first = finished[0]
            if len(finished) == 1:
                raise NonRetryableError(f"No record was enriched: the only one, record {record_name(first.index)}, "
                                        f"failed: {first.error}")
            raise NonRetryableError(f"No record was enriched: all {len(finished):,} failed. The first, record "
                                    f"{record_name(first.index)}: {first.error}")
        return await self._finish(ctx, input, options, records, finished, kept=len(kept))

    async def _finish(self, ctx: ExecutionContext, input: dict[str, Any], options: LlmOptions,  # noqa: A002
                      records: Sequence[dict[str, Any]], outcomes: list[Outcome], *, kept: int) -> dict[str, Any]:
        ctx.report_progress(FINISH_SHARE, "Writing the result")
        name = str(input.get("name") or input.get("file_name") or "records")
        data = records_file(records, outcomes, key=options.output_key, fmt=options.output_format)
        summary = summary_markdown(outcomes, name=name, model=options.model, price_in=options.price_in,
                                   price_out=options.price_out, kept=kept)
        # bytes, not text: the page saves a stored Blob (IndexedDB keeps a str as a string)
        await self.blobs.put_many([(result_key(ctx.task_id), data.encode("utf-8"), MIME[options.output_format]),
                                   (summary_key(ctx.task_id), summary.encode("utf-8"), "text/markdown")])
        sums = totals(outcomes)
        stem = name.rsplit(".", 1)[0] if "." in name else name
        if options.retry_failed:  # the input is an earlier result, "x.enriched.jsonl": its files keep their names
            stem = stem.removesuffix(ENRICHED)
        return {"result_key": result_key(ctx.task_id), "filename": f"{stem}{ENRICHED}.{options.output_format}",
                "summary_key": summary_key(ctx.task_id), "summary_filename": f"{stem}.summary.md",
                "model": options.model, **sums.to_dict(), **({"kept": kept} if options.retry_failed else {}),
                "cost": round(sums.usage.cost(options.price_in, options.price_out), 6)}


async def _prepared(raw: Sequence[Any], options: LlmOptions) -> tuple[list[dict[str, Any]], list[Outcome]]:
    """The records to enrich and the answers kept for some of them: none, or with `retry_failed`
    those of an earlier result (earlier.split_earlier), read in slices with yields in between."""
    if not options.retry_failed:
        return await _checked(raw, options.output_key), []
    records: list[dict[str, Any]] = []
    kept: list[Outcome] = []
    for start in range(0, len(raw), SLICE):
        sources, outcomes = split_earlier(raw[start:start + SLICE], options.output_key, first=start)
        records += sources
        kept += [outcome for outcome in outcomes if outcome is not None]
        await asyncio.sleep(0)
    return records, kept


async def _checked(records: Sequence[Any], key: str) -> list[dict[str, Any]]:
    """The records as a list of dicts; NonRetryableError for one that is not an object or already has
    the output key (it must stay unchanged)."""
    checked = list(records)
    for index, record in enumerate(checked):
        if (index + 1) % SLICE == 0:
            await asyncio.sleep(0)
        if not isinstance(record, dict):
            raise NonRetryableError(f"Record {record_name(index)} is not a JSON object (it is "
                                    f"{type(record).__name__}).")
        if key in record:
            raise NonRetryableError(f"Record {record_name(index)} already has a field {key!r}; choose another "
                                    "output key so the source records stay unchanged.")
    return checked


class _Run:
    """One attempt of a task: K workers over the pending items, a stop watcher, progress."""

    def __init__(self, ctx: ExecutionContext, caller: Caller, store: AnswerStore, outcomes: list[Outcome | None],
                 clock: Clock, stop_poll: float):
        self.ctx, self.caller, self.store, self.outcomes = ctx, caller, store, outcomes
        self.clock, self.stop_poll = clock, stop_poll
        self.in_flight = 0
        self.queue: list[Item] = []
        self.tries: dict[int, Tries] = {}  # each pending record's requests in earlier task attempts
        known = [outcome for outcome in outcomes if outcome is not None]
        self.done, self.usage = len(known), total(outcome.usage for outcome in known)
        self.failed = sum(1 for outcome in known if outcome.answer is None)
        self.reported_at: float | None = None
        self.trailing: asyncio.Future[None] | None = None  # the report due once REPORT_EVERY has passed

    async def go(self, pending: list[Item], concurrency: int) -> None:
        self.queue = list(reversed(pending))
        self._progress()
        if not pending:
            return
        self.ctx.raise_if_cancelled()
        workers = [asyncio.ensure_future(self._worker()) for _ in range(min(concurrency, len(pending)))]
        watcher = asyncio.ensure_future(self._watch(workers))
        waits = False
        try:
            await asyncio.gather(*workers)
        except asyncio.CancelledError:
            if self.ctx.stop_requested is None:
                raise  # the orchestrator itself is closing
            self.ctx.raise_if_cancelled()
        except RetryAfterError:
            waits = True
            raise
        finally:
            watcher.cancel()
            for worker in workers:
                worker.cancel()
            trailing, self.trailing = self.trailing, None
            if trailing is not None:
                trailing.cancel()
            await asyncio.gather(watcher, *workers, *([trailing] if trailing else []), return_exceptions=True)
            if waits or self.ctx.stop_requested is not None:  # the row shows this while the task waits or is
                self.reported_at = None  # paused: what is done, nothing in flight (the requests were aborted)
                self._progress()

    async def _worker(self) -> None:
        while self.queue:
            self.ctx.raise_if_cancelled()
            item = self.queue.pop()
            self.in_flight += 1
            try:
                outcome = await self.caller.enrich(item, self.tries.get(item.index), self.store.put_tries)
            finally:
                self.in_flight -= 1
            await self.store.put(outcome)
            self.outcomes[item.index] = outcome
            self.done, self.usage = self.done + 1, self.usage + outcome.usage
            self.failed += 1 if outcome.answer is None else 0
            self._progress()

    async def _report_after(self, seconds: float) -> None:
        await self.clock.sleep(seconds)
        self.trailing = None
        self._progress()

    async def _watch(self, workers: Sequence[asyncio.Future[None]]) -> None:
        """Abort every request in flight once the task is asked to pause or stop."""
        while self.ctx.stop_requested is None:
            await self.clock.sleep(self.stop_poll)
        for worker in workers:
            worker.cancel()

    def _progress(self) -> None:
        """Records settled and failed, in flight, tokens and cost (progress.running_text), with a
        checkpoint of the counts: at most every REPORT_EVERY seconds and for the last record; one
        skipped for that is made once REPORT_EVERY has passed, so the row (and what a row stopped by a
        reload says it got to) is never more than that behind the stored answers, which say what is
        done (a report skipped loses nothing)."""
        now, counts = self.clock.now(), Counts(self.done, self.failed, len(self.outcomes))
        if self.reported_at is not None and now - self.reported_at < REPORT_EVERY and counts.done < counts.total:
            if self.trailing is None:
                self.trailing = asyncio.ensure_future(self._report_after(REPORT_EVERY - (now - self.reported_at)))
            return
        self.reported_at = now
        self.ctx.checkpoint(counts.to_checkpoint())
        options = self.caller.options
        self.ctx.report_progress(counts.percent, running_text(counts, self.in_flight, self.usage,
                                                              price_in=options.price_in, price_out=options.price_out))
