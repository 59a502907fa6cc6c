"""Results: a result that is gone is reported, and the panel options remove completed tasks."""

from dataflow.browser.results import Results, remove_completed
from dataflow.browser.settings import Settings
from dataflow.core.blobs import MemoryBlobStore
from dataflow.core.clock import ManualClock
from dataflow.core.kinds import Download, ExecutorKind, KindRegistry
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


class TwoFileKind(ExecutorKind):
    kind = "plain"

    def downloads(self, task):
        return [*super().downloads(task), Download("result:t:report", "a.report.json", "Download report")]


async def test_each_result_file_is_saved_by_its_index_and_an_index_beyond_them_is_reported():
    blobs, notices, saved = MemoryBlobStore(), [], []
    await blobs.put("result:t", b"data")
    await blobs.put("result:t:report", b"{}")
    kinds = KindRegistry()
    kinds.register(TwoFileKind())

    async def save(blob, name):
        saved.append((blob, name))

    chosen = Results(kinds=kinds, fetch=blobs.get, save=save, notice=lambda message, **kw: notices.append(message))
    task = TaskState(id="t", name="a.txt", kind="plain", status=TaskStatus.COMPLETED,
                     result={"result_key": "result:t", "filename": "a.out"})
    assert await chosen.download(task) and await chosen.download(task, 1)
    assert not await chosen.download(task, 2)
    assert saved == [(b"data", "a.out"), (b"{}", "a.report.json")] and len(notices) == 1


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
