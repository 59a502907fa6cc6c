"""What one row of the TaskManager panel says about a task, computed from a snapshot, the time and
the description of the task's kind (its result summary, the secret it may wait for).

Pure (standard library and the core only), so the wording, the actions offered and the time
estimates are unit-tested under CPython; `panel` only copies these strings into the DOM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dataflow.core.errors import SecretMissingError
from dataflow.core.kinds import FILE_REFUSALS, ExecutorKind, KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.status import Action, StopRequest, TaskStatus, allowed_actions
from dataflow.core.text import duration, size_text

__all__ = ["ACTION_ORDER", "PageAction", "RowView", "clear_question", "duration", "estimate_remaining", "row_view",
           "size_text", "status_label", "summary_text", "to_clean", "unexpected_error_log"]

S = TaskStatus


class PageAction(StrEnum):
    """Row actions the page handles itself, beside the orchestrator's `Action`s."""

    VIEW = "view"  # show the result in the page (any tab)
    DOWNLOAD = "download"  # save the result file (any tab)
    UNLOCK = "unlock"  # retry with the secret typed into the row (only the tab that runs the tasks)
    DERIVE = "derive"  # a new task of another kind from this result ("Enrich": see ExecutorKind.derivation)

    @classmethod
    def parse(cls, name: object) -> PageAction | None:
        try:
            return cls(str(name))
        except ValueError:
            return None


ACTION_ORDER: tuple[str, ...] = (Action.PAUSE, Action.RESUME, Action.CANCEL, Action.RETRY, PageAction.VIEW,
                                 PageAction.DERIVE, PageAction.DOWNLOAD,
                                 Action.REMOVE)  # the row template's buttons, in order
SUMMARY_ORDER = (S.RUNNING, S.PENDING, S.PAUSED, S.FAILED, S.COMPLETED, S.CANCELLED)
SUMMARY_WORDS = {S.PENDING: "queued"}
STOPPING = {StopRequest.PAUSE: "Pausing…", StopRequest.CANCEL: "Cancelling…"}
LABELS = {S.PENDING: "Queued", S.RUNNING: "Running", S.PAUSED: "Paused", S.COMPLETED: "Completed",
          S.FAILED: "Failed", S.CANCELLED: "Cancelled"}


@dataclass(frozen=True)
class RowView:
    """Strings and flags of one row. `secret` is the label of the secret the row asks for
    ("" when none), with its input's `secret_placeholder` and its button's `secret_submit`."""

    status: str
    label: str
    progress: float
    percent: str
    message: str
    elapsed: str
    remaining: str
    attempt: str
    retry_in: str
    error: str
    error_details: str
    secret: str = ""
    secret_placeholder: str = ""
    secret_submit: str = ""
    actions: tuple[str, ...] = field(default_factory=tuple)
    downloads: tuple[str, ...] = ()  # the labels of the result files, one button each (with "download")
    derive: str = ""  # the label of the derive button ("Enrich"), when another kind offers one


def status_label(task: TaskState, kind: ExecutorKind[Any] | None = None) -> str:
    if task.status is S.RUNNING and task.stop_requested:
        return STOPPING[task.stop_requested]
    if task.status is S.PENDING and task.next_attempt_at is not None:
        return "Waiting to retry"
    prompt = kind.needs_secret(task) if kind is not None and task.status is S.FAILED else None
    if prompt is not None:
        return f"Needs {prompt.noun}"
    return LABELS[task.status]


def estimate_remaining(samples: list[tuple[float, float]]) -> float | None:
    """Seconds left from (time, progress) samples of the current run, or None while too early."""
    if len(samples) < 2:
        return None
    (t0, p0), (t1, p1) = samples[0], samples[-1]
    if t1 - t0 < 1.0 or p1 - p0 < 1.0 or p1 >= 100:
        return None
    return (100.0 - p1) * (t1 - t0) / (p1 - p0)


def row_view(task: TaskState, now: float, samples: list[tuple[float, float]] | None = None,
             kind: ExecutorKind[Any] | None = None, derive: str = "") -> RowView:
    """Everything the row shows, as strings and flags; `kind` describes the task's kind (None for a
    kind this app does not run: then the row has no summary, secret or download). The progress
    message is shown while the task is not finished; a completed row shows its kind's summary and a
    cancelled one its kind's line on how far it got (ExecutorKind.cancelled_summary), as does a row
    waiting for its secret (waiting_summary). The error details are the error's type and attempt,
    then its traceback when one was recorded (only for unexpected errors: see the orchestrator's
    TaskError). `derive` labels the button of the action another kind offers on this completed task
    (KindRegistry.derivations); "" for none."""
    running = task.status is S.RUNNING
    ran = task.run_seconds(now)
    end = task.finished_at if task.status.is_finished and task.finished_at else now
    elapsed = duration(ran) if ran is not None else duration(end - task.start_time) if task.start_time else ""
    remaining = estimate_remaining(samples or []) if running else None
    prompt = kind.needs_secret(task) if kind is not None and task.status is S.FAILED else None
    retry_in = ""
    if task.status is S.PENDING and task.next_attempt_at is not None:
        retry_in = f"Retrying in {duration(max(0.0, task.next_attempt_at - now))}"
    elif prompt is not None and task.next_attempt_at is not None and task.next_attempt_at > now:
        # its secret was forgotten during a wait (a provider's Retry-After): the wait goes on meanwhile
        retry_in = f"Retrying in {duration(task.next_attempt_at - now)} once the {prompt.noun} is entered"
    attempt = f"Attempt {task.attempt} of {task.max_attempts}" if task.attempts or task.retry_count else ""
    if attempt and prompt is not None:  # not a failure to retry: the secret given, it goes on
        attempt = f"Attempt {task.attempt}: waiting for the {prompt.noun}"
    elif attempt and task.status is S.FAILED and task.error is not None and not task.error.retryable:
        attempt = f"Attempt {task.attempt} (not retried automatically)"
    message = "" if task.status.is_finished else (task.progress_message or "")  # not "Packaging…" under Cancelled
    if task.status is S.COMPLETED:
        message = kind.summary(task.result) if kind is not None else ""
    elif task.status is S.CANCELLED:  # how far it got, in its kind's words (a paused row keeps its own)
        message = kind.cancelled_summary(task) if kind is not None else ""
    elif prompt is not None and kind is not None:  # a row waiting for its secret: how far it got before
        message = kind.waiting_summary(task)
    # the last error explains a failed row or a pending automatic retry; once a new attempt runs
    # (after a retry, a password, a resume) it no longer describes the task, nor does a missing
    # secret once it was given and the task waits for its time again
    given = task.error is not None and task.error.type == SecretMissingError.__name__
    current = task.status is S.FAILED or (task.status is S.PENDING and task.next_attempt_at is not None and not given)
    error = task.error.message if task.error and current else ""
    if prompt is not None and task.error is not None and task.error.type == SecretMissingError.__name__ \
            and task.secret_names:  # given before, forgotten by a reload: in the label's words, not the name's
        error = prompt.missing_message()
    details = ""
    if task.error and current:
        details = f"{task.error.type} on attempt {task.error.attempt}\n\n{task.error.traceback}".rstrip()
    actions: set[str] = set(allowed_actions(task.status, task.stop_requested))
    if task.kind in FILE_REFUSALS:  # a file no kind takes, or not saved: nothing to retry, only to remove
        actions &= {Action.REMOVE}
    downloads = tuple(d.label for d in kind.downloads(task)) if task.status is S.COMPLETED and kind else ()
    if downloads:
        actions.add(PageAction.DOWNLOAD)
    if task.status is S.COMPLETED and kind is not None and kind.has_view(task):
        actions.add(PageAction.VIEW)
    if task.status is S.COMPLETED and derive:
        actions.add(PageAction.DERIVE)
    return RowView(
        status=task.status.value, label=status_label(task, kind), progress=task.progress,
        percent=f"{task.progress:.0f}%", message=message, elapsed=f"Elapsed {elapsed}" if elapsed else "",
        remaining=f"About {duration(remaining)} left" if remaining is not None else "",
        attempt=attempt, retry_in=retry_in, error=error, error_details=details,
        secret=prompt.label if prompt else "", secret_placeholder=prompt.placeholder if prompt else "",
        secret_submit=prompt.submit if prompt else "", actions=tuple(str(a) for a in ACTION_ORDER if a in actions),
        downloads=downloads,
        derive=derive if PageAction.DERIVE in actions else "",
    )


def unexpected_error_log(task: TaskState) -> tuple[tuple[str, int, float | None], str] | None:
    """(key, text) for the console when the task's last attempt failed with an unexpected error (one
    with a recorded traceback: see the orchestrator's TaskError), so developers see it where they
    look; None for an expected error or none. The key tells one failure from the next."""
    error = task.error
    if error is None or not error.traceback or task.status is S.COMPLETED:
        return None
    text = f"{task.name}: {error.type} on attempt {error.attempt} (unexpected)\n{error.traceback}".rstrip()
    return (task.id, error.attempt, error.at), text


def to_clean(tasks: list[TaskState], now: float, *, after_seconds: float | None,
             keep: int | None) -> list[str]:
    """Ids of completed tasks that auto-cleanup removes: older than `after_seconds`, or beyond the
    newest `keep` completed ones."""
    completed = sorted((t for t in tasks if t.status is S.COMPLETED), key=lambda t: t.finished_at or 0.0,
                       reverse=True)
    doomed = []
    for index, task in enumerate(completed):
        too_old = after_seconds is not None and task.finished_at is not None and now - task.finished_at >= after_seconds
        too_many = keep is not None and index >= keep
        if too_old or too_many:
            doomed.append(task.id)
    return doomed


def clear_question(tasks: list[TaskState]) -> str:
    """What Clear finished asks before it removes `tasks` (the finished ones it would remove): how
    many tasks go and how many stored results (those of the completed ones) go with them, for good."""
    count = len(tasks)
    results = sum(1 for task in tasks if task.status is S.COMPLETED and task.result is not None)
    what = f"{count:,} finished task{'s' if count != 1 else ''}"
    if not results:
        return f"Remove {what}? This cannot be undone."
    return f"Remove {what} and delete {results:,} stored result{'s' if results != 1 else ''}? This cannot be undone."


def summary_text(counts: dict[TaskStatus, int], *, hide_completed: bool, kinds: KindRegistry) -> str:
    """"3 tasks · 1 running · 2 completed (hidden)", or an invitation when there are none."""
    total = sum(counts.values())
    if not total:
        nouns = " or ".join(f"{kind.noun}s" for kind in kinds if kind.noun) or "files"
        return f"No tasks yet. Add {nouns} above to start."
    parts = [f"{total} task{'s' if total != 1 else ''}"]
    for status in SUMMARY_ORDER:
        if counts.get(status):
            hidden = " (hidden)" if status is S.COMPLETED and hide_completed else ""
            parts.append(f"{counts[status]} {SUMMARY_WORDS.get(status, status.value)}{hidden}")
    return " · ".join(parts)
