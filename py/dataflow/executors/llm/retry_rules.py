"""What to do after one failed request for one record: retry it (and when), fail only that record,
or stop the task (ask for a key, fail it, or wait as a whole). Pure: time and randomness are
arguments. Standard library only.

Rules (the issue's, after OpenAI's SDK, which retries 408, 409, 429 and 5xx): 408, 409, 429, every
5xx, time-outs and network errors are retried with backoff, honouring the provider's wait; a wait
longer than `long_wait` makes the whole task wait (the orchestrator's retry-not-before); 401/403
need a valid key; 404 is an unknown model or endpoint; any other 4xx (400: context too long, say)
fails that record.
"""

from __future__ import annotations

import enum
import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from dataflow.core.retry import RetryPolicy
from dataflow.executors.llm.errors import RequestTimeoutError, TransportError
from dataflow.executors.llm.headers import retry_wait

RETRYABLE_STATUSES = frozenset({408, 409, 429})
KEY_STATUSES = frozenset({401, 403})
RECORD_BACKOFF = RetryPolicy(initial_interval=1.0, backoff_coefficient=2.0, maximum_interval=30.0,
                             maximum_attempts=6, jitter=True)


class Verdict(enum.Enum):
    RETRY = "retry"  # try this record again after `delay`
    FAIL_RECORD = "fail_record"  # record `reason` as this record's error; the others go on
    NEED_KEY = "need_key"  # the key was refused: the task stops and asks for a valid one
    FAIL_TASK = "fail_task"  # nothing will work (unknown model): the task fails
    WAIT_TASK = "wait_task"  # the provider asked for a long wait: the task retries after `delay`


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str
    delay: float = 0.0  # seconds, for RETRY and WAIT_TASK


def describe(status: int | None, body: bytes = b"", error: Exception | None = None) -> str:
    """A plain reason for a failed request: the provider's own error message when it gives one."""
    if status is None:
        return "no answer in time (timed out)" if isinstance(error, RequestTimeoutError) else f"network error: {error}"
    message = _provider_message(body)
    return f"HTTP {status}: {message}" if message else f"HTTP {status}"


def _provider_message(body: bytes) -> str:
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        return body.decode("utf-8", errors="replace").strip()[:300]
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or "")[:300]
    return str(error or "")[:300]


def gave_up(attempts: int, reason: str) -> str:
    """A record's error once its `attempts` (requests sent, in every task attempt) are spent, in
    "tries" so that it is not read as the task's attempts ("Attempt 1 of 4" on the row)."""
    return f"gave up after {attempts} tr{'ies' if attempts != 1 else 'y'}; last: {reason}"


def decide(*, status: int | None, headers: Mapping[str, str], attempt: int, now: float, reason: str,
           error: Exception | None = None, policy: RetryPolicy = RECORD_BACKOFF, long_wait: float = 30.0,
           rng: Callable[[], float] = random.random) -> Decision:
    """The decision after try number `attempt` (1-based) of a record failed with HTTP `status`
    (None: no answer, `error` says why). `reason` is the plain description of the failure."""
    if status is None and not isinstance(error, TransportError):
        raise TypeError(f"a failure without a status must be a TransportError, got {error!r}")
    if status in KEY_STATUSES:
        return Decision(Verdict.NEED_KEY, reason)
    if status == 404:
        return Decision(Verdict.FAIL_TASK, reason)
    if status is not None and status not in RETRYABLE_STATUSES and status < 500:
        return Decision(Verdict.FAIL_RECORD, reason)
    asked = retry_wait(headers, now)
    if asked is not None and asked > long_wait:
        return Decision(Verdict.WAIT_TASK, reason, asked)
    if attempt >= policy.maximum_attempts:
        return Decision(Verdict.FAIL_RECORD, gave_up(attempt, reason))
    backoff = policy.delay_for(attempt, rng=rng)
    return Decision(Verdict.RETRY, reason, max(backoff, asked or 0.0))
