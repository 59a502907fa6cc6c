"""The composition root of the page: it registers the executor plug-ins and wires storage, the
orchestrator, the panel, tab leadership, intake and controls, and results together. It wires; the
work is done in `tabs`, `intake`, `results` and `page`. Browser ring.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from typing import Any

import js

from dataflow.browser import page
from dataflow.browser.blob_source import blob_source
from dataflow.browser.blob_store import IdbBlobStore
from dataflow.browser.confirm import InlineConfirm
from dataflow.browser.controls import Controls, PageControls
from dataflow.browser.dom import by_id, on, page_query
from dataflow.browser.ffi import create_proxy, is_null
from dataflow.browser.host import BrowserHost
from dataflow.browser.intake import Intake, NewTask, create_task
from dataflow.browser.local_storage import browser_local_storage
from dataflow.browser.panel import Panel
from dataflow.browser.pending import browser_pending
from dataflow.browser.results import Results, remove_completed, save_blob
from dataflow.browser.row_view import clear_question, status_label, summary_text, unexpected_error_log
from dataflow.browser.settings import SETTINGS_KEY, Settings, load_settings, save_settings
from dataflow.browser.tabs import CHANNEL, Tabs
from dataflow.browser.viewer import Viewer
from dataflow.core import Orchestrator, RetryPolicy, SystemClock
from dataflow.core.blob_sweep import BlobJanitor, file_born, read_saved, stamped_id
from dataflow.core.blobs import file_key
from dataflow.core.derived import SOURCE_TASK, existing_derivation, unique_name
from dataflow.core.errors import DataflowError, StorageFullError
from dataflow.core.events import EventType, TaskEvent
from dataflow.core.kinds import UNSAVED, UNSUPPORTED, KindRegistry, StoredFile, refuse_unsaved, refuse_unsupported
from dataflow.core.mirror import TaskMirror
from dataflow.core.model import TaskState
from dataflow.core.plugin import Plugin
from dataflow.core.slices import in_slices, turn
from dataflow.core.status import Action, TaskStatus
from dataflow.core.text import display_name

# each module's plugin(host) registers one kind
PLUGINS = ("dataflow.executors.pdf.plugin", "dataflow.executors.json.plugin", "dataflow.executors.llm.plugin")
LLM_KIND = "llm"  # the kind the provider section (browser/llm_settings.py) is for
# A full storage does not free itself: such a task fails at once, its parts kept, and Retry continues it
RETRY_POLICY = RetryPolicy(initial_interval=2.0, maximum_interval=30.0,
                           non_retryable_error_types=(StorageFullError.__name__,))
HISTORY_LIMIT = 2000  # finished tasks kept (the oldest beyond this are removed with their files)


class App:
    def __init__(self, query: dict[str, list[str]]):
        from pyscript.js_modules import idb, rows

        self.clock, self.storage, self.idb = SystemClock(), browser_local_storage(), idb
        self.logged_failures: set[tuple[str, int, float | None]] = set()
        self.deriving: set[str] = set()  # ids of tasks whose derive button is being handled
        self.blobs = IdbBlobStore(idb)
        self.host = BrowserHost(query, cores=int(getattr(js.navigator, "hardwareConcurrency", 2) or 2),
                                blobs=self.blobs, clock=self.clock)
        self.plugins: list[Plugin] = [importlib.import_module(name).plugin(self.host) for name in PLUGINS]
        self.kinds = KindRegistry()
        self.orchestrator = Orchestrator(storage=self.storage, clock=self.clock,
                                         concurrency=sum(plugin.concurrency for plugin in self.plugins) + 1,
                                         retry_policy=RETRY_POLICY,
                                         history_limit=HISTORY_LIMIT)
        for plugin in self.plugins:
            self.kinds.register(plugin.kind)
            self.orchestrator.register(plugin.kind.kind, plugin.executor, concurrency=plugin.concurrency)
        self.orchestrator.register(UNSUPPORTED, refuse_unsupported)
        self.orchestrator.register(UNSAVED, refuse_unsaved)
        self.settings = self.saved_settings()
        self.panel = Panel(by_id("task-list"), now=self.clock.now, on_action=self.act, rows=rows, kinds=self.kinds,
                           hide_completed=self.settings.hide_completed, on_change=self.update_summary)
        self.tabs = Tabs(mirror=TaskMirror(self.storage), show=self.panel.handle, add=self.add, act=self.apply,
                         warn=page.warn)
        self.controls = Controls(kinds=self.kinds, orchestrator=self.orchestrator, is_leader=lambda: self.tabs.leader,
                                 forward=self.tabs.request_action, download=self.download, notice=page.notice,
                                 warn=page.warn, view=self.view, derive=self.derive)
        self.intake = Intake(kinds=self.kinds, store_file=self.blobs.put_file, store_files=self.blobs.put_files,
                             submit=self.submit, options_for=self.settings_options, notice=page.notice,
                             new_id=lambda: stamped_id(self.clock.now()),  # the janitor spares it while young
                             pending=browser_pending(), stored_size=self.blobs.stored_size,
                             delay=self.host.query_number("store_delay", 0.0))  # tests: reload while storing
        self.results = Results(kinds=self.kinds, fetch=self.idb.get, save=save_blob, notice=page.notice)
        self.viewer = Viewer(kinds=self.kinds, fetch=self.idb.get, notice=page.notice)
        self.llm: Any = None  # the provider section, once bound (browser/llm_settings.py)
        self.taking_over: asyncio.Future | None = None  # take_over(), from when this tab holds the runner lock
        self.janitor = BlobJanitor(self.blobs, self.kinds.claims, live=self.orchestrator.iter_tasks,
                                   persisted=lambda: read_saved(self.orchestrator.store.saved()),  # no storage read
                                   clock=self.clock, born=file_born,
                                   on_error=lambda message: page.notice(message, kind="warning"))

    async def start(self) -> None:
        """Claim the runner lock; then show the saved tasks, as the runner (restoring and running
        them, resuming from checkpoints) or as a follower of the tab that runs them."""
        from pyscript.js_modules import tabs

        gc.freeze()  # the modules and objects of start-up live as long as the page: see _settle
        js.document.body.dataset.role = "follower"
        on(js.window, "storage", lambda event: self.tabs.follow(_text(event.key), _text(event.newValue)))
        channel = tabs.channel(CHANNEL, create_proxy(self.tabs.receive))
        self.tabs.post = channel.postMessage
        await turn()  # saved tasks are read in tasks of their own, not in the interpreter's start-up task
        if await tabs.claim(create_proxy(self.lead)) and self.taking_over is not None:
            await self.taking_over  # the role is known before the page says ready
        else:  # changes seen meanwhile are read again at the end of the load
            loaded = await self.tabs.mirror.load_in_slices()
            if self.taking_over is None:  # else the lock came meanwhile: the runner's view is shown
                await self.panel.render_all(loaded)
            _settle()
        self.update_summary()
        await self.intake.recover()  # files a reload cut off while they were stored: each becomes a task
        self.page_controls = PageControls(kinds=self.kinds, intake=self.intake, settings=lambda: self.settings,
                                          change=self.change_settings, notice=page.notice, withdraw=page.withdraw,
                                          checks={plugin.kind.kind: plugin.option_checks for plugin in self.plugins},
                                          warn=page.warn)
        self.page_controls.bind()
        on(js.window, "storage", lambda event: self.follow_settings(_text(event.key)))
        await turn()  # the forms above and the provider section each take a task of their own
        self.bind_llm()
        self.clear_confirm = InlineConfirm(by_id("clear-confirm"), by_id("clear-confirm-text"),
                                           by_id("clear-confirm-yes"), by_id("clear-confirm-no"))
        on(by_id("clear-finished"), "click", lambda event: self.ask_clear_finished())
        on(js.window, "pagehide", lambda event: self.orchestrator.flush() if self.tabs.leader else None)
        asyncio.ensure_future(self.ticker())
        await self.host.start_workers()  # after the panel: a worker booting beside it slows it on 2 cores
        asyncio.ensure_future(page.engines_ready(self.plugins))

    def ask_clear_finished(self) -> None:
        """Clear finished, once the user confirms in the page how many tasks and results go. Only those
        counted go, and only if still finished when confirmed."""
        doomed = self.controls.clearable(row.task for row in self.panel.rows.values())
        if not doomed:  # said beside the button, with the reason
            self.clear_confirm.tell(self.controls.nothing_to_clear(row.task for row in self.panel.rows.values()),
                                    asker=by_id("clear-finished"))
            return
        ids = {task.id for task in doomed}
        self.clear_confirm.ask(clear_question(doomed), lambda: asyncio.ensure_future(self.controls.clear_finished(
            [row.task for row in self.panel.rows.values() if row.task.id in ids])), asker=by_id("clear-finished"))

    def lead(self, *args: Any) -> None:
        """This tab now holds the runner lock (static/tabs.js calls this): take over, in the background."""
        self.taking_over = asyncio.ensure_future(self.take_over())

    async def take_over(self) -> None:
        """Restore and run every task (resuming from checkpoints), reading them in slices; the panel
        shows them (only restored tasks' rows change if it showed them as a follower)."""
        self.orchestrator.subscribe(self.panel.handle)
        self.orchestrator.subscribe(self.on_event)
        self.orchestrator.subscribe(self.janitor.handle)  # deletes blobs once what frees them is saved
        self.orchestrator.on_task_complete(page.announce)
        shown_live = {task_id for task_id, row in self.panel.rows.items() if not row.task.status.is_finished}
        await self.orchestrator.start_in_slices()  # its warnings arrive as events: on_event shows them
        js.performance.mark("dataflow:history-read")
        await turn()  # the records' last slice and their restoring end a task: what follows starts its own
        held = self.orchestrator.task_ids()
        for task_id in [task_id for task_id in self.panel.rows if task_id not in held]:
            self.panel.remove_row(task_id)
        listed: list[TaskState] = []  # thousands of snapshots: taken in slices
        await in_slices(self.orchestrator.iter_tasks(), listed.append)
        known, held = self.panel.rows.keys(), self.orchestrator.task_ids()  # rows made meanwhile are newer
        await self.panel.render_all([task for task in listed if task.id not in known and task.id in held])
        # restoring changes only the tasks that were unfinished: those still unfinished, and those it ended
        # (one that needs a secret only the closed tab had now waits for it in its row)
        ended = [self.orchestrator.get_task_state(task_id) for task_id in shown_live & held]
        for task in [task for task in ended if task.status.is_finished] + self.orchestrator.list_tasks(finished=False):
            self.panel.render(task, notify=False)
        js.performance.mark("dataflow:history-shown")
        _settle()
        self.update_summary()
        js.document.body.dataset.role = "leader"
        self.tabs.become_leader()
        self.janitor.spawn_start()  # leftovers of a session cut short (see core/blob_sweep.py)

    # Wiring between the parts ---------------------------------------------------------------

    def act(self, name: str, task_id: str, extra: dict) -> None:
        self.controls.act(name, task_id, extra)

    def apply(self, action: Action, task_id: str) -> None:
        self.controls.apply(action, task_id)

    def submit(self, task: NewTask) -> None:
        if self.tabs.leader:
            self.add(task)
        else:
            self.tabs.request_add(task)

    def add(self, task: NewTask, secrets: dict[str, str] | None = None) -> None:
        try:
            create_task(self.orchestrator, task, secrets)
        except DataflowError as error:
            page.notice(f"{display_name(task.name)} could not be added: {error}", kind="error")

    def submit_with_secrets(self, task: NewTask, secrets: dict[str, str]) -> None:
        """A task with its secrets (an API key): here, or without them in the runner tab (a secret
        never travels between tabs; that tab's row asks for it)."""
        if self.tabs.leader:
            self.add(task, secrets)
            return
        self.tabs.request_add(task)
        if secrets:
            page.notice(f"{display_name(task.name)} runs in the tab that runs the tasks (another open tab of this "
                        "app): enter the key there, in its row.", kind="warning")

    def bind_llm(self) -> None:
        from dataflow.browser.llm_settings import LlmSettings

        kind = self.kinds.get(LLM_KIND)
        if kind is None:
            return
        self.llm = LlmSettings(kind=kind, settings=lambda: self.settings, change=self.change_settings,
                               intake=self.intake, submit=self.submit_with_secrets,
                               transport=self.host.http_transport(), clock=self.clock, notice=page.notice,
                               controls=self.controls)
        self.llm.bind()

    def derive(self, task_id: str) -> None:
        task = self.orchestrator.get_task_state(task_id) if self.tabs.leader else self.tabs.mirror.tasks.get(task_id)
        if task is not None:
            asyncio.ensure_future(self.derive_from(task))

    async def derive_from(self, task: Any) -> None:
        """A task of the kind that offers to work on `task`'s result (a document's pages to enrich);
        none when a press on the same row is still being handled or an earlier one made it already."""
        if task.id in self.deriving:
            return
        self.deriving.add(task.id)
        try:
            await self._derive_from(task)
        finally:
            self.deriving.discard(task.id)

    async def _derive_from(self, task: Any) -> None:
        offers, source = self.kinds.derivations(task), self.kinds.get(task.kind)
        download = source.download(task) if source is not None else None
        if not offers or source is None or download is None:
            return
        target = offers[0]
        try:
            blob = await self.idb.get(download.key)
            if is_null(blob):
                raise ValueError(f"the result of {display_name(task.name)} is no longer stored")
            stored_result = blob_source(blob)
            view = await source.view(task, stored_result)
            derived = await target.derive(task, view, self.settings.options_for(target), stored_result)
            options = target.parse_options(derived.options) if derived.options is not None \
                else self.settings.options_for(target)
        except (ValueError, DataflowError) as error:
            page.notice(f"{display_name(task.name)} cannot be used that way: {error}", kind="error")
            return
        tasks = self.orchestrator.list_tasks() if self.tabs.leader else self.tabs.mirror.tasks.values()
        same = target.task_input(StoredFile("", "", 0, ""), options)
        earlier = existing_derivation(tasks, task.id, target.kind, same)
        if earlier is not None:  # a second press would make, and pay for, the same work again
            label = target.offer(task) or target.kind
            page.notice(f"“{label}” was already pressed for {display_name(task.name)} with these settings: see the "
                        f"task {display_name(earlier.name)} (status: {status_label(earlier, target)}). No second task "
                        "was made; change the settings, or remove that task, to make another.", kind="info")
            return
        file_id = stamped_id(self.clock.now())
        try:
            await self.blobs.put(file_key(file_id), derived.data, derived.mime)
        except StorageFullError as error:  # the source task and every other stay as they are
            page.notice(f"{derived.task_name or derived.name} was not made from {task.name}: {error}.", kind="error")
            return
        stored = StoredFile(file_id, derived.name, len(derived.data), derived.mime)
        new = NewTask(unique_name(derived.task_name or derived.name, tasks), target.kind,
                      target.task_input(stored, options),
                      {"size": stored.size, "type": stored.mime, "file_id": file_id, SOURCE_TASK: task.id})
        secrets = self.llm.secrets_for(options, task) if target.kind == LLM_KIND and self.llm is not None else {}
        self.submit_with_secrets(new, secrets)

    def download(self, task_id: str, index: int = 0) -> None:
        task = self.orchestrator.get_task_state(task_id) if self.tabs.leader else self.tabs.mirror.tasks.get(task_id)
        if task is not None:
            asyncio.ensure_future(self.results.download(task, index))

    def view(self, task_id: str) -> None:
        task = self.orchestrator.get_task_state(task_id) if self.tabs.leader else self.tabs.mirror.tasks.get(task_id)
        row = self.panel.rows.get(task_id)
        if task is not None:
            asyncio.ensure_future(self.viewer.open(task, opener=row.parts.buttons.view if row and row.parts else None))

    def settings_options(self, kind: Any) -> Any:
        return self.settings.options_for(kind)

    def change_settings(self, settings: Settings) -> None:
        self.settings = settings
        if not save_settings(self.storage, settings):
            page.notice("Your settings could not be saved: the browser's storage is full.", kind="warning")
        self.panel.set_hide_completed(settings.hide_completed)
        self.auto_cleanup()

    def saved_settings(self) -> Settings:
        first = next(iter(self.kinds), None)  # settings saved before kinds had their own are the first kind's
        return load_settings(self.storage, legacy_kind=first.kind if first else None)

    def follow_settings(self, key: str | None) -> None:
        """Another tab saved the settings (or cleared storage): use them here too, in the forms, the
        panel and, in the runner tab, for automatic clean-up."""
        if key not in (None, SETTINGS_KEY):
            return
        self.settings = self.saved_settings()
        self.page_controls.show(self.settings)
        self.panel.set_hide_completed(self.settings.hide_completed)
        self.auto_cleanup()

    def auto_cleanup(self) -> None:
        if self.tabs.leader:
            remove_completed(self.orchestrator, self.clock.now(), self.settings)

    def on_event(self, event: TaskEvent) -> None:
        if event.type is EventType.WARNING and event.message:
            page.notice(event.message, kind="warning")
        elif event.type is EventType.CHANGED and event.task is not None and event.task.status is TaskStatus.COMPLETED:
            self.auto_cleanup()
        elif event.type is EventType.CHANGED and event.task is not None:
            self.log_unexpected(event.task)

    def log_unexpected(self, task: Any) -> None:
        """An unexpected error's traceback in the console, once per failure (the row shows it too)."""
        log = unexpected_error_log(task)
        if log is not None and log[0] not in self.logged_failures:
            self.logged_failures.add(log[0])
            page.warn(log[1])

    def update_summary(self) -> None:
        page.show_summary(summary_text(self.panel.counts(), hide_completed=self.panel.hide_completed, kinds=self.kinds))

    async def ticker(self) -> None:
        while True:
            await asyncio.sleep(1)
            self.panel.tick()
            self.auto_cleanup()



def _settle() -> None:
    """Thousands of saved tasks, read once, stay for the page's life: the cyclic garbage collector
    need not walk them again and again (Python's gc.freeze; they are still freed by reference
    counting when removed). Without it, collections during start-up cost as much as reading them."""
    gc.freeze()


def _text(value: Any) -> str | None:
    return None if is_null(value) else str(value)


async def start_app() -> App:
    app = App(page_query())
    await app.start()
    return app


