"""Helpers for executor tests under the real orchestrator, whatever the kind: add a stored file and
its task as the app's intake does, and advance the manual clock until a task finishes."""

from dataflow.core.blobs import file_key


async def add_file_task(orchestrator, blobs, kind: str, data: bytes, name: str, task_input) -> str:
    """Store `data` as a new file, then create its task with `task_input(file_id, name, size)`."""
    file_id = f"file-{len(blobs.data)}"
    await blobs.put(file_key(file_id), data)
    return orchestrator.execute_task(name, kind, task_input(file_id, name, len(data)))


async def run_until_done(orchestrator, clock, task_id: str, limit: int = 500):
    """The task's state once finished, advancing the clock a second at a time (at most `limit`)."""
    for _ in range(limit):
        if orchestrator.get_task_state(task_id).status.is_finished:
            return orchestrator.get_task_state(task_id)
        await clock.advance(1)
    raise AssertionError("the task did not finish")
