"""What every chunked executor shares about its runs: the id of a run kept in the checkpoint, the
keys of a run's result and of its stored summary, the blobs a task of such a kind still needs, the
reuse of a result a resumed finish already stored, reading the task's stored file, a client leased
from a pool for one attempt with its worker started (and the row's word while it starts), and the adaptive size of
the next chunk. Standard library only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.blobs import BlobStore, file_key, parts_prefix, result_key
from dataflow.core.executor import ExecutionContext
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus

FILE_GONE = ("The stored copy of this file is gone (the browser's storage was cleared). "
             "Add the file again to process it.")


def results_prefix(task_id: str) -> str:
    """Every result of a task: the per-run ones, what is stored beside them, the single one of older
    versions."""
    return result_key(task_id)


def run_result_key(task_id: str, run: str) -> str:
    """The result of one run of a task: a new run never overwrites a result another run wrote."""
    return f"{results_prefix(task_id)}:{run}"


def summary_key(result: str) -> str:
    """Where the summary of a stored result (its finish's return value) is kept, beside it."""
    return f"{result}:summary"


def run_blob_claims(task: TaskState, beside: Callable[[str], Iterable[str]] = lambda result: ()) -> BlobClaims:
    """The blobs a task of a chunked kind still needs: its file; while unfinished its parts and any
    result of its runs (a resumed finish may reuse one); once completed only the result its record
    names, the keys `beside(result)` names (e.g. a report) and its summary."""
    task_input = task.input if isinstance(task.input, dict) else {}
    keys = {file_key(str(task_input["file_id"]))} if task_input.get("file_id") else set()
    if task.status is not TaskStatus.COMPLETED:
        return BlobClaims(frozenset(keys), (parts_prefix(task.id), results_prefix(task.id)))
    result = task.result if isinstance(task.result, dict) else {}
    named = str(result.get("result_key") or result_key(task.id))
    return BlobClaims(frozenset(keys | {named, *beside(named)}), (summary_key(named),))


async def stored_summary(store: BlobStore, result: str) -> dict[str, Any] | None:
    """The summary a finish of this run already stored beside `result` (then it is returned again,
    unchanged), or None."""
    stored = await store.get(summary_key(result))
    return None if stored is None else json.loads(stored)


async def stored_file(store: BlobStore, file_id: str, *, missing: type[Exception], encoding: str) -> bytes:
    """The bytes of the added file `file_id` (a str value is encoded with `encoding`); raises
    `missing` with a message the user can act on when the store no longer has it."""
    data = await store.get(file_key(file_id))
    if data is None:
        raise missing(FILE_GONE)
    return data.encode(encoding) if isinstance(data, str) else data


def ensure_run(ctx: ExecutionContext, new_run: Callable[[], str], **extra: Any) -> dict[str, Any]:
    """The checkpoint to resume from, with the id of this run ("run"): kept in the checkpoint, so a
    resumed run finishes under the same result key (and finds its result if it was stored before
    the interruption). A new run's id (with `extra`) is checkpointed before any work."""
    checkpoint = dict(ctx.checkpoint_data) if isinstance(ctx.checkpoint_data, dict) else {}
    if not checkpoint.get("run"):
        checkpoint |= {"run": new_run(), **extra}
        ctx.checkpoint(checkpoint)
    return checkpoint


class Leasable(Protocol):
    @property
    def ready(self) -> bool:
        """True once the client's worker answered (its first call no longer waits for a boot)."""

    async def start(self) -> None:
        """Wait until the worker answers, booting it if needed (a boot the wait's end leaves going)."""

    async def forget(self, task_id: str) -> None: ...


Client = TypeVar("Client", bound=Leasable)


class Pool(Protocol[Client]):
    async def acquire(self) -> Client: ...

    def release(self, client: Client) -> None: ...


class Starting(Protocol):
    @property
    def ready(self) -> bool:
        """True once the client's worker answered (its first call no longer waits for a boot)."""


def say_starting(ctx: ExecutionContext, client: Starting, engine: str, *, resumed: bool) -> None:
    """Before a task's first call: "Starting the <engine>…" on its row while `client`'s worker boots
    (seconds: its interpreter and packages load), so the row is not a silent 0 %. A `resumed` task
    (`ctx.is_resume` as its attempt began) keeps its row's progress as it was."""
    if not client.ready and not resumed:
        ctx.report_progress(0.0, f"Starting the {engine}…")


@asynccontextmanager
async def leased(pool: Pool[Client], ctx: ExecutionContext, *, engine: str, resumed: bool) -> AsyncIterator[Client]:
    """A client of `pool` for one attempt (`ctx`) of a task, its worker started: afterwards, whatever
    happened, the client forgets the task's open file and goes back to the pool.

    When no client is idle (a pool without `idle` is taken as busy), the attempt waits for one through
    `ctx.waiting`, and so it does while the client's worker boots (`say_starting` tells the row, with
    `engine` and `resumed`): neither wait is running time, and a pause or cancel asked meanwhile stops
    the task at once (TaskPausedError, TaskCancelledError), giving up its place in line; the boot goes
    on for the next task."""
    task_id = ctx.task_id
    client = await (pool.acquire() if getattr(pool, "idle", False) else ctx.waiting(pool.acquire()))
    try:
        if not client.ready:
            say_starting(ctx, client, engine, resumed=resumed)
            await ctx.waiting(client.start())
        yield client
    finally:
        try:
            await client.forget(task_id)
        finally:
            pool.release(client)


def next_size(size: int, elapsed: float, *, target: float, minimum: int, maximum: int) -> int:
    """The size of the next chunk (pages, bytes) so that one takes about `target` seconds, given
    that `size` took `elapsed`: it grows at most twofold at a time and stays within
    [minimum, maximum]."""
    if elapsed <= 0:
        return min(size * 2, maximum)
    ideal = int(size * target / elapsed)
    return max(minimum, min(ideal, size * 2, maximum))
