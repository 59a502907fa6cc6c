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
