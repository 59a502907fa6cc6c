"""TaskStore: one key per task, versioned records, tolerant loading, coalesced writes."""

import json

import pytest

from dataflow.core.clock import ManualClock
from dataflow.core.errors import CorruptRecordError
from dataflow.core.model import TaskState
from dataflow.core.persistence import (
    BACKUP_PREFIX,
    DEFAULT_PREFIX,
    LEGACY_KEY,
    SCHEMA_VERSION,
    TaskStore,
    decode,
    encode,
)
from dataflow.core.status import TaskStatus
from dataflow.core.storage import MemoryStorage


def task(task_id="a", **fields):
    return TaskState(id=task_id, name=f"{task_id}.pdf", kind="pdf", created_at=fields.pop("created_at", 1.0),
                     **fields)


@pytest.fixture
def clock():
    return ManualClock(start=1000.0)


@pytest.fixture
def make_store(clock):
    def make(storage=None, **kwargs):
        warnings = []
        store = TaskStore(storage if storage is not None else MemoryStorage(), clock,
                          on_warning=warnings.append, **kwargs)
        store.warnings = warnings
        return store
    return make


def put(storage, task_id, value):
    storage.set(DEFAULT_PREFIX + task_id, value if isinstance(value, str) else json.dumps(value))


def test_record_carries_the_schema_version():
    data = json.loads(encode(task()))
    assert data["schema"] == SCHEMA_VERSION and data["task"]["id"] == "a"
    assert decode(encode(task())) == task()


def test_each_task_has_its_own_key(make_store):
    store = make_store()
    tasks = {"a": task("a"), "b": task("b")}
    store.bind(lambda: tasks)
    store.changed("a", urgent=True)
    store.changed("b", urgent=True)
    assert sorted(store.storage.keys()) == [DEFAULT_PREFIX + "a", DEFAULT_PREFIX + "b"]


def test_load_returns_tasks_oldest_first(make_store):
    storage = MemoryStorage()
    put(storage, "new", json.loads(encode(task("new", created_at=5.0))))
    put(storage, "old", json.loads(encode(task("old", created_at=2.0))))
    storage.set("unrelated", "x")
    result = make_store(storage).load()
    assert [t.id for t in result.tasks] == ["old", "new"] and result.warnings == []


@pytest.mark.parametrize("raw", ["{not json", "[]", '{"schema": 1}', '{"schema": "one", "task": {}}',
                                 '{"schema": 1, "task": {"id": 5}}', '{"schema": 1, "task": "x"}'])
def test_corrupt_record_is_set_aside_and_the_rest_loads(make_store, raw):
    storage = MemoryStorage()
    put(storage, "good", json.loads(encode(task("good"))))
    put(storage, "bad", raw)
    result = make_store(storage).load()
    assert [t.id for t in result.tasks] == ["good"]
    assert len(result.warnings) == 1 and "could not be read" in result.warnings[0]
    assert storage.get(BACKUP_PREFIX + DEFAULT_PREFIX + "bad") == raw
    assert storage.get(DEFAULT_PREFIX + "bad") is None


def test_record_from_a_newer_version_is_left_untouched(make_store):
    storage = MemoryStorage()
    newer = json.dumps({"schema": SCHEMA_VERSION + 1, "task": {"id": "n", "shape": "unknown"}})
    put(storage, "n", newer)
    result = make_store(storage).load()
    assert result.tasks == [] and "newer version" in result.warnings[0]
    assert storage.get(DEFAULT_PREFIX + "n") == newer


@pytest.mark.parametrize("layout", ["list", "map", "object"])
def test_legacy_single_key_is_migrated_and_kept_as_backup(make_store, layout):
    records = [{"id": "x", "name": "x.pdf", "status": "completed", "progress": 100},
               {"id": "y", "name": "y.pdf", "status": "pending"}, {"broken": True}]
    value = {"list": records, "map": {str(i): r for i, r in enumerate(records)},
             "object": {"tasks": records}}[layout]
    storage = MemoryStorage()
    storage.set(LEGACY_KEY, json.dumps(value))
    store = make_store(storage)
    result = store.load()
    assert [t.id for t in result.tasks] == ["x", "y"]
    assert "upgraded from an older format (2 kept, 1 unreadable)" in result.warnings[0]
    assert storage.get(LEGACY_KEY) is None and storage.get(BACKUP_PREFIX + LEGACY_KEY) == json.dumps(value)
    store.bind(lambda: {t.id: t for t in result.tasks})
    store.flush()
    assert decode(storage.get(DEFAULT_PREFIX + "x")).status is TaskStatus.COMPLETED


def test_urgent_change_is_written_at_once(make_store):
    store = make_store()
    tasks = {"a": task()}
    store.bind(lambda: tasks)
    store.changed("a", urgent=True)
    assert store.writes == 1 and decode(store.storage.get(DEFAULT_PREFIX + "a")) == tasks["a"]


async def test_progress_writes_are_coalesced_to_one_per_interval(make_store, clock):
    store = make_store(min_interval=0.25)
    tasks = {"a": task()}
    store.bind(lambda: tasks)
    for step in range(100):
        tasks["a"].progress = step
        store.changed("a", urgent=False)
        await clock.advance(0.01)  # 100 updates over one second
    await clock.advance(1)
    assert 4 <= store.writes <= 6
    assert decode(store.storage.get(DEFAULT_PREFIX + "a")).progress == 99


async def test_pending_progress_is_written_by_the_timer(make_store, clock):
    store = make_store(min_interval=0.25)
    tasks = {"a": task()}
    store.bind(lambda: tasks)
    store.changed("a", urgent=False)  # first write goes through at once
    tasks["a"].progress = 50
    store.changed("a", urgent=False)
    assert decode(store.storage.get(DEFAULT_PREFIX + "a")).progress == 0
    await clock.advance(0.25)
    assert decode(store.storage.get(DEFAULT_PREFIX + "a")).progress == 50


def test_removed_task_loses_its_key(make_store):
    store = make_store()
    tasks = {"a": task()}
    store.bind(lambda: tasks)
    store.changed("a", urgent=True)
    store.removed("a")
    assert store.storage.keys() == []


def test_full_quota_is_reported_once_and_retried_later(make_store):
    storage = MemoryStorage(quota=600)
    store = make_store(storage)
    tasks = {"a": task(metadata={"blob": "x" * 1000})}
    store.bind(lambda: tasks)
    store.changed("a", urgent=True)
    store.changed("a", urgent=True)
    assert len(store.warnings) == 1 and "could not be saved" in store.warnings[0]
    tasks["a"].metadata = {}
    store.flush()
    assert store.warnings[-1] == "Tasks are being saved again."
    assert decode(storage.get(DEFAULT_PREFIX + "a")).metadata == {}


def test_a_record_decoded_again_is_an_equal_snapshot_that_changes_alone():
    task = TaskState(id="t", name="a.pdf", kind="pdf", metadata={"k": 1})
    raw = encode(task)
    first, second = decode(raw), decode(raw)
    assert first == second == task
    first.metadata["k"] = 2
    first.status = TaskStatus.RUNNING
    assert decode(raw) == second == task


def test_a_corrupt_record_fails_every_time_it_is_decoded():
    for _ in range(2):
        with pytest.raises(CorruptRecordError):
            decode("{not json")


async def test_a_sliced_load_finds_what_load_finds_and_sets_aside_the_same_records(make_store):
    def filled():
        storage = MemoryStorage()
        for index in range(20):
            put(storage, f"t{index:02d}", json.loads(encode(task(f"t{index:02d}", created_at=float(20 - index)))))
        put(storage, "bad", "{not json")
        storage.set(LEGACY_KEY, json.dumps([{"id": "old", "name": "old.pdf"}]))
        return storage

    pauses = []

    async def pause():
        pauses.append(1)

    whole, storage = make_store(filled()).load(), filled()
    ticks = iter(range(1000))
    sliced = await make_store(storage).load_in_slices(budget=4, now=lambda: next(ticks), pause=pause)
    assert sliced == whole and [t.id for t in sliced.tasks][:2] == ["old", "t19"]
    assert len(pauses) == 5 and storage.get(DEFAULT_PREFIX + "bad") is None


def test_saved_records_follow_loads_writes_set_asides_and_removals_without_reading_storage(make_store):
    storage = MemoryStorage()
    put(storage, "a", encode(task("a")))
    put(storage, "bad", "{not json")
    store = make_store(storage)
    store.load()
    assert store.saved() == [(DEFAULT_PREFIX + "a", encode(task("a")))]
    tasks = {"a": task("a", progress=50.0), "b": task("b")}
    store.bind(lambda: tasks)
    store.changed("b", urgent=True)
    store.changed("a", urgent=True)
    store.removed("b")
    storage.set(DEFAULT_PREFIX + "foreign", "written by no store")
    assert store.saved() == [(DEFAULT_PREFIX + "a", encode(tasks["a"]))]


def test_a_record_that_could_not_be_written_is_not_among_the_saved_ones(make_store):
    store = make_store(MemoryStorage(quota=300))
    tasks = {"big": task("big", metadata={"blob": "x" * 400})}
    store.bind(lambda: tasks)
    store.changed("big", urgent=True)
    assert store.saved() == [] and len(store.warnings) == 1
