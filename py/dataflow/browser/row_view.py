"""What one row of the TaskManager panel says about a task, computed from a snapshot and the time.

Pure (standard library and the core only), so the wording, the actions offered and the time
estimates are unit-tested under CPython; `panel` only copies these strings into the DOM.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus, allowed_actions

S = TaskStatus
PASSWORD_ERRORS = frozenset({"PasswordRequiredError", "WrongPasswordError"})
ACTION_ORDER = ("pause", "resume", "cancel", "retry", "download", "remove")  # the row template's buttons


@dataclass(frozen=True)
class RowView:
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
    needs_password: bool
    actions: tuple[str, ...] = field(default_factory=tuple)


def duration(seconds: float) -> str:
    """0:07, 1:23, 1:02:03."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def status_label(task: TaskState) -> str:
    if task.status is S.RUNNING and task.stop_requested:
        return {"pause": "Pausing…", "cancel": "Cancelling…"}[task.stop_requested]
    if task.status is S.PENDING and task.next_attempt_at is not None:
        return "Waiting to retry"
    if task.status is S.FAILED and task.error and task.error.type in PASSWORD_ERRORS:
        return "Needs password"
    return {S.PENDING: "Queued", S.RUNNING: "Running", S.PAUSED: "Paused", S.COMPLETED: "Completed",
            S.FAILED: "Failed", S.CANCELLED: "Cancelled"}[task.status]


def estimate_remaining(samples: list[tuple[float, float]]) -> float | None:
    """Seconds left from (time, progress) samples of the current run, or None while too early."""
    if len(samples) < 2:
        return None
    (t0, p0), (t1, p1) = samples[0], samples[-1]
    if t1 - t0 < 1.0 or p1 - p0 < 1.0 or p1 >= 100:
        return None
    return (100.0 - p1) * (t1 - t0) / (p1 - p0)


def result_message(task: TaskState) -> str:
    result = task.result if isinstance(task.result, dict) else {}
    parts = []
    if result.get("title"):
        parts.append(f"“{result['title']}”")
    if "pages" in result:
        parts.append(f"{result['pages']} page{'s' if result['pages'] != 1 else ''}")
    if result.get("images"):
        parts.append(f"{result['images']} image{'s' if result['images'] != 1 else ''}")
    if "size" in result:
        parts.append(size_text(int(result["size"])))
    if result.get("skipped_pages"):
        parts.append(f"{len(result['skipped_pages'])} page(s) skipped")
    if result.get("warnings"):
        parts.append(str(result["warnings"][0]))
    return " · ".join(parts)


def row_view(task: TaskState, now: float, samples: list[tuple[float, float]] | None = None) -> RowView:
    """Everything the row shows, as strings and flags."""
    running = task.status is S.RUNNING
    end = task.finished_at if task.status.is_finished and task.finished_at else now
    elapsed = duration(end - task.start_time) if task.start_time else ""
    remaining = estimate_remaining(samples or []) if running else None
    retry_in = ""
    if task.status is S.PENDING and task.next_attempt_at is not None:
        retry_in = f"Retrying in {duration(max(0.0, task.next_attempt_at - now))}"
    attempt = f"Attempt {task.attempt} of {task.max_attempts}" if task.attempts or task.retry_count else ""
    message = task.progress_message or ""
    if task.status is S.COMPLETED:
        message = result_message(task)
    needs_password = bool(task.status is S.FAILED and task.error and task.error.type in PASSWORD_ERRORS)
    error = task.error.message if task.error and task.status is not S.COMPLETED else ""
    details = ""
    if task.error and task.status is not S.COMPLETED:
        details = f"{task.error.type} on attempt {task.error.attempt}\n\n{task.error.traceback}".rstrip()
    actions = set(allowed_actions(task.status, task.stop_requested))
    if task.status is S.COMPLETED and isinstance(task.result, dict) and task.result.get("result_key"):
        actions.add("download")
    return RowView(
        status=task.status.value, label=status_label(task), progress=task.progress,
        percent=f"{task.progress:.0f}%", message=message, elapsed=f"Elapsed {elapsed}" if elapsed else "",
        remaining=f"About {duration(remaining)} left" if remaining is not None else "",
        attempt=attempt, retry_in=retry_in, error=error, error_details=details, needs_password=needs_password,
        actions=tuple(a for a in ACTION_ORDER if a in actions),
    )


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
