"""The JSON executor's typed facade over a worker: the four calls the JSON service answers
(`json_open`, `json_process`, `json_finish`, `json_forget`), the check of a form's schema
(`json_schema_refusal`) and their time limits.

Calling, time limits and closing are the generic WorkerFacade of `dataflow.core.worker_facade`;
this module only names the calls. Executors ring.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dataflow.core.wire import WorkerCaller
from dataflow.core.worker_facade import WorkerFacade
from dataflow.executors.json.errors import JsonWorkerError

MB = 1024 * 1024


@dataclass(frozen=True)
class JsonTimeouts:
    """Seconds a JSON worker call may take before the watchdog restarts the worker: opening reads,
    decompresses and scans the whole file; a step gets `per_mb` seconds per MB of its budget (at
    least `step`); finishing joins every step's output. A schema's check waits `check` seconds at
    most for its answer (behind a task's call), then gives up without restarting the worker."""

    open: float = 180.0
    step: float = 60.0
    per_mb: float = 10.0
    finish: float = 300.0
    check: float = 60.0


class WorkerJsonClient(WorkerFacade[JsonTimeouts]):
    """A JsonClient (see executor.py) over one worker running `py/json_worker.py`."""

    hang_error = JsonWorkerError

    def __init__(self, worker: WorkerCaller, timeouts: JsonTimeouts = JsonTimeouts()):
        super().__init__(worker, timeouts)

    async def open(self, task_id: str, file_id: str, options: dict[str, Any], *, source: str,
                   checkpoint: dict[str, Any] | None) -> dict[str, Any]:
        """Open the stored file `file_id` for `task_id` (resuming at `checkpoint`); raises the JSON
        errors of the file."""
        value = await self._call("json_open", (task_id, file_id, json.dumps(options), source,
                                               json.dumps(checkpoint)), self.timeouts.open, "Opening the file")
        return dict(value)

    async def process(self, task_id: str, position: dict[str, Any], budget: int) -> dict[str, Any]:
        """One step of about `budget` bytes from `position`; returns the next position with "done"."""
        seconds = max(self.timeouts.step, self.timeouts.per_mb * budget / MB)
        value = await self._call("json_process", (task_id, json.dumps(position), budget), seconds,
                                 f"Step {int(position.get('step') or 0) + 1}")
        return dict(value)

    async def finish(self, task_id: str, run: str) -> dict[str, Any]:
        """Assemble and store the result of run `run` (or return the one already stored)."""
        return dict(await self._call("json_finish", (task_id, run), self.timeouts.finish, "Assembling the result"))

    async def schema_refusal(self, schema: str) -> str:
        """Why the JSON options refuse the JSON Schema text `schema` (their message, "JSON Schema to
        validate records (Inspect): ...") or "" when they take it, by the worker's full check (the
        schema's draft's meta-schema too, which the page's main thread does not run). Starts the
        worker if needed; TimeoutError after `timeouts.check` seconds without an answer (the worker
        is left running); WorkerError when it does not start."""
        return str(await self._ask("json_schema_refusal", (schema,), self.timeouts.check, "Checking the schema"))

    async def forget(self, task_id: str) -> None:
        """Drop the worker's open file (nothing to do when the worker never started)."""
        await self._forget("json_forget", task_id, self.timeouts.step)
