"""Controls: row actions are checked against the action tables, followers forward them, a secret
reaches the executor in the runner tab only and never the channel; files go to the kind that
takes them; a form's refused field is marked with its message, also when a check off the main
thread refuses it."""

import asyncio
import json

import pytest

from dataflow.browser.controls import Controls, PageControls, _parse_form
from dataflow.browser.intake import Intake, NewTask, create_task
from dataflow.browser.tabs import Tabs
from dataflow.core.clock import ManualClock
from dataflow.core.errors import NonRetryableError, StorageFullError
from dataflow.core.kinds import Accepts, ExecutorKind, KindRegistry, OptionField, SecretPrompt
from dataflow.core.mirror import TaskMirror
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.plugin import OptionCheck
from dataflow.core.status import Action, TaskStatus
from dataflow.core.storage import MemoryStorage
from dataflow.executors.json.kind import JsonKind
from tests.unit.fakes import AnsweringWorker

SECRET = "hunter2-but-longer"


class VaultKind(ExecutorKind):
    kind = "vault"
    accepts = Accepts((), (".vault",), "vaults (.vault)")
    secret = SecretPrompt(name="key", label="Key", placeholder="Vault key", submit="Open",
                          errors=frozenset({"Locked"}))

    def parse_options(self, data):
        return None

    def task_input(self, file, options):
        return {"file_id": file.file_id}


class Locked(NonRetryableError):
    pass


class Vault:
    def __init__(self):
        self.keys = []

    async def execute(self, input, ctx):  # noqa: A002
        self.keys.append(ctx.secrets.get("key"))
        if ctx.secrets.get("key") != SECRET:
            raise Locked("locked")
        return {}


@pytest.fixture
async def page():
    clock, storage = ManualClock(), MemoryStorage()
    kinds = KindRegistry()
    kinds.register(VaultKind())
    vault = Vault()
    orchestrator = Orchestrator(clock=clock, storage=storage)
    orchestrator.register("vault", vault)
    events, posted, forwarded, notices, warnings, downloads = [], [], [], [], [], []
    orchestrator.subscribe(events.append)
    tabs = Tabs(mirror=TaskMirror(storage), show=lambda e: None, add=lambda t: create_task(orchestrator, t),
                act=lambda a, t: None, warn=warnings.append)
    tabs.post = posted.append
    controls = Controls(kinds=kinds, orchestrator=orchestrator, is_leader=lambda: tabs.leader,
                        forward=lambda action, task_id: (forwarded.append((action, task_id)),
                                                         tabs.request_action(action, task_id)),
                        download=lambda task_id, index: downloads.append((task_id, index)),
                        notice=lambda message, **kw: notices.append(message),
                        warn=warnings.append)
    orchestrator.start()
    yield type("Page", (), dict(clock=clock, storage=storage, orchestrator=orchestrator, vault=vault, tabs=tabs,
                                controls=controls, events=events, posted=posted, forwarded=forwarded,
                                notices=notices, warnings=warnings, downloads=downloads))
    await orchestrator.close()


async def test_a_secret_typed_in_the_runner_reaches_the_executor_and_nothing_else(page):
    page.tabs.become_leader()
    task_id = page.orchestrator.execute_task("box.vault", "vault", {})
    await page.clock.advance(1)
    page.controls.act("unlock", task_id, {"secret": SECRET})
    await page.clock.advance(1)
    assert page.orchestrator.get_task_state(task_id).status is TaskStatus.COMPLETED
    assert page.vault.keys == [None, SECRET]
    page.orchestrator.flush()
    assert SECRET not in json.dumps(page.storage.data) + repr(page.events) + "".join(page.posted)


async def test_a_follower_never_sends_a_secret_to_another_tab(page):
    page.controls.act("unlock", "t1", {"secret": SECRET})
    assert page.posted == [] and page.vault.keys == []
    assert "only taken in the tab that runs the tasks" in page.notices[0]


async def test_a_follower_forwards_actions_and_downloads_locally(page):
    page.controls.act("pause", "t1")
    page.controls.act("download", "t1")
    page.controls.act("download", "t1", {"index": "1"})
    page.controls.act("download", "t1", {"index": "<b>"})
    assert page.forwarded == [(Action.PAUSE, "t1")] and page.downloads == [("t1", 0), ("t1", 1), ("t1", 0)]
    assert json.loads(page.posted[0])["action"] == "pause"


@pytest.mark.parametrize("name", ["__init__", "flush", "start", "register", "password"])
async def test_an_unknown_action_from_the_page_is_refused_with_a_console_warning(page, name):
    page.tabs.become_leader()
    task_id = page.orchestrator.execute_task("box.vault", "vault", {})
    page.controls.act(name, task_id)
    assert page.warnings and "refused an unknown action" in page.warnings[0]
    assert page.posted == [] and page.notices == []


async def test_an_action_the_status_does_not_allow_becomes_a_notice(page):
    page.tabs.become_leader()
    task_id = page.orchestrator.execute_task("box.vault", "vault", {})
    page.controls.act("retry", task_id)
    assert "cannot retry" in page.notices[0]


async def test_a_replayed_add_request_creates_its_task_once(page):
    task = NewTask("a.vault", "vault", {"file_id": "f1"}, {"file_id": "f1"})
    assert create_task(page.orchestrator, task) is not None
    assert create_task(page.orchestrator, task) is None
    assert len(page.orchestrator.list_tasks()) == 1


async def test_files_go_to_the_kind_that_takes_them():
    kinds = KindRegistry()
    kinds.register(VaultKind())
    created = []

    class File:
        def __init__(self, name):
            self.name, self.size, self.type = name, 3, ""

    async def store(key, file, mime):
        pass

    intake = Intake(kinds=kinds, store_file=store, submit=created.append, options_for=lambda kind: None,
                    notice=lambda *a, **k: None)
    await intake.add_files([File("a.vault"), File("b.txt")])
    assert [task.kind for task in created] == ["vault", "unsupported"]
    assert "It takes vaults (.vault)." in created[1].input["message"]


async def test_a_file_given_a_kind_goes_to_that_kind_whatever_its_name():
    kinds = KindRegistry()
    kinds.register(VaultKind())

    class File:
        name, size, type = "records.jsonl", 3, ""

    stored = []

    async def store(key, file, mime):
        stored.append(key)

    intake = Intake(kinds=kinds, store_file=store, submit=lambda task: None, options_for=lambda kind: None,
                    notice=lambda *a, **k: None)
    task = await intake.add_file(File(), kinds.get("vault"))
    assert task.kind == "vault" and stored == [f"file:{task.input['file_id']}"]


async def test_a_secret_given_with_a_new_task_reaches_its_executor_and_is_not_saved(page):
    task_id = create_task(page.orchestrator, NewTask("v.vault", "vault", {"file_id": "f"}, {"file_id": "f"}),
                          {"key": SECRET})
    await page.clock.advance(1)
    assert page.orchestrator.get_task_state(task_id).status is TaskStatus.COMPLETED
    page.orchestrator.flush()
    assert page.vault.keys == [SECRET] and SECRET not in json.dumps(page.storage.data)
    assert page.orchestrator.get_task_state(task_id).secret_names == ["key"]


async def test_the_derive_action_is_handed_to_the_page():
    derived = []
    controls = Controls(kinds=KindRegistry(), orchestrator=Orchestrator(), is_leader=lambda: True,
                        forward=lambda *a: None, download=lambda task_id: None, notice=lambda *a, **k: None,
                        warn=lambda message: None, derive=derived.append)
    controls.act("derive", "t1")
    assert derived == ["t1"]


async def test_a_file_of_a_kind_whose_form_was_refused_is_not_added_with_stale_options():
    kinds = KindRegistry()
    kinds.register(VaultKind())
    stored, created, notices = [], [], []

    class File:
        name, size, type = "a.vault", 3, ""

    async def store(key, file, mime):
        stored.append(key)

    intake = Intake(kinds=kinds, store_file=store, submit=created.append, options_for=lambda kind: None,
                    notice=lambda message, **kw: notices.append(message))
    intake.refused = {"vault": "the schema is not valid JSON"}.get
    await intake.add_files([File()])
    assert created == [] and stored == []
    assert notices == ["a.vault was not added: an option in the form cannot be used (the schema is not valid "
                       "JSON). Correct or clear it, then add the file again."]


class Note:
    """The field message build_form puts after each control."""

    def __init__(self):
        self.textContent, self.hidden = "", True  # noqa: N815 - the DOM's name


class Control:
    def __init__(self, name, value):
        self.dataset = type("Dataset", (), {"option": name})()
        self.value, self.attributes = value, {}
        self.nextElementSibling = Note()  # noqa: N815 - the DOM's name

    def setAttribute(self, name, value):  # noqa: N802 - the DOM's name
        self.attributes[name] = value

    def removeAttribute(self, name):  # noqa: N802 - the DOM's name
        self.attributes.pop(name, None)


class Form:
    def __init__(self, *controls):
        self.controls = controls

    def querySelectorAll(self, selector):  # noqa: N802 - the DOM's name
        return self.controls


def test_a_schema_the_kind_refuses_marks_its_field_invalid_with_the_message_until_corrected():
    schema, operation = Control("schema", "{not json"), Control("operation", "inspect")
    form = Form(operation, schema)
    with pytest.raises(ValueError, match="not valid JSON"):
        _parse_form(JsonKind(), form)
    assert schema.attributes["aria-invalid"] == "true" and "not valid JSON" in schema.attributes["aria-description"]
    assert operation.attributes == {}
    schema.value = '{"type": "object"}'
    assert _parse_form(JsonKind(), form).schema == '{"type": "object"}' and schema.attributes == {}


def test_a_schema_breaking_its_meta_schema_is_explained_beside_its_field_and_the_message_goes_once_fixed():
    pytest.importorskip("fastjsonschema")
    schema, operation = Control("schema", '{"required": 5}'), Control("operation", "inspect")
    form = Form(operation, schema)
    with pytest.raises(ValueError, match="meta-schema"):
        _parse_form(JsonKind(), form)
    note = schema.nextElementSibling
    assert not note.hidden and note.textContent.startswith('"required" at /required must be array; got 5')
    assert schema.attributes["aria-invalid"] == "true" and operation.nextElementSibling.hidden
    schema.value = '{"required": ["id"]}'
    _parse_form(JsonKind(), form)
    assert note.hidden and note.textContent == "" and schema.attributes == {}


class Motto:
    """A kind's options whose `motto` a check off the main thread judges."""

    def __init__(self, motto, level):
        self.motto, self.level = motto, level

    def to_dict(self):
        return {"motto": self.motto, "level": self.level}


class MottoKind(ExecutorKind):
    kind = "motto"
    accepts = Accepts((), (".motto",), "mottos (.motto)")
    form = (OptionField("motto", "Motto", text="line"), OptionField("level", "Level", minimum=1, maximum=5))

    def parse_options(self, data):
        return Motto(**(data or {"motto": None, "level": 1}))

    def task_input(self, file, options):
        return {"file_id": file.file_id}


class MottoPage:
    """PageControls over a motto form, with the page's notices (one list; `withdraw` removes a topic's)."""

    def __init__(self):
        self.kind, self.worker, self.notices, self.created = MottoKind(), AnsweringWorker(), [], []
        kinds = KindRegistry()
        kinds.register(self.kind)

        async def store(key, file, mime):
            pass

        def notice(message, *, kind="info", topic=None):
            self.notices.append((topic, message))

        self.intake = Intake(kinds=kinds, store_file=store, submit=self.created.append,
                             options_for=lambda kind: None, notice=notice)
        self.controls = PageControls(kinds=kinds, intake=self.intake, settings=lambda: None, change=lambda s: None,
                                     notice=notice, withdraw=self.withdraw,
                                     checks={"motto": (OptionCheck("motto", self.worker.problem),)})
        self.motto, self.level = Control("motto", "bad"), Control("level", "1")
        self.form = Form(self.motto, self.level)
        self.controls._form = lambda kind: self.form

    def withdraw(self, topic):
        self.notices = [(shown, message) for shown, message in self.notices if shown != topic]

    async def change(self, **values):
        for name, value in values.items():
            getattr(self, name).value = value
        taken = self.controls.read_form(self.kind, self.form)
        await asyncio.sleep(0)  # a question asked reaches the worker
        return taken


class MottoFile:
    name, size, type = "a.motto", 3, ""


async def test_a_refusal_answered_off_the_main_thread_marks_the_field_and_keeps_files_out_until_it_is_fixed():
    page = MottoPage()
    assert (await page.change(motto="bad")).motto == "bad" and page.worker.asked == ["bad"]
    assert page.notices == [] and "aria-invalid" not in page.motto.attributes  # no answer yet
    await page.worker.answer("bad", "Motto: bad is not a motto.")
    note = page.motto.nextElementSibling
    assert page.motto.attributes["aria-invalid"] == "true" and not note.hidden
    assert note.textContent == "bad is not a motto." and page.level.nextElementSibling.hidden
    assert page.notices == [("options-motto", "Those options cannot be used: Motto: bad is not a motto.")]
    await page.intake.add_files([MottoFile()])
    assert page.created == [] and "a.motto was not added" in page.notices[-1][1]
    page.notices.pop()
    assert (await page.change(motto="good")).motto == "good"
    assert page.notices == [] and page.motto.attributes == {} and note.hidden and note.textContent == ""
    await page.worker.answer("good", "")
    assert page.notices == [] and page.controls.refused == {}
    await page.intake.add_files([MottoFile()])
    assert [task.name for task in page.created] == ["a.motto"]


async def test_a_value_refused_off_the_main_thread_stays_refused_at_once_when_another_field_changes():
    page = MottoPage()
    await page.change(motto="bad")
    await page.worker.answer("bad", "Motto: bad is not a motto.")
    assert await page.change(level="2") is None  # not saved, and not asked again
    assert page.worker.asked == ["bad"] and page.motto.attributes["aria-invalid"] == "true"
    assert page.notices == [("options-motto", "Those options cannot be used: Motto: bad is not a motto.")]
    assert page.controls.refused == {"motto": "Motto: bad is not a motto."}


async def test_an_answer_about_a_value_typed_over_refuses_nothing():
    page = MottoPage()
    await page.change(motto="bad")
    await page.change(motto="better")
    await page.worker.answer("bad", "Motto: bad is not a motto.")
    assert page.notices == [] and page.motto.attributes == {} and page.controls.refused == {}
    await page.worker.answer("better", "Motto: better is not one either.")  # the latest answer counts
    assert page.notices == [("options-motto", "Those options cannot be used: Motto: better is not one either.")]
    assert page.motto.nextElementSibling.textContent == "better is not one either."


async def test_a_refused_form_keeps_its_kinds_saved_options_and_the_other_forms_still_take_theirs():
    from dataflow.browser.settings import Settings

    page = MottoPage()
    vault = Form(Control("motto", "kept"), Control("level", "1"))
    other = VaultKind()
    other.form, other.parse_options = MottoKind.form, MottoKind().parse_options
    page.controls.kinds.register(other)
    page.controls._form = lambda kind: page.form if kind == "motto" else vault
    page.motto.value, page.level.value, vault.controls[1].value = "", "9", "3"  # 9: over the motto form's maximum
    before = Settings(options={"motto": {"motto": None, "level": 2}})
    after = page.controls.with_forms(before)
    assert after.options["motto"] == {"motto": None, "level": 2} and page.controls.refused.keys() == {"motto"}
    assert after.options["vault"] == {"motto": "kept", "level": 3}


class PageGone(Exception):
    """The page is reloaded: nothing after this point runs."""


async def test_clear_finished_removes_finished_tasks_in_slices_and_a_reload_midway_leaves_storage_whole(page):
    from dataflow.core.persistence import DEFAULT_PREFIX, decode

    page.tabs.become_leader()
    page.orchestrator.register("done", lambda data, ctx: {})
    finished = [page.orchestrator.execute_task(f"f{n}", "done", {}) for n in range(30)]
    await page.orchestrator.wait_idle()
    waiting = page.orchestrator.execute_task("w.vault", "vault", {})
    page.orchestrator.pause(waiting)
    tasks = page.orchestrator.list_tasks()
    ticks, pauses = iter(range(1000)), []

    async def reload_after_two_slices():
        pauses.append(1)
        if len(pauses) == 2:
            raise PageGone

    with pytest.raises(PageGone):
        await page.controls.clear_finished(tasks, budget=10, now=lambda: next(ticks), pause=reload_after_two_slices)
    saved = [decode(page.storage.get(key)) for key in page.storage.data if key.startswith(DEFAULT_PREFIX)]
    assert len(saved) == 31 - 20 and waiting in {task.id for task in saved}  # every record left is whole
    reloaded = Orchestrator(clock=page.clock, storage=page.storage)
    reloaded.register("vault", page.vault)
    reloaded.register("done", lambda data, ctx: {})
    assert reloaded.start() == []
    again = Controls(kinds=page.controls.kinds, orchestrator=reloaded, is_leader=lambda: True,
                     forward=lambda action, task_id: None, download=lambda task_id, index: None,
                     notice=page.notices.append, warn=page.warnings.append)
    await again.clear_finished(tasks)  # the same rows: those already removed are passed over
    assert [task.id for task in reloaded.list_tasks()] == [waiting] and page.notices == []
    assert set(finished[:20]).isdisjoint(reloaded.task_ids())
    await reloaded.close()


async def test_clear_finished_keeps_a_task_that_waits_for_its_password_or_key(page):
    page.tabs.become_leader()
    page.orchestrator.register("done", lambda data, ctx: {})
    done = page.orchestrator.execute_task("f", "done", {})
    locked = page.orchestrator.execute_task("box.vault", "vault", {})
    await page.orchestrator.wait_idle()
    assert page.orchestrator.get_task_state(locked).status is TaskStatus.FAILED  # its row asks for the key
    assert [task.id for task in page.controls.clearable(page.orchestrator.list_tasks())] == [done]  # as asked
    await page.controls.clear_finished(page.orchestrator.list_tasks())
    assert set(page.orchestrator.task_ids()) == {locked} and done not in page.orchestrator.task_ids()


async def test_nothing_to_clear_says_why_no_task_would_go(page):
    page.tabs.become_leader()
    assert page.controls.nothing_to_clear([]) == "Nothing to clear: there are no tasks."
    locked = page.orchestrator.execute_task("box.vault", "vault", {})
    await page.orchestrator.wait_idle()
    page.orchestrator.register("slow", lambda data, ctx: asyncio.sleep(3600))
    page.orchestrator.execute_task("a", "slow", {})
    page.orchestrator.execute_task("b", "slow", {})
    tasks = page.orchestrator.list_tasks()
    assert page.controls.clearable(tasks) == []
    assert page.controls.nothing_to_clear(tasks) == (
        "Nothing to clear: 2 tasks are not finished and 1 failed task waits for a password or key (enter it in "
        "the row, or press Remove). Clear finished removes completed, failed and cancelled tasks.")
    only_live = [task for task in tasks if task.id != locked][:1]
    assert page.controls.nothing_to_clear(only_live).startswith("Nothing to clear: 1 task is not finished. ")


async def test_clear_finished_in_a_follower_forwards_one_removal_per_finished_task(page):
    page.orchestrator.register("done", lambda data, ctx: {})
    done = page.orchestrator.execute_task("f", "done", {})
    await page.orchestrator.wait_idle()
    waiting = page.orchestrator.execute_task("w.vault", "vault", {})
    page.orchestrator.pause(waiting)
    await page.controls.clear_finished(page.orchestrator.list_tasks())
    assert page.forwarded == [(Action.REMOVE, done)] and len(page.orchestrator.list_tasks()) == 2


async def test_a_file_refused_for_a_full_storage_is_named_in_a_notice_and_the_others_are_added():
    kinds = KindRegistry()
    kinds.register(VaultKind())
    created, notices = [], []

    class File:
        def __init__(self, name, size):
            self.name, self.size, self.type = name, size, ""

    async def store(key, file, mime):
        if file.size > 100:
            raise StorageFullError("the browser's storage is full (1,000 bytes could not be saved). Free space "
                                   "by removing finished tasks (Clear finished), then try again")

    intake = Intake(kinds=kinds, store_file=store, submit=created.append, options_for=lambda kind: None,
                    notice=lambda message, **kw: notices.append((message, kw.get("kind"))))
    await intake.add_files([File("big.vault", 1000), File("small.vault", 3)])
    assert [task.name for task in created] == ["small.vault"]
    assert notices == [("big.vault was not added: the browser's storage is full (1,000 bytes could not be saved). "
                        "Free space by removing finished tasks (Clear finished), then try again.", "error")]
