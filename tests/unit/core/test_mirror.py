"""TaskMirror: another tab's view of the tasks, from the storage records and their changes."""

from dataflow.core import events
from dataflow.core.mirror import TaskMirror
from dataflow.core.model import TaskState
from dataflow.core.persistence import DEFAULT_PREFIX, encode
from dataflow.core.status import TaskStatus
from dataflow.core.storage import MemoryStorage


def record(task_id, **fields):
    return encode(TaskState(id=task_id, name=f"{task_id}.pdf", kind="pdf", created_at=fields.pop("created_at", 1.0),
                            **fields))


def test_load_reads_every_task_oldest_first_and_skips_bad_records():
    storage = MemoryStorage()
    storage.set(DEFAULT_PREFIX + "b", record("b", created_at=2.0))
    storage.set(DEFAULT_PREFIX + "a", record("a", created_at=1.0))
    storage.set(DEFAULT_PREFIX + "bad", "{oops")
    storage.set("other", "x")
    assert [t.id for t in TaskMirror(storage).load()] == ["a", "b"]


def test_changes_become_added_changed_and_removed_events():
    mirror = TaskMirror(MemoryStorage())
    mirror.load()
    added = mirror.apply(DEFAULT_PREFIX + "a", record("a"))
    changed = mirror.apply(DEFAULT_PREFIX + "a", record("a", status=TaskStatus.RUNNING, progress=40.0))
    removed = mirror.apply(DEFAULT_PREFIX + "a", None)
    assert [e.type for e in added + changed + removed] == [events.ADDED, events.CHANGED, events.REMOVED]
    assert changed[0].task.progress == 40.0 and removed[0].task_id == "a"


def test_unrelated_keys_corrupt_values_and_unknown_removals_are_ignored():
    mirror = TaskMirror(MemoryStorage())
    assert mirror.apply("dataflow.settings", "{}") == []
    assert mirror.apply(DEFAULT_PREFIX + "x", "not json") == []
    assert mirror.apply(DEFAULT_PREFIX + "never", None) == []


def test_a_cleared_storage_removes_every_task():
    mirror = TaskMirror(MemoryStorage())
    mirror.apply(DEFAULT_PREFIX + "a", record("a"))
    mirror.apply(DEFAULT_PREFIX + "b", record("b"))
    assert sorted(e.task_id for e in mirror.apply(None, None)) == ["a", "b"]
    assert mirror.tasks == {}


def many_records(storage, count):
    for index in range(count):
        storage.set(f"{DEFAULT_PREFIX}t{index:03d}", record(f"t{index:03d}", created_at=float(index),
                                                            status=TaskStatus.COMPLETED))


async def test_a_sliced_load_reads_what_load_reads_pausing_on_the_way():
    storage = MemoryStorage()
    many_records(storage, 30)
    storage.set(DEFAULT_PREFIX + "bad", "{oops")
    pauses = []

    async def pause():
        pauses.append(1)

    ticks = iter(range(1000))
    sliced = await TaskMirror(storage).load_in_slices(budget=5, now=lambda: next(ticks), pause=pause)
    assert sliced == TaskMirror(storage).load() and len(sliced) == 30
    assert len(pauses) == 6


async def test_changes_during_a_sliced_load_are_read_again_at_its_end_and_make_no_events():
    storage = MemoryStorage()
    many_records(storage, 4)
    mirror = TaskMirror(storage)
    seen = []

    async def pause():  # another tab writes while this one reads: storage events arrive
        storage.set(DEFAULT_PREFIX + "t000", record("t000", status=TaskStatus.FAILED))
        storage.remove(DEFAULT_PREFIX + "t001")
        storage.set(DEFAULT_PREFIX + "new", record("new", created_at=9.0))
        for key in (DEFAULT_PREFIX + "t000", DEFAULT_PREFIX + "t001", DEFAULT_PREFIX + "new"):
            seen.extend(mirror.apply(key, storage.get(key)))

    tasks = await mirror.load_in_slices(budget=0, now=lambda: 0, pause=pause)
    assert seen == []
    assert [(t.id, t.status) for t in tasks] == [("t000", TaskStatus.FAILED), ("t002", TaskStatus.COMPLETED),
                                                 ("t003", TaskStatus.COMPLETED), ("new", TaskStatus.PENDING)]
    assert [e.type for e in mirror.apply(DEFAULT_PREFIX + "t002", None)] == [events.REMOVED]  # events again


async def test_a_storage_cleared_during_a_sliced_load_leaves_no_task():
    storage = MemoryStorage()
    many_records(storage, 3)
    mirror = TaskMirror(storage)

    async def pause():
        storage.data.clear()
        mirror.apply(None, None)

    assert await mirror.load_in_slices(budget=0, now=lambda: 0, pause=pause) == [] and mirror.tasks == {}
