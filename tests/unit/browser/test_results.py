"""Results: a result that is gone is reported, and the panel options remove completed tasks."""

from dataflow.browser.results import Results, remove_completed
from dataflow.browser.settings import Settings
from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.clock import ManualClock
from dataflow.core.kinds import ExecutorKind, KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.status import TaskStatus


class PlainKind(ExecutorKind):
    kind = "plain"


def results(blobs, notices, saved):
    kinds = KindRegistry()
    kinds.register(PlainKind())

    async def save(blob, name):
        saved.append((blob, name))

    return Results(kinds=kinds, fetch=blobs.get, save=save,
                   notice=lambda message, **kw: notices.append(message))


async def test_a_result_no_longer_stored_is_reported_not_saved():
    blobs, notices, saved = MemoryBlobStore(), [], []
    task = TaskState(id="t", name="a.txt", kind="plain", status=TaskStatus.COMPLETED,
                     result={"result_key": "result:t", "filename": "a.out"})
    assert not await results(blobs, notices, saved).download(task)
    assert saved == [] and notices == ["The result of a.txt is no longer stored; retry the task to make it again."]


async def test_completed_tasks_beyond_the_count_to_keep_are_removed():
    clock = ManualClock()
    orchestrator = Orchestrator(clock=clock)
    orchestrator.register("plain", lambda task_input, ctx: {"done": True})
    orchestrator.start()
    first = orchestrator.execute_task("first", "plain", {})
    await clock.advance(1)
    second = orchestrator.execute_task("second", "plain", {})
    await clock.advance(1)
    assert remove_completed(orchestrator, clock.now(), Settings(keep_completed=1)) == [first]
    assert [task.id for task in orchestrator.list_tasks()] == [second]
    await orchestrator.close()
