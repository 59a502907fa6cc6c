"""Results: downloads of result files, and the automatic removal of completed tasks the panel
options ask for (the blobs of removed tasks are the janitor's: core/blob_sweep.py).

Where a result is comes from its kind's description, so nothing here knows any kind. Browser ring;
the logic runs over injected functions (tested under CPython).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from dataflow.browser.ffi import is_null
from dataflow.browser.row_view import to_clean
from dataflow.browser.settings import Settings
from dataflow.core.kinds import KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.text import display_name

Notice = Callable[..., None]


class Results:
    """`fetch(key)` reads a stored result (a JS Blob in the app, None when absent) and
    `save(blob, filename)` hands it to the user (a download in the app)."""

    def __init__(self, *, kinds: KindRegistry, fetch: Callable[[str], Awaitable[Any]],
                 save: Callable[[Any, str], Awaitable[None]], notice: Notice):
        self.kinds = kinds
        self.fetch, self.save, self.notice = fetch, save, notice

    async def download(self, task: TaskState, index: int = 0) -> bool:
        """Save result file `index` (0: the main one; see ExecutorKind.downloads) of a completed
        `task`; False (with a notice) when it is not stored."""
        kind = self.kinds.get(task.kind)
        targets = kind.downloads(task) if kind is not None else []
        target = targets[index] if 0 <= index < len(targets) else None
        blob = await self.fetch(target.key) if target is not None else None
        if target is None or is_null(blob):
            self.notice(f"The result of {display_name(task.name)} is no longer stored; retry the task to make it "
                        "again.", kind="error")
            return False
        await self.save(blob, target.filename)
        return True


def remove_completed(orchestrator: Orchestrator, now: float, settings: Settings) -> list[str]:
    """Remove the completed tasks the panel options say to (older than `cleanup_after_seconds`, or
    beyond the newest `keep_completed`); returns their ids."""
    if settings.cleanup_after_seconds is None and settings.keep_completed is None:
        return []  # runs every second: no walk over thousands of tasks when there is nothing to clean
    doomed = to_clean(orchestrator.list_tasks(), now, after_seconds=settings.cleanup_after_seconds,
                      keep=settings.keep_completed)
    for task_id in doomed:
        orchestrator.remove(task_id)
    return doomed


async def save_blob(blob: Any, filename: str) -> None:
    """Offer `blob` as a download named `filename` (an object URL kept for a minute)."""
    import js

    from dataflow.browser.dom import el

    url = js.URL.createObjectURL(blob)
    link = el("a", href=url, download=filename, hidden=True)
    js.document.body.append(link)
    link.click()
    link.remove()
    await asyncio.sleep(60)
    js.URL.revokeObjectURL(url)
