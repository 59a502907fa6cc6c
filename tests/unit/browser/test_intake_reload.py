"""Chosen files and a reload: the files are written down before any wait and stored in one go, the
page asks before unloading only while they are stored, and after a reload each file that was
pending becomes a task: its own when its file was stored, else one that fails at once naming the
file. No other task is touched."""

import asyncio

import pytest

from dataflow.browser.intake import Intake, create_task
from dataflow.browser.pending import PendingFiles, UnloadGuard
from dataflow.core.clock import ManualClock
from dataflow.core.errors import StorageFullError
from dataflow.core.kinds import UNSAVED, UNSUPPORTED, KindRegistry, refuse_unsaved, refuse_unsupported
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.status import TaskStatus
from dataflow.core.storage import MemoryStorage
from tests.unit.browser.test_intake import Vault, VaultKind
from tests.unit.browser.test_pending import FakeWindow


class File:
    def __init__(self, name: str, size: int = 3):
        self.name, self.size, self.type = name, size, ""


class Tab:
    """One browser tab's intake over stores that outlive it: `blobs` (IndexedDB) and `session`
    (sessionStorage, kept by a reload). `reload()` gives the tab's next page."""

    def __init__(self, blobs: dict, session: MemoryStorage, orchestrator: Orchestrator, *,
                 full: frozenset[str] = frozenset()):
        self.blobs, self.session, self.orchestrator, self.full = blobs, session, orchestrator, full
        self.window = FakeWindow()
        self.batches, self.singles, self.notices = [], [], []
        kinds = KindRegistry()
        kinds.register(VaultKind())
        self.intake = Intake(kinds=kinds, store_file=self.store_file, store_files=self.store_files,
                             submit=lambda task: create_task(orchestrator, task), options_for=lambda kind: None,
                             notice=lambda message, **kw: self.notices.append(message),
                             pending=PendingFiles(session, UnloadGuard(self.window, proxy=lambda f: f)),
                             stored_size=self.stored_size)

    async def store_files(self, entries):
        self.batches.append([key for key, _, _ in entries])
        if any(file.name in self.full for _, file, _ in entries):
            raise StorageFullError("the browser's storage is full")
        self.blobs.update({key: file.size for key, file, _ in entries})

    async def store_file(self, key, file, mime):
        self.singles.append(key)
        if file.name in self.full:
            raise StorageFullError("the browser's storage is full")
        self.blobs[key] = file.size

    async def stored_size(self, key):
        return self.blobs.get(key)

    def asks_before_unloading(self) -> bool:
        return self.window.unload()

    def reload(self, orchestrator: Orchestrator) -> "Tab":
        return Tab(self.blobs, self.session, orchestrator)


@pytest.fixture
async def runner():
    clock = ManualClock()
    orchestrator = Orchestrator(clock=clock, storage=MemoryStorage())
    orchestrator.register("vault", Vault())
    orchestrator.register(UNSUPPORTED, refuse_unsupported)
    orchestrator.register(UNSAVED, refuse_unsaved)
    orchestrator.start()
    yield orchestrator, clock
    await orchestrator.close()


async def test_chosen_files_are_written_down_and_guarded_before_any_wait(runner):
    orchestrator, _ = runner
    tab = Tab({}, MemoryStorage(), orchestrator)
    adding = tab.intake.take([File("a.vault"), File("b.vault")])  # nothing has run yet: a reload could come now
    assert tab.asks_before_unloading()
    assert sorted(entry["task"]["name"] for entry in tab.reload(orchestrator).intake.pending.left().values()) \
        == ["a.vault", "b.vault"]
    await adding
    assert not tab.asks_before_unloading() and tab.window.listeners["beforeunload"] == []
    assert [task.name for task in orchestrator.list_tasks()] == ["a.vault", "b.vault"]
    assert tab.reload(orchestrator).intake.pending.left() == {}


async def test_several_files_are_stored_in_one_go(runner):
    orchestrator, _ = runner
    tab = Tab({}, MemoryStorage(), orchestrator)
    await tab.intake.add_files([File("a.vault"), File("notes.txt"), File("b.vault")])
    assert len(tab.batches) == 1 and len(tab.batches[0]) == 2 and tab.singles == []
    assert [task.kind for task in orchestrator.list_tasks()] == ["vault", UNSUPPORTED, "vault"]  # in order


async def test_when_one_file_does_not_fit_the_others_are_still_stored_and_it_alone_is_reported(runner):
    orchestrator, _ = runner
    tab = Tab({}, MemoryStorage(), orchestrator, full={"big.vault"})
    await tab.intake.add_files([File("a.vault"), File("big.vault"), File("b.vault")])
    assert len(tab.singles) == 3  # the one go refused: each file alone
    assert [task.name for task in orchestrator.list_tasks()] == ["a.vault", "b.vault"]
    assert tab.notices == ["big.vault was not added: the browser's storage is full."]
    assert not tab.asks_before_unloading() and tab.intake.pending.left() == {}


async def test_after_a_reload_a_file_never_stored_ends_failed_naming_it_and_no_other_task_is_touched(runner):
    orchestrator, clock = runner
    other = orchestrator.execute_task("earlier.vault", "vault", {})
    tab = Tab({}, MemoryStorage(), orchestrator)
    tab.intake.take([File("a.vault"), File("b.vault")]).cancel()  # the page went away before storing
    await asyncio.sleep(0)
    assert tab.blobs == {}
    after = tab.reload(orchestrator)
    await after.intake.recover()
    await clock.advance(1)
    lost = [task for task in orchestrator.list_tasks() if task.id != other]
    assert [(task.name, task.kind, task.status) for task in lost] == [
        ("a.vault", UNSAVED, TaskStatus.FAILED), ("b.vault", UNSAVED, TaskStatus.FAILED)]
    assert lost[0].error.message == "a.vault was not saved before the page was reloaded; add it again."
    assert lost[0].error.type == "FileNotSavedError" and not lost[0].error.retryable
    assert orchestrator.get_task_state(other).status is TaskStatus.FAILED  # the vault's own: no key, untouched
    assert orchestrator.get_task_state(other).error.type == "Locked"
    assert after.intake.pending.left() == {} and not after.asks_before_unloading()


async def test_after_a_reload_a_file_stored_before_it_becomes_its_own_task(runner):
    orchestrator, _ = runner
    tab = Tab({}, MemoryStorage(), orchestrator)
    arrivals = tab.intake._begin([File("a.vault", 5), File("b.vault", 7), File("notes.txt")])
    tab.blobs[f"file:{arrivals[0].file_id}"] = 5  # stored, then the page went away before its task was made
    tab.blobs[f"file:{arrivals[1].file_id}"] = 2  # not whole: not a file a task can use
    await tab.reload(orchestrator).intake.recover()
    made = {task.name: task.kind for task in orchestrator.list_tasks()}
    assert made == {"a.vault": "vault", "b.vault": UNSAVED, "notes.txt": UNSUPPORTED}
    assert orchestrator.list_tasks()[0].metadata["file_id"] == arrivals[0].file_id


async def test_a_file_whose_task_was_made_before_the_reload_is_not_made_twice(runner):
    orchestrator, _ = runner
    tab = Tab({}, MemoryStorage(), orchestrator)
    arrivals = tab.intake._begin([File("a.vault")])
    create_task(orchestrator, arrivals[0].task)  # made (in the runner tab), not yet released here
    await tab.reload(orchestrator).intake.recover()
    assert [task.name for task in orchestrator.list_tasks()] == ["a.vault"]


async def test_a_record_this_intake_did_not_write_is_ignored(runner):
    orchestrator, _ = runner
    session = MemoryStorage()
    session.set("dataflow.intake.pending", '{"x": {"task": {"name": "a"}}, "y": {"stores": true}}')
    tab = Tab({}, session, orchestrator)
    await tab.intake.recover()
    assert orchestrator.list_tasks() == [] and tab.intake.pending.left() == {}


async def test_a_single_file_given_a_kind_is_guarded_while_it_is_stored(runner):
    orchestrator, _ = runner
    tab = Tab({}, MemoryStorage(), orchestrator)
    seen = []

    async def store_file(key, file, mime):
        seen.append(tab.asks_before_unloading())

    tab.intake.store_file = store_file
    task = await tab.intake.add_file(File("records.jsonl"), tab.intake.kinds.get("vault"))
    assert task is not None and seen == [True] and not tab.asks_before_unloading()
