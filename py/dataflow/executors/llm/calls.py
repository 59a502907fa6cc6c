"""One record's enrichment: the request, its retries and the outcome, for the executor to store.

Raises the task-level stops (a refused key, an unknown model, a long provider wait) and returns an
`Outcome` for everything that concerns only this record. The API key goes into the Authorization
header and nowhere else: every reason kept is scrubbed of it. Standard library only.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from dataflow.core.clock import Clock
from dataflow.core.errors import RetryAfterError
from dataflow.core.retry import RetryPolicy
from dataflow.executors.llm.answers import parse_answer, read_completion
from dataflow.executors.llm.errors import (
    AnswerError,
    InvalidApiKeyError,
    ModelNotFoundError,
    RequestTimeoutError,
    TransportError,
)
from dataflow.executors.llm.limiter import RateLimiter
from dataflow.executors.llm.options import LlmOptions
from dataflow.executors.llm.prompt import PromptError, build_prompt, request_body
from dataflow.executors.llm.records import Item
from dataflow.executors.llm.retry_rules import Verdict, decide, describe, gave_up
from dataflow.executors.llm.store import Outcome, Tries
from dataflow.executors.llm.transport import HttpResponse, HttpTransport
from dataflow.executors.llm.usage import Usage

RETRY_NOTE = ("Your previous answer was not the JSON object asked for ({reason}). "
              "Answer again with that JSON object only.")


def redact(text: str, secret: str) -> str:
    """`text` without `secret` in it (providers may echo the key in their error messages)."""
    return text.replace(secret, "[API key]") if secret else text


@dataclass
class Caller:
    """Sends one record's requests; shared by the workers of one task run."""

    transport: HttpTransport
    clock: Clock
    limiter: RateLimiter
    options: LlmOptions
    api_key: str
    rng: Callable[[], float] = random.random

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(initial_interval=1.0, maximum_interval=30.0, maximum_attempts=self.options.max_attempts)

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    async def enrich(self, item: Item, tries: Tries | None = None,
                     save: Callable[[Tries], Awaitable[None]] | None = None) -> Outcome:
        """The outcome for `item` after as many requests as its failures allow.

        `tries` are the record's requests in earlier task attempts (stored, so the budget of
        `max_attempts` requests holds across task waits and reloads); `save` stores them before each
        retry is sent. Raises InvalidApiKeyError (401/403), ModelNotFoundError (404) and
        RetryAfterError (the provider asked for more than `long_wait` seconds: the limiter holds
        every task of it too)."""
        try:
            prompt = build_prompt(item, template=self.options.prompt or None, max_chars=self.options.max_chars)
        except PromptError as error:
            return Outcome(item.index, error=str(error))
        base = Outcome(item.index, truncated=prompt.truncated, original_chars=prompt.original_chars,
                       sent_chars=min(prompt.original_chars, self.options.max_chars or prompt.original_chars))
        if not item.text.strip() and not self.options.prompt:
            return _with(base, error=f"no text to send (field {self.options.text_path!r} is missing or empty)")
        state = tries or Tries(item.index)
        while True:
            if state.attempts >= self.options.max_attempts:  # spent in earlier task attempts
                return _with(base, usage=state.usage, error=gave_up(state.attempts, state.last or "interrupted"))
            state = replace(state, attempts=state.attempts + 1, usage=state.usage + Usage(requests=1))
            if state.attempts > 1 and save is not None:
                await save(state)  # before the request: a reload cannot give this record a new budget
            body = request_body(prompt, model=self.options.model, schema=self.options.schema,
                                temperature=self.options.temperature, retry_note=state.note)
            answered = await self.limiter.acquire()
            try:
                response: HttpResponse | None = await self._post(body)
                failure: TransportError | None = None
            except TransportError as error:
                response, failure = None, error
            finally:
                answered()
            if response is not None and 200 <= response.status < 300:
                state, answered_outcome = self._answered(base, state, response)
                if answered_outcome is not None:
                    return answered_outcome
                continue  # one more try, telling the model what was wrong
            reason = redact(describe(response.status if response is not None else None,
                                     response.body if response is not None else b"", failure), self.api_key)
            state = replace(state, last=reason)
            try:
                outcome = await self._after_failure(response, failure, state.attempts, reason)
            except RetryAfterError:
                if save is not None:  # the request was sent: it counts after the task's wait too
                    await save(state)
                raise
            if outcome is not None:
                return _with(base, usage=state.usage, error=outcome)

    def _answered(self, base: Outcome, state: Tries, response: HttpResponse) -> tuple[Tries, Outcome | None]:
        """The record's outcome from a 2xx answer, or None with the retry note set when the answer was
        not the JSON asked for the first time (and an attempt is left)."""
        try:
            completion = read_completion(response.body)
            state = replace(state, usage=state.usage + Usage(0, completion.prompt_tokens, completion.completion_tokens))
            return state, _with(base, usage=state.usage, answer=parse_answer(completion.content, self.options.schema))
        except AnswerError as error:
            reason = redact(str(error), self.api_key)
            if state.note is None and state.attempts < self.options.max_attempts:
                return replace(state, note=RETRY_NOTE.format(reason=reason[:200]), last=reason), None
            how = "twice" if state.note is not None else f"after {state.attempts} tries"
            error_text = f"the answer was not the JSON asked for, {how}: {reason}"
            return state, _with(base, usage=state.usage, error=error_text)

    async def _after_failure(self, response: HttpResponse | None, failure: TransportError | None,
                             attempt: int, reason: str) -> str | None:
        """Wait before the next try (None) or give the record's error; raise for the task-level stops."""
        status = response.status if response is not None else None
        headers = response.headers if response is not None else {}
        now = self.clock.now()
        decision = decide(status=status, headers=headers, attempt=attempt, now=now, reason=reason, error=failure,
                          policy=self.policy, long_wait=self.options.long_wait, rng=self.rng)
        if decision.verdict is Verdict.NEED_KEY:
            raise InvalidApiKeyError(f"The provider refused the API key ({reason}). Enter a valid key to continue.")
        if decision.verdict is Verdict.FAIL_TASK:
            raise ModelNotFoundError(f"The provider does not know the model {self.options.model!r} or the address "
                                     f"{self.options.endpoint} ({reason}). Check the model name and the base URL.")
        if decision.verdict is Verdict.WAIT_TASK:
            self.limiter.hold(now + decision.delay)
            raise RetryAfterError(f"The provider asked to wait {decision.delay:.0f} s ({reason}).",
                                  not_before=now + decision.delay)
        if decision.verdict is Verdict.FAIL_RECORD:
            return decision.reason
        if status == 429 and decision.delay > 0:
            self.limiter.hold(now + decision.delay)  # the whole provider is over its limit, not just us
        await self.clock.sleep(decision.delay)
        return None

    async def _post(self, body: bytes) -> HttpResponse:
        """The transport's answer, or RequestTimeoutError after `timeout` seconds on the clock (the
        request is then aborted, as it is when the caller is cancelled)."""
        request = asyncio.ensure_future(self.transport.post(self.options.endpoint, self.headers(), body))
        timer = asyncio.ensure_future(self.clock.sleep(self.options.timeout))
        try:
            await asyncio.wait({request, timer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (request, timer):
                if not future.done():
                    future.cancel()
        if request.done() and not request.cancelled():
            return request.result()
        raise RequestTimeoutError(f"no answer within {self.options.timeout:g} s")


def _with(base: Outcome, **changes: Any) -> Outcome:
    return replace(base, **changes)
