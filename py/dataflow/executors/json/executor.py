"""The JSON executor the orchestrator runs: it drives a JSON service step by step, reporting real
progress in bytes, checkpointing {step, offset, index} after each step and stopping at step
boundaries when paused or cancelled. The service is reached through a JsonClient: a Web Worker
in the app, in-process here.

Steps adapt to about half a second of work each (between 64 KB and 16 MB of input), so pause and
cancel take effect quickly while the cost of a worker call stays small. Executors ring: never
imports the browser."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from dataflow.core.executor import ExecutionContext
from dataflow.core.runs import ensure_run, leased, next_size
from dataflow.executors.json.errors import FileTooLargeError, MissingPartsError
from dataflow.executors.json.options import JsonOptions, size_text, too_large
from dataflow.executors.json.service import JsonService

WORK_SHARE = 95.0  # the last 5 % of the bar is assembling the result
MIN_STEP = 64 * 1024
MAX_STEP = 16 * 1024 * 1024


class JsonClient(Protocol):
    @property
    def ready(self) -> bool: ...

    async def start(self) -> None: ...

    async def open(self, task_id: str, file_id: str, options: dict, *, source: str,
                   checkpoint: dict | None) -> dict[str, Any]: ...

    async def process(self, task_id: str, position: dict, budget: int) -> dict[str, Any]: ...

    async def finish(self, task_id: str, run: str) -> dict[str, Any]: ...

    async def forget(self, task_id: str) -> None: ...


class ClientPool(Protocol):
    async def acquire(self) -> JsonClient: ...

    def release(self, client: JsonClient) -> None: ...


class LocalJsonClient:
    """The service called in-process (tests, benchmarks); the same calls a worker answers."""

    ready = True  # in-process: nothing to start

    def __init__(self, service: JsonService):
        self.service = service

    async def start(self) -> None:
        """Nothing to start."""

    async def open(self, task_id, file_id, options, *, source, checkpoint):
        return await self.service.open(task_id, file_id, options, source=source, checkpoint=checkpoint)

    async def process(self, task_id, position, budget):
        return await self.service.process(task_id, position, budget)

    async def finish(self, task_id, run):
        return await self.service.finish(task_id, run)

    async def forget(self, task_id):
        self.service.forget(task_id)


def json_task_input(file_id: str, file_name: str, size: int, options: JsonOptions) -> dict[str, Any]:
    """The JSON input of a JSON task: a reference to the stored file, never its bytes."""
    return {"file_id": file_id, "file_name": file_name, "size": size, "options": options.to_dict()}


class JsonExecutor:
    kind = "json"

    def __init__(self, pool: ClientPool, *, target_step_seconds: float = 0.5, min_step: int = MIN_STEP,
                 max_step: int = MAX_STEP, monotonic: Callable[[], float] = time.monotonic,
                 finish_delay: float = 0.0, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 new_run: Callable[[], str] = lambda: uuid.uuid4().hex[:12]):
        """`finish_delay` (seconds, tests only: ?finish_delay=) waits between storing the result and
        returning it, so an end-to-end test can reload the page inside finishing."""
        self.pool = pool
        self.finish_delay, self.sleep, self.new_run = finish_delay, sleep, new_run
        self.target_step_seconds = target_step_seconds
        self.min_step, self.max_step = min_step, max_step
        self.monotonic = monotonic

    async def execute(self, input: dict[str, Any], ctx: ExecutionContext) -> dict[str, Any]:  # noqa: A002
        """Run one JSON task: open, go through the file in steps with checkpoints, finish; returns the
        result (see JsonService.finish). Raises FileTooLargeError before reading an oversized file,
        the JSON errors of the file, MissingPartsError (retried as a new run) when stored steps were
        lost, and TaskPausedError/TaskCancelledError at step boundaries when asked to stop."""
        options = JsonOptions.from_dict(input.get("options"))
        if int(input.get("size", 0)) > options.max_file_bytes:  # refused before a byte is read
            raise FileTooLargeError(too_large(int(input["size"]), options.max_file_bytes))
        resumed = ctx.is_resume
        checkpoint = ensure_run(ctx, self.new_run)
        async with leased(self.pool, ctx, engine="JSON engine", resumed=resumed) as client:
            try:
                info = await client.open(ctx.task_id, input["file_id"], options.to_dict(),
                                         source=input.get("file_name", "data.json"), checkpoint=checkpoint)
                await self._steps(client, ctx, int(info["total"]), checkpoint)
                ctx.raise_if_cancelled()
                ctx.report_progress(WORK_SHARE, "Assembling the result")
                result = await client.finish(ctx.task_id, str(checkpoint["run"]))
            except MissingPartsError:
                ctx.checkpoint({"run": self.new_run()})  # parts lost: the next attempt starts over, as a new run
                raise
            if self.finish_delay > 0:
                await self.sleep(self.finish_delay)
            return result

    async def _steps(self, client: JsonClient, ctx: ExecutionContext, total: int, checkpoint: dict[str, Any]) -> None:
        position = {key: (checkpoint or {}).get(key) for key in ("step", "offset", "index")}
        position = {"step": int(position["step"] or 0), "offset": position["offset"],
                    "index": int(position["index"] or 0)}
        budget = min(max(int((checkpoint or {}).get("budget", self.min_step)), self.min_step), self.max_step)
        if (checkpoint or {}).get("done"):
            return
        self._progress(ctx, position, total)
        while True:
            ctx.raise_if_cancelled()
            started = self.monotonic()
            outcome = await client.process(ctx.task_id, position, budget)
            budget = self._next_budget(budget, self.monotonic() - started)
            position = {"step": outcome["step"], "offset": outcome["offset"], "index": outcome["index"]}
            ctx.checkpoint(position | {"run": checkpoint["run"], "budget": budget, "done": bool(outcome["done"]),
                                       "total": total})
            self._progress(ctx, position, total)
            if outcome["done"]:
                return

    @staticmethod
    def _progress(ctx: ExecutionContext, position: dict, total: int) -> None:
        done = min(int(position["offset"] or 0), total)
        records = position["index"]
        ctx.report_progress(WORK_SHARE * done / total if total else 0.0,
                            f"{size_text(done)} of {size_text(total)}" + (f", {records:,} records" if records else ""))

    def _next_budget(self, budget: int, elapsed: float) -> int:
        """Aim at target_step_seconds per call; grow at most twofold at a time."""
        return next_size(budget, elapsed, target=self.target_step_seconds, minimum=self.min_step,
                         maximum=self.max_step)
