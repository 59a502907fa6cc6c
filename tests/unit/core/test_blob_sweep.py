"""The janitor: which stored blobs no task needs, young files spared, deletions only after what frees
them is saved, and many requests served by few sweeps."""

import pytest

from dataflow.core import events
from dataflow.core.blob_sweep import BlobClaims, BlobJanitor, born_of_id, orphaned_keys, saved_tasks, stamped_id
from dataflow.core.clock import ManualClock
from dataflow.core.events import TaskEvent
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus


def claims_of(task):
    """A toy kind: a task needs "in:<id>" and everything under "out:<id>:"."""
    if task.kind != "toy":
        return None
    return BlobClaims(frozenset({f"in:{task.id}"}), (f"out:{task.id}:",))


def toy(task_id, kind="toy", status=TaskStatus.PENDING):
    return TaskState(id=task_id, name=task_id, kind=kind, status=status)


class KeyStore:
    def __init__(self, keys):
        self.data = dict.fromkeys(keys, b"x")
        self.deletions = 0

    async def keys(self, prefix):
        return sorted(key for key in self.data if key.startswith(prefix))

    async def delete_keys(self, keys):
        self.deletions += 1
        for key in keys:
            self.data.pop(key, None)


def test_keys_no_task_claims_are_orphans_and_claimed_ones_stay():
    stored = ["in:a", "out:a:1", "out:a:2", "in:b", "out:b:1", "stray"]
    assert orphaned_keys(stored, [toy("a")], claims_of, now=0) == ["in:b", "out:b:1", "stray"]


def test_a_young_unclaimed_blob_is_kept_until_its_grace_has_passed():
    born = {"in:new": 100.0, "in:old": 10.0}.get
    stored = ["in:new", "in:old"]
    assert orphaned_keys(stored, [], claims_of, now=150.0, grace=60.0, born=born) == ["in:old"]
    assert orphaned_keys(stored, [], claims_of, now=160.0, grace=60.0, born=born) == ["in:new", "in:old"]


def test_a_removed_tasks_blobs_go_at_once_even_when_young():
    born = {"in:a": 100.0, "in:b": 100.0}.get
    gone = orphaned_keys(["in:a", "in:b"], [], claims_of, now=101.0, grace=60.0, born=born, released=[toy("a")])
    assert gone == ["in:a"]


def test_a_blob_claimed_by_a_live_task_survives_the_removal_of_another_claiming_it():
    shared = BlobClaims(frozenset({"in:shared"}))
    gone = orphaned_keys(["in:shared"], [toy("a")], lambda task: shared, now=0, released=[toy("b")])
    assert gone == []


def test_nothing_is_deleted_while_a_task_of_an_unknown_kind_exists():
    assert orphaned_keys(["stray", "in:a"], [toy("a"), toy("x", kind="future")], claims_of, now=0) == []


def test_stamped_ids_carry_their_birth_time_and_other_ids_have_none():
    made = stamped_id(1_700_000_000.123, "ab" * 16)
    assert made.startswith("t") and len(made) == 34
    assert born_of_id(made) == pytest.approx(1_700_000_000.123, abs=0.001)
    assert born_of_id("0123456789abcdef0123456789abcdef") is None  # a uuid4 hex of older versions
    assert born_of_id("tzzzzzzzzzzzz-x") is None
    assert stamped_id(5.0) != stamped_id(5.0)


@pytest.fixture
def clock():
    return ManualClock(start=1_000.0)


def make_janitor(store, clock, *, live=(), persisted=(), **kwargs):
    live, persisted = list(live), list(persisted)
    return BlobJanitor(store, claims_of, live=lambda: list(live), persisted=lambda: list(persisted), clock=clock,
                       **kwargs)


async def test_a_blob_needed_by_the_persisted_view_only_is_kept(clock):
    """A completion not yet saved: in memory the parts are free, in storage the task still runs."""
    store = KeyStore(["in:a", "out:a:part", "stray"])

    def done_claims(task):
        if task.status is TaskStatus.COMPLETED:
            return BlobClaims(frozenset({f"in:{task.id}"}))
        return claims_of(task)

    janitor = BlobJanitor(store, done_claims, live=lambda: [toy("a", status=TaskStatus.COMPLETED)],
                          persisted=lambda: [toy("a")], clock=clock)
    assert await janitor.sweep() == ["stray"]
    assert sorted(store.data) == ["in:a", "out:a:part"]


async def test_start_sweeps_then_sweeps_again_once_young_blobs_are_old(clock):
    store = KeyStore(["in:old", "in:young"])
    born = {"in:old": 0.0, "in:young": 990.0}.get
    janitor = make_janitor(store, clock, grace=60.0, born=born)
    janitor.spawn_start()
    await clock.advance(0)
    assert sorted(store.data) == ["in:young"]
    await clock.advance(60)
    assert store.data == {}
    janitor.close()


async def test_events_trigger_sweeps_and_a_burst_of_removals_costs_two_at_most(clock):
    store = KeyStore([f"in:t{n}" for n in range(50)])
    janitor = make_janitor(store, clock, born=lambda key: 999.0)  # all young: only releases free them
    for n in range(50):
        janitor.handle(TaskEvent(events.REMOVED, f"t{n}", toy(f"t{n}")))
    await janitor.idle()
    assert store.data == {} and store.deletions <= 2


async def test_a_completion_event_sweeps_and_other_changes_do_not(clock):
    store = KeyStore(["stray"])
    janitor = make_janitor(store, clock)
    janitor.handle(TaskEvent(events.CHANGED, "a", toy("a", status=TaskStatus.RUNNING)))
    await janitor.idle()
    assert "stray" in store.data
    janitor.handle(TaskEvent(events.CHANGED, "a", toy("a", status=TaskStatus.COMPLETED)))
    await janitor.idle()
    assert store.data == {}


async def test_a_failed_sweep_is_reported_and_the_next_one_runs(clock):
    class Failing(KeyStore):
        fail = True

        async def delete_keys(self, keys):
            if self.fail:
                self.fail = False
                raise OSError("disk on fire")
            await super().delete_keys(keys)

    store, messages = Failing(["stray"]), []
    janitor = make_janitor(store, clock, on_error=messages.append)
    janitor.request()
    await janitor.idle()
    assert "disk on fire" in messages[0] and "stray" in store.data
    janitor.request()
    await janitor.idle()
    assert store.data == {}


def test_prefixes_of_different_lengths_each_cover_their_keys():
    claims = BlobClaims(frozenset({"exact"}), ("a", "abc:"))
    stored = ["a1", "abc:x", "b", "exact", "exactly"]
    assert orphaned_keys(stored, [toy("t")], lambda task: claims, now=0) == ["b", "exactly"]


def test_saved_tasks_reads_records_and_a_newer_versions_record_stops_every_deletion():
    from dataflow.core.persistence import encode
    from dataflow.core.storage import MemoryStorage

    storage = MemoryStorage()
    storage.set("dataflow.task.a", encode(toy("a")))
    storage.set("unrelated", "x")
    assert [task.id for task in saved_tasks(storage)] == ["a"]
    storage.set("dataflow.task.n", '{"schema": 99, "task": {}}')
    tasks = saved_tasks(storage)
    assert sorted(task.id for task in tasks) == ["a", "n"]
    assert orphaned_keys(["stray"], tasks, claims_of, now=0) == []


async def test_a_sweep_over_many_tasks_reads_their_claims_in_slices(clock):
    tasks = [toy(f"t{index:03d}") for index in range(50)]
    store = KeyStore([f"in:t{index:03d}" for index in range(50)] + ["stray"])
    pauses, ticks = [], iter(range(1000))

    async def pause():
        pauses.append(1)

    janitor = make_janitor(store, clock, live=tasks[:25], persisted=tasks[25:], budget=10, ticks=lambda: next(ticks),
                           pause=pause)
    assert await janitor.sweep() == ["stray"]
    assert len(pauses) == 5


async def test_a_task_no_kind_describes_stops_a_sliced_sweep_from_deleting(clock):
    store = KeyStore(["in:a", "stray"])
    janitor = make_janitor(store, clock, live=[toy("a")], persisted=[toy("x", kind="future")], budget=0)
    assert await janitor.sweep() == [] and "stray" in store.data


def test_saved_records_already_read_are_decoded_as_saved_tasks_are():
    from dataflow.core.blob_sweep import read_saved
    from dataflow.core.persistence import encode
    from dataflow.core.storage import MemoryStorage, entries

    storage = MemoryStorage()
    storage.set("dataflow.task.a", encode(toy("a")))
    storage.set("dataflow.task.n", '{"schema": 99, "task": {}}')
    assert list(read_saved(entries(storage, "dataflow.task."))) == saved_tasks(storage)


async def test_a_task_removed_during_a_sweep_over_lazily_read_live_tasks_keeps_its_blobs_till_the_next(clock, closing):
    """The app's wiring: live tasks snapshotted as the sweep reaches them (Orchestrator.iter_tasks), the
    records as saved when the sweep starts (TaskStore.saved): a removal between two slices frees
    nothing in this sweep, and the next one deletes its blobs."""
    from dataflow.core import Orchestrator
    from dataflow.core.blob_sweep import read_saved

    orchestrator = Orchestrator(clock=clock)
    closing.append(orchestrator)
    orchestrator.register("toy", lambda data, ctx: None)
    orchestrator.start()
    kept, removed = (orchestrator.execute_task(name, "toy", {}) for name in ("kept", "removed"))
    store = KeyStore([f"in:{kept}", f"in:{removed}", "stray"])

    async def pause():
        if removed in orchestrator.task_ids():
            orchestrator.remove(removed)

    janitor = BlobJanitor(store, claims_of, live=orchestrator.iter_tasks,
                          persisted=lambda: read_saved(orchestrator.store.saved()), clock=clock, budget=0, pause=pause)
    assert await janitor.sweep() == ["stray"]
    assert await janitor.sweep() == [f"in:{removed}"]
