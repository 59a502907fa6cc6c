"""The page's provider section for the LLM kind: presets, base URL, model, prices, pacing, the
enrichment fields, *Test connection*, its own file input, and the API key.

The key is read from its password field when a task is made and handed to the core as that task's
secret (memory only); a retry of a task's result gets the key that task was given, for the same
provider (`handed_over`). It is never put in the settings, localStorage, IndexedDB, an event or a
message to another tab. The other fields are the kind's options, saved with the settings. Browser
ring: the kind is reached through the registry (its `presets`, `secret`, `check_connection`), never
imported, so this module names no executor.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Iterable
from typing import Any

from dataflow.browser.controls import Controls
from dataflow.browser.intake import Intake, NewTask
from dataflow.browser.settings import Settings
from dataflow.core.clock import Clock
from dataflow.core.errors import DataflowError
from dataflow.core.http import HttpTransport
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.core.text import plural

Notice = Callable[..., None]
SubmitWithSecrets = Callable[[NewTask, dict[str, str]], None]


def read_controls(controls: Any) -> dict[str, Any]:
    """The options named by `[data-llm-option]` controls: checkboxes as booleans, number fields as
    numbers as typed (a whole value as an int, 2.5 as a float, never rounded, so the kind refuses
    what is not whole or out of range), the rest as text (the kind parses the JSON Schema's text).
    An empty number field is None; one the browser could not read (`validity.badInput`, e.g. 1e400)
    or that is not a number is NaN: the kind refuses both, naming the field."""
    values: dict[str, Any] = {}
    for control in controls:
        name, kind, raw = str(control.dataset.llmOption), str(control.type), str(control.value).strip()
        if kind == "checkbox":
            values[name] = bool(control.checked)
        elif kind == "number":
            values[name] = _number(raw, bool(control.validity.badInput))
        else:
            values[name] = raw
    return values


def _number(raw: str, unreadable: bool) -> int | float | None:
    if not raw:
        return math.nan if unreadable else None
    try:
        value = float(raw)
    except ValueError:
        return math.nan
    return int(value) if value.is_integer() else value


def mark_invalid(controls: Any, option: str | None, message: str = "") -> None:
    """Mark the control of `option` aria-invalid with `message` as its description, and clear the
    mark from every other control (`option` None: the options were accepted)."""
    for control in controls:
        if option is not None and str(control.dataset.llmOption) == option:
            control.setAttribute("aria-invalid", "true")
            control.setAttribute("aria-description", message)
        else:
            control.removeAttribute("aria-invalid")
            control.removeAttribute("aria-description")


def write_controls(controls: Any, values: dict[str, Any]) -> None:
    """Put `values` (options as JSON) in their controls; an object (the JSON Schema) as indented JSON."""
    for control in controls:
        name = str(control.dataset.llmOption)
        if name not in values:
            continue
        value = values[name]
        if str(control.type) == "checkbox":
            control.checked = bool(value)
        elif isinstance(value, (dict, list)):
            control.value = json.dumps(value, indent=2, ensure_ascii=False)
        else:
            control.value = "" if value is None else str(value)


def same_provider(base_url: str, other: str) -> bool:
    """True when two base URLs name one provider (trailing slashes and spaces ignored)."""
    return base_url.strip().rstrip("/") == other.strip().rstrip("/")


def base_url_of(task: TaskState) -> str:
    """The provider an enrichment task calls (its options' base URL; "" when it names none)."""
    task_input = task.input if isinstance(task.input, dict) else {}
    options = task_input.get("options") if isinstance(task_input.get("options"), dict) else {}
    return str(options.get("base_url", ""))


def waiting_for_key(tasks: Iterable[TaskState], kind: Any, base_url: str) -> list[str]:
    """Ids of the failed tasks of `kind` that wait for its key (`kind.needs_secret`: none since a
    reload, or one refused) and call the provider at `base_url` (trailing slashes ignored)."""
    return [task.id for task in tasks
            if task.kind == kind.kind and task.status is TaskStatus.FAILED and kind.needs_secret(task) is not None
            and same_provider(base_url_of(task), base_url)]


def handed_over(base_url: str, *, typed_url: str, typed: dict[str, str], source_url: str,
                kept: dict[str, str]) -> dict[str, str]:
    """The key a task made from an earlier task's result (a retry) gets, calling `base_url`: the one
    `typed` in the section when it is set to that provider (`typed_url`); else the one the earlier
    task was given in this page's life (`kept`, e.g. typed into its row) when it called that provider
    too (`source_url`); else {} (its row asks). A key never goes to a provider it was not given for."""
    if typed and same_provider(typed_url, base_url):
        return typed
    return kept if kept and same_provider(source_url, base_url) else {}


class LlmSettings:
    """Binds the section (`#llm-section`) to `kind` (the LLM kind of the registry). With `controls`
    (the runner tab's), a key typed into the section also unlocks every task of that provider
    waiting for one."""

    def __init__(self, *, kind: Any, settings: Callable[[], Settings], change: Callable[[Settings], None],
                 intake: Intake, submit: SubmitWithSecrets, transport: HttpTransport, clock: Clock,
                 notice: Notice, controls: Controls | None = None):
        self.kind, self.settings, self.change, self.intake = kind, settings, change, intake
        self.submit, self.transport, self.clock, self.notice = submit, transport, clock, notice
        self.controls = controls

    def bind(self) -> None:
        from dataflow.browser.dom import by_id, el, on

        preset = by_id("llm-preset")
        for item in self.kind.presets:
            preset.append(el("option", text=item.label, value=item.name))
        write_controls(self._controls(), self.settings().options_for(self.kind).to_dict())
        self._show_preset()
        on(by_id("llm-section"), "change", lambda event: self._changed(event))
        on(by_id("llm-test"), "click", lambda event: asyncio.ensure_future(self.test()))
        file_input = by_id("llm-file-input")
        on(file_input, "change", lambda event: self._take(file_input))
        by_id("llm-section").hidden = False

    def secrets(self) -> dict[str, str]:
        """The key typed in this tab, by the kind's secret name ({} when none is typed)."""
        from dataflow.browser.dom import by_id

        key = str(by_id("llm-api-key").value).strip()
        return {self.kind.secret.name: key} if key and self.kind.secret is not None else {}

    def secrets_for(self, options: Any, source: TaskState | None = None) -> dict[str, str]:
        """The key for a task calling `options.base_url`, made from `source`'s result if given (see
        handed_over): typed in this tab's section, or given to `source` (an enrichment, in this tab's
        memory) for the same provider; {} otherwise, and that task's row asks for its own."""
        from dataflow.browser.dom import by_id

        return handed_over(str(getattr(options, "base_url", "")), typed_url=str(by_id("llm-base-url").value),
                           typed=self.secrets(), source_url=base_url_of(source) if source else "",
                           kept=self._kept(source))

    def _kept(self, source: TaskState | None) -> dict[str, str]:
        """The kind's key `source` (a task of this kind) was given in this tab, if this tab runs tasks."""
        controls, secret = self.controls, self.kind.secret
        if source is None or source.kind != self.kind.kind or secret is None or controls is None \
                or not controls.is_leader():
            return {}
        key = controls.orchestrator.secrets_of(source.id).get(secret.name)
        return {secret.name: key} if key else {}

    def options(self) -> Any:
        """The kind's options as the form says; ValueError naming a bad value, whose field is then
        marked aria-invalid (every mark is cleared once the options are accepted)."""
        controls = self._controls()
        try:
            options = self.kind.parse_options({**self.settings().options_for(self.kind).to_dict(),
                                               **read_controls(controls)})
        except ValueError as error:
            mark_invalid(controls, getattr(error, "option", None), str(error))
            raise
        mark_invalid(controls, None)
        return options

    async def test(self) -> None:
        """One small call with the settings as typed; the result in the output next to the button."""
        from dataflow.browser.dom import by_id

        output = by_id("llm-test-result")
        try:
            options = self.options()
        except ValueError as error:
            output.textContent = f"Those settings cannot be used: {error}"
            return
        output.textContent = f"Calling {options.base_url}…"
        output.dataset.state = "busy"
        key = self.secrets().get(self.kind.secret.name, "") if self.kind.secret is not None else ""
        worked, report = await self.kind.check_connection(self.transport, self.clock, options, key)
        output.textContent = report
        output.dataset.state = "ok" if worked else "failed"

    def _changed(self, event: Any) -> None:
        target = event.target
        if str(target.id) == "llm-api-key":
            self.unlock_waiting()  # the key is never saved
            return
        if str(target.id) == "llm-preset":
            self._apply_preset(str(target.value))
        try:
            options = self.options()
        except ValueError as error:
            self.notice(f"Those provider settings cannot be used: {error}", kind="error")
            return
        self.change(self.settings().with_options(self.kind, options))
        self._show_preset()

    def unlock_waiting(self) -> int:
        """Give the key typed in the section to every task of its provider waiting for one (this tab
        must run the tasks: a key never travels between tabs); says how many. Returns that count."""
        secrets, controls = self.secrets(), self.controls
        if not secrets or controls is None or not controls.is_leader():
            return 0
        try:
            base_url = self.options().base_url
        except ValueError:
            return 0
        waiting = waiting_for_key(controls.orchestrator.list_tasks(), self.kind, base_url)
        for task_id in waiting:
            try:
                controls.orchestrator.retry(task_id, secrets=secrets)
            except DataflowError as error:
                self.notice(str(error), kind="error")
        if waiting:
            self.notice(f"The key was given to {plural(len(waiting), 'task')} of {base_url} waiting for it.")
        return len(waiting)

    def _apply_preset(self, name: str) -> None:
        chosen = next((item for item in self.kind.presets if item.name == name), None)
        if chosen is not None:
            write_controls(self._controls(), {"base_url": chosen.base_url, "model": chosen.model,
                                              "needs_key": chosen.needs_key})

    def _show_preset(self) -> None:
        from dataflow.browser.dom import by_id

        base_url = str(by_id("llm-base-url").value).rstrip("/")
        match = next((item for item in self.kind.presets if item.base_url == base_url), None)
        by_id("llm-preset").value = match.name if match is not None else ""

    def _take(self, file_input: Any) -> None:
        files = [file_input.files.item(index) for index in range(int(file_input.files.length))]
        file_input.value = ""
        asyncio.ensure_future(self.add(files))

    async def add(self, files: list[Any]) -> None:
        """One enrichment task per file, with the key typed now (if any) as its secret."""
        try:
            self.change(self.settings().with_options(self.kind, self.options()))
        except ValueError as error:
            self.notice(f"Those provider settings cannot be used: {error}", kind="error")
            return
        secrets = self.secrets()
        for file in files:
            task = await self.intake.add_file(file, self.kind)
            if task is not None:
                self.submit(task, secrets)

    @staticmethod
    def _controls() -> Any:
        import js

        return js.document.querySelectorAll("#llm-section [data-llm-option]")
