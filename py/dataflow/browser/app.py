"""The composition root of the page: wires storage, workers, the orchestrator, the panel and the
controls together. Browser ring; the only module that knows every other one.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

import js

from dataflow.browser.blob_store import IdbBlobStore
from dataflow.browser.dom import by_id, el, on, set_text
from dataflow.browser.ffi import create_proxy, is_null
from dataflow.browser.local_storage import browser_local_storage
from dataflow.browser.panel import Panel
from dataflow.browser.row_view import to_clean
from dataflow.browser.settings import load_settings, save_settings
from dataflow.browser.worker_client import (
    Timeouts,
    WorkerClient,
    WorkerPool,
    pyscript_connect,
    pyscript_spawn,
    pyscript_terminate,
)
from dataflow.core import Orchestrator, RetryPolicy, SystemClock, TaskState
from dataflow.core import events as ev
from dataflow.core.blob_sweep import BlobJanitor, saved_tasks
from dataflow.core.errors import DataflowError, StorageFullError
from dataflow.core.mirror import TaskMirror
from dataflow.executors.pdf.executor import PdfExecutor, pdf_task_input
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.store import file_key, new_file_id, pdf_blob_born, pdf_blob_claims, result_key

FIRST_WORKER = "pdf-1"  # declared in index.html, so it boots while the main thread does
CHANNEL = "dataflow-tasks"
HISTORY_LIMIT = 2000  # finished tasks kept (the oldest beyond this are removed with their files)


class App:
    def __init__(self, query: dict[str, list[str]]):
        self.clock = SystemClock()
        self.storage = browser_local_storage()
        self.settings = load_settings(self.storage)
        from pyscript.js_modules import idb

        self.idb = idb
        self.blobs = IdbBlobStore(idb)
        timeouts = Timeouts(per_page=_number(query, "page_timeout", Timeouts.per_page))
        count = int(_number(query, "workers", default_worker_count()))
        clients = [WorkerClient(FIRST_WORKER, connect=pyscript_connect, spawn=pyscript_spawn,
                                terminate=pyscript_terminate, timeouts=timeouts)]
        clients += [WorkerClient(f"pdf-{n}", connect=pyscript_connect, spawn=pyscript_spawn,
                                 terminate=pyscript_terminate, timeouts=timeouts) for n in range(2, count + 1)]
        self.pool = WorkerPool(clients)
        self.executor = PdfExecutor(self.pool, finish_delay=_number(query, "finish_delay", 0.0))
        self.orchestrator = Orchestrator(storage=self.storage, clock=self.clock, concurrency=self.pool.size,
                                         retry_policy=RetryPolicy(initial_interval=2.0, maximum_interval=30.0),
                                         history_limit=HISTORY_LIMIT)
        self.orchestrator.register("pdf", self.executor)
        from pyscript.js_modules import rows

        self.panel = Panel(by_id("task-list"), now=self.clock.now, on_action=self.act, rows=rows,
                           hide_completed=self.settings.hide_completed, on_change=self.update_summary)
        self.mirror = TaskMirror(self.storage)
        self.janitor = self.make_janitor()
        self.leader = False
        self.channel: Any = None
        self.unacknowledged: dict[str, dict] = {}  # sent to the runner, not yet confirmed

    def make_janitor(self) -> BlobJanitor:
        """Deletes stored blobs that no task needs (core/blob_sweep.py); subscribed by the leading tab."""
        return BlobJanitor(self.blobs, pdf_blob_claims, live=self.orchestrator.list_tasks,
                           persisted=lambda: saved_tasks(self.storage), clock=self.clock, born=pdf_blob_born,
                           on_error=lambda message: self.notice(message, kind="warning"))

    async def start(self) -> None:
        """Show the saved tasks at once as a follower; run them once this tab holds the runner lock."""
        for client in self.pool.clients[1:]:
            await pyscript_spawn(client.name)
        from pyscript.js_modules import tabs

        js.document.body.dataset.role = "follower"
        await self.panel.render_all(self.mirror.load())
        self.update_summary()
        on(js.window, "storage", self.on_storage)
        self.channel = tabs.channel(CHANNEL, create_proxy(self.on_message))
        self.bind_controls()
        on(js.window, "pagehide", lambda event: self.orchestrator.flush() if self.leader else None)
        await tabs.claim(create_proxy(self.lead))  # the role is known before the page says ready
        asyncio.ensure_future(self.ticker())
        asyncio.ensure_future(self.engine_ready())

    def lead(self, *args: Any) -> None:
        """This tab now holds the runner lock: restore and run every task (resuming from checkpoints)."""
        self.leader = True
        self.orchestrator.subscribe(self.panel.handle)
        self.orchestrator.subscribe(self.on_event)
        self.orchestrator.subscribe(self.janitor.handle)  # deletes blobs once what frees them is saved
        self.orchestrator.on_task_complete(self.announce)
        self.orchestrator.start()  # its warnings arrive as events: on_event shows them
        current = {task.id for task in self.orchestrator.list_tasks()}
        for task_id in [task_id for task_id in self.panel.rows if task_id not in current]:
            self.panel.remove_row(task_id)
        for task in self.orchestrator.list_tasks():  # only rows that restore changed cost DOM work
            self.panel.render(task, notify=False)
        self.update_summary()
        js.document.body.dataset.role = "leader"
        for message in self.unacknowledged.values():  # the runner went away before confirming them
            self.handle_message(message)
        self.unacknowledged.clear()
        self.janitor.spawn_start()  # leftovers of a session cut short (see core/blob_sweep.py)

    def on_storage(self, event: Any) -> None:
        """Another tab (the runner) changed a task: follow it, unless this tab runs the tasks."""
        if self.leader:
            return
        key = None if is_null(event.key) else str(event.key)
        value = None if is_null(event.newValue) else str(event.newValue)
        for change in self.mirror.apply(key, value):
            self.panel.handle(change)

    def on_message(self, raw: str) -> None:
        """The runner handles what followers ask and confirms it; followers drop confirmed messages."""
        message = json.loads(raw)
        if message.get("type") == "ack":
            self.unacknowledged.pop(message.get("id"), None)
        elif self.leader:
            self.handle_message(message)
            self.channel.postMessage(json.dumps({"type": "ack", "id": message.get("id")}))

    def handle_message(self, message: dict) -> None:
        if message.get("type") == "add":
            file_id = message["input"].get("file_id")
            if any(isinstance(t.input, dict) and t.input.get("file_id") == file_id
                   for t in self.orchestrator.list_tasks()):
                return  # already added (a message replayed after a change of runner)
            self.orchestrator.execute_task(message["name"], "pdf", message["input"], metadata=message["metadata"])
        elif message.get("type") == "action":
            self.act(message["action"], message["task_id"], message.get("extra") or {})

    # Controls ------------------------------------------------------------------------------

    def bind_controls(self) -> None:
        options = self.settings.options
        by_id("opt-mode").value = options.mode
        by_id("opt-max-images").value = str(options.max_images)
        by_id("opt-format").value = options.format
        by_id("hide-completed").checked = self.settings.hide_completed
        by_id("cleanup-after").value = str(int(self.settings.cleanup_after_seconds or 0))
        by_id("keep-completed").value = "" if self.settings.keep_completed is None else str(
            self.settings.keep_completed)
        for control in ("opt-mode", "opt-max-images", "opt-format", "hide-completed", "cleanup-after",
                        "keep-completed"):
            on(by_id(control), "change", lambda event: self.read_settings())
        file_input = by_id("file-input")
        on(file_input, "change", lambda event: self.take(file_input.files, reset=file_input))
        zone = by_id("drop-zone")
        on(zone, "dragover", self.drag_over)
        on(zone, "dragleave", lambda event: zone.classList.remove("dragging"))
        on(zone, "drop", self.drop)
        on(by_id("clear-finished"), "click", lambda event: self.clear_finished())

    def read_settings(self) -> None:
        try:
            options = PdfOptions(mode=str(by_id("opt-mode").value),
                                 max_images=int(by_id("opt-max-images").value or 0),
                                 format=str(by_id("opt-format").value))
        except ValueError as error:
            self.notice(f"Those options cannot be used: {error}", kind="error")
            return
        keep = str(by_id("keep-completed").value).strip()
        cleanup = float(by_id("cleanup-after").value or 0)
        self.settings = replace(self.settings, options=options, hide_completed=bool(by_id("hide-completed").checked),
                                cleanup_after_seconds=cleanup or None, keep_completed=int(keep) if keep else None)
        if not save_settings(self.storage, self.settings):
            self.notice("Your settings could not be saved: the browser's storage is full.", kind="warning")
        self.panel.set_hide_completed(self.settings.hide_completed)
        self.auto_cleanup()

    def drag_over(self, event: Any) -> None:
        event.preventDefault()
        by_id("drop-zone").classList.add("dragging")

    def drop(self, event: Any) -> None:
        event.preventDefault()
        by_id("drop-zone").classList.remove("dragging")
        self.take(event.dataTransfer.files)

    def take(self, files: Any, reset: Any = None) -> None:
        chosen = [files.item(index) for index in range(int(files.length))]
        if reset is not None:
            reset.value = ""
        asyncio.ensure_future(self.add_files(chosen))

    async def add_files(self, files: list[Any]) -> None:
        options = self.settings.options
        for file in files:
            name, size = str(file.name), int(file.size)
            file_id = new_file_id(self.clock.now())  # stamped: the janitor spares it until its task exists
            if size <= options.max_file_bytes:  # an oversized file is never copied; its task says why
                try:
                    await self.blobs.idb.put(file_key(file_id), file, str(file.type or "application/pdf"))
                except Exception as error:  # quota, private mode: say so, keep the other files going
                    self.notice(f"{name} could not be kept in the browser's storage ({error}); it was not added.",
                                kind="error")
                    continue
            task_input = pdf_task_input(file_id, name, size, options)
            metadata = {"size": size, "type": str(file.type or "")}
            if self.leader:
                self.orchestrator.execute_task(name, "pdf", task_input, metadata=metadata)
            else:
                self.send({"type": "add", "name": name, "input": task_input, "metadata": metadata})

    def send(self, message: dict) -> None:
        message["id"] = uuid.uuid4().hex
        self.unacknowledged[message["id"]] = message
        self.channel.postMessage(json.dumps(message))

    # Actions -------------------------------------------------------------------------------

    def act(self, action: str, task_id: str, extra: dict) -> None:
        if action != "download" and not self.leader:
            self.send({"type": "action", "action": action, "task_id": task_id, "extra": extra})
            return
        try:
            if action == "download":
                asyncio.ensure_future(self.download(task_id))
            elif action == "password":
                self.executor.passwords[task_id] = extra.get("password", "")
                self.orchestrator.retry(task_id)
            else:
                getattr(self.orchestrator, action)(task_id)
        except DataflowError as error:
            self.notice(str(error), kind="error")

    async def download(self, task_id: str) -> None:
        task = self.orchestrator.get_task_state(task_id) if self.leader else self.mirror.tasks[task_id]
        result = task.result if isinstance(task.result, dict) else {}
        blob = await self.idb.get(result.get("result_key") or result_key(task_id))
        if is_null(blob):
            self.notice(f"The result of {task.name} is no longer stored; retry the task to make it again.",
                        kind="error")
            return
        url = js.URL.createObjectURL(blob)
        link = el("a", href=url, download=result.get("filename") or f"{task.name}.zip", hidden=True)
        js.document.body.append(link)
        link.click()
        link.remove()
        await asyncio.sleep(60)
        js.URL.revokeObjectURL(url)

    def clear_finished(self) -> None:
        for row in list(self.panel.rows.values()):
            if row.task.status.is_finished:
                self.act("remove", row.task.id, {})

    def auto_cleanup(self) -> None:
        if not self.leader:
            return
        doomed = to_clean(self.orchestrator.list_tasks(), self.clock.now(),
                          after_seconds=self.settings.cleanup_after_seconds, keep=self.settings.keep_completed)
        for task_id in doomed:
            self.orchestrator.remove(task_id)

    # Events --------------------------------------------------------------------------------

    def on_event(self, event: ev.TaskEvent) -> None:
        if event.type == ev.REMOVED and event.task is not None:
            self.executor.passwords.pop(event.task.id, None)  # its blobs: the janitor's
        elif event.type == ev.WARNING and event.message:
            self.notice(event.message, kind="warning")
        elif event.type == ev.CHANGED and event.task is not None and event.task.status.value == "completed":
            self.auto_cleanup()

    async def ticker(self) -> None:
        while True:
            await asyncio.sleep(1)
            self.panel.tick()
            self.auto_cleanup()

    async def engine_ready(self) -> None:
        body = js.document.body
        try:
            infos = [await client.runtime_info() for client in self.pool.clients]
            info = infos[0]
        except (DataflowError, StorageFullError) as error:
            body.dataset.engineState = "error"
            self.notice(f"The PDF engine could not start: {error}", kind="error")
            return
        set_text(by_id("version-pypdf"), info["pypdf"])
        body.dataset.engineState = "ready"

    # Page furniture ------------------------------------------------------------------------

    def announce(self, task: TaskState) -> None:
        """on_task_complete: tell screen-reader users (and anyone glancing) that a result is ready."""
        set_text(by_id("announcer"), f"{task.name} is done and ready to download.")

    def notice(self, message: str, *, kind: str = "info") -> None:
        dismiss = el("button", text="Dismiss", type="button", cls="btn subtle")
        box = el("div", el("p", text=message), dismiss, cls=f"notice notice-{kind}", role="alert")
        on(dismiss, "click", lambda event: box.remove())
        by_id("notices").append(box)

    def update_summary(self) -> None:
        counts = self.panel.counts()
        total = sum(counts.values())
        if not total:
            set_text(by_id("task-summary"), "No tasks yet. Add PDFs above to start.")
            return
        parts = [f"{total} task{'s' if total != 1 else ''}"]
        for status in ("running", "pending", "paused", "failed", "completed", "cancelled"):
            if counts.get(status):
                label = {"pending": "queued"}.get(status, status)
                hidden = " (hidden)" if status == "completed" and self.panel.hide_completed else ""
                parts.append(f"{counts[status]} {label}{hidden}")
        set_text(by_id("task-summary"), " · ".join(parts))


def _number(query: dict[str, list[str]], name: str, default: float) -> float:
    try:
        return float(query[name][0])
    except (KeyError, IndexError, ValueError):
        return default


def default_worker_count() -> int:
    cores = int(getattr(js.navigator, "hardwareConcurrency", 2) or 2)
    return max(1, min(4, cores // 2))


async def start_app() -> App:
    query = parse_qs(str(js.window.location.search).lstrip("?"))
    app = App(query)
    await app.start()
    return app

