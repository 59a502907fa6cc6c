"""Controls of the page: each kind's options are read from its form, and the row buttons and panel
options act on tasks.

Actions are checked against the core's action table (`Action`) and the page's own (`PageAction`);
an unknown action is refused with a console warning. A secret typed into a row goes to the core's
`retry(..., secrets=...)` in this tab only: it never travels to another tab. Browser ring; the
logic runs over injected functions, so it is unit-tested under CPython with in-memory twins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from dataflow.browser.ffi import is_null
from dataflow.browser.intake import Intake, Notice
from dataflow.browser.option_checks import OptionChecks
from dataflow.browser.row_view import PageAction
from dataflow.browser.settings import Settings
from dataflow.core.errors import DataflowError, UnknownTaskError
from dataflow.core.kinds import ExecutorKind, KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.plugin import OptionCheck
from dataflow.core.slices import in_slices
from dataflow.core.status import Action
from dataflow.core.text import plural


class Controls:
    """Row buttons and other tabs' requests, checked against the action tables."""

    def __init__(self, *, kinds: KindRegistry, orchestrator: Orchestrator, is_leader: Callable[[], bool],
                 forward: Callable[[Action, str], None], download: Callable[[str, int], None], notice: Notice,
                 warn: Callable[[str], None], view: Callable[[str], None] = lambda task_id: None,
                 derive: Callable[[str], None] = lambda task_id: None):
        self.kinds, self.orchestrator = kinds, orchestrator
        self.is_leader, self.forward, self.download = is_leader, forward, download
        self.notice, self.warn = notice, warn
        self.view, self.derive = view, derive

    def act(self, name: str, task_id: str, extra: dict[str, Any] | None = None) -> None:
        """Apply the action called `name` from a row of this page: here when this tab runs the tasks,
        else in the runner tab (a download is always local, `extra["index"]` says which of the task's
        files; a secret never leaves this tab)."""
        page_action, action = PageAction.parse(name), Action.parse(name)
        if page_action is PageAction.DOWNLOAD:
            self.download(task_id, _index((extra or {}).get("index")))
        elif page_action is PageAction.VIEW:
            self.view(task_id)
        elif page_action is PageAction.DERIVE:
            self.derive(task_id)
        elif page_action is PageAction.UNLOCK:
            self.unlock(task_id, str((extra or {}).get("secret", "")))
        elif action is None:
            self.warn(f"DataFlow Tasks refused an unknown action {str(name)[:40]!r} for task {task_id[:40]!r}")
        elif self.is_leader():
            self.apply(action, task_id)
        else:
            self.forward(action, task_id)

    def apply(self, action: Action, task_id: str) -> None:
        """An action in the runner tab (from a row or from another tab); refusals become notices."""
        try:
            self.orchestrator.act(action, task_id)
        except DataflowError as error:
            self.notice(str(error), kind="error")

    def unlock(self, task_id: str, secret: str) -> None:
        if not self.is_leader():
            self.notice("For your safety a password or key is only taken in the tab that runs the tasks (another "
                        "open tab of this app), so it never travels between tabs. Enter it there.", kind="error")
            return
        try:
            task = self.orchestrator.get_task_state(task_id)
            prompt = self._prompt(task)
            self.orchestrator.retry(task_id, secrets={prompt: secret})
        except DataflowError as error:
            self.notice(str(error), kind="error")

    def _prompt(self, task: TaskState) -> str:
        kind = self.kinds.get(task.kind)
        if kind is None or kind.secret is None:
            raise DataflowError(f"{task.name} does not take a password or key.")
        return kind.secret.name

    async def clear_finished(self, tasks: Iterable[TaskState], **slicing: Any) -> None:
        """Remove every finished task among `tasks` (the panel's rows), in slices that yield to the
        page (core/slices.py; `slicing` passes its budget, now and pause): thousands of them make no
        long task. Each removal deletes one record, so a reload midway leaves every other task whole.
        A failed task that waits for a password or key (its row asks for it) is not finished work:
        it stays."""
        await in_slices([task.id for task in self.clearable(tasks)], self._clear, **slicing)

    def clearable(self, tasks: Iterable[TaskState]) -> list[TaskState]:
        """The tasks among `tasks` that `clear_finished` removes (what its confirmation counts)."""
        return [task for task in tasks if self._clearable(task)]

    def nothing_to_clear(self, tasks: Iterable[TaskState]) -> str:
        """Why `clear_finished` would remove none of `tasks` (the panel's rows), in the user's words:
        no task at all, tasks still to finish, failed ones that wait for a password or key."""
        tasks = list(tasks)
        held = sum(1 for task in tasks if task.status.is_finished and not self._clearable(task))
        live = sum(1 for task in tasks if not task.status.is_finished)
        if not tasks:
            return "Nothing to clear: there are no tasks."
        reasons = [f"{plural(live, 'task')} {'is' if live == 1 else 'are'} not finished"] if live else []
        if held:
            reasons.append(f"{plural(held, 'failed task')} {'waits' if held == 1 else 'wait'} for a password or key "
                           "(enter it in the row, or press Remove)")
        return f"Nothing to clear: {' and '.join(reasons)}. Clear finished removes completed, failed and " \
               "cancelled tasks."

    def _clearable(self, task: TaskState) -> bool:
        kind = self.kinds.get(task.kind)
        return task.status.is_finished and (kind is None or kind.needs_secret(task) is None)

    def _clear(self, task_id: str) -> None:
        if not self.is_leader():
            self.forward(Action.REMOVE, task_id)
            return
        try:
            task = self.orchestrator.get_task_state(task_id)
        except UnknownTaskError:
            return  # removed meanwhile (Keep completed, another click)
        if self._clearable(task):  # not run again (or failed for want of a password) meanwhile
            self.orchestrator.remove(task_id)


class PageControls:
    """The DOM side of intake and controls: the file input and drop zone, each kind's options form
    (`<fieldset data-kind=K>` whose `[data-option=NAME]` controls hold its options), the panel
    options. `settings()` reads the current Settings, `change(settings)` saves and applies new ones.
    `checks` are the kinds' option checks run off the main thread (core.plugin.OptionCheck), asked when
    a form's options pass its own parse; a refusal they answer counts as the parse's would."""

    PANEL_CONTROLS = ("hide-completed", "cleanup-after", "keep-completed")

    def __init__(self, *, kinds: KindRegistry, intake: Intake, settings: Callable[[], Settings],
                 change: Callable[[Settings], None], notice: Notice,
                 withdraw: Callable[[str], None] = lambda topic: None,
                 checks: Mapping[str, Iterable[OptionCheck]] | None = None,
                 warn: Callable[[str], None] = lambda message: None):
        self.kinds, self.intake = kinds, intake
        self.settings, self.change, self.notice, self.withdraw = settings, change, notice, withdraw
        self.refused: dict[str, str] = {}  # kind -> why its form's options were refused
        intake.refused = self.refused.get
        self.checks = OptionChecks(checks or {}, refuse=self.refuse_field, warn=warn)

    def bind(self) -> None:
        from dataflow.browser.dom import by_id, on

        settings = self.settings()
        for kind in self.kinds:
            if not kind.form:
                continue
            form = build_form(kind, single=len(self.kinds) == 1)
            by_id("options-forms").append(form)
            on(form, "change", lambda event: self.read())
        self.show(settings)
        for control in self.PANEL_CONTROLS:
            on(by_id(control), "change", lambda event: self.read())
        by_id("intake-title").textContent = self.kinds.intake_title()
        by_id("drop-accepts").textContent = f"Takes {self.kinds.accepted_label()}."
        file_input = by_id("file-input")
        file_input.setAttribute("accept", self.kinds.accept_attribute())
        on(file_input, "change", lambda event: self.take(file_input.files, reset=file_input))
        zone = by_id("drop-zone")
        on(zone, "dragover", self.drag_over)
        on(zone, "dragleave", lambda event: zone.classList.remove("dragging"))
        on(zone, "drop", self.drop)

    def show(self, settings: Settings) -> None:
        """Put `settings` into each kind's form and the panel options: at start, and when another tab
        saved settings (so a later change here does not save this tab's older ones over them)."""
        from dataflow.browser.dom import by_id

        for kind in self.kinds:
            form = self._form(kind.kind)
            if form is not None and kind.form:
                _write_form(form, settings.options_for(kind).to_dict())
                self.refused.pop(kind.kind, None)
                self.checks.drop(kind.kind)
        by_id("hide-completed").checked = settings.hide_completed
        by_id("cleanup-after").value = str(int(settings.cleanup_after_seconds or 0))
        by_id("keep-completed").value = "" if settings.keep_completed is None else str(settings.keep_completed)

    def read(self) -> None:
        """The forms changed: validate each kind's options and the panel options, then save them (see
        `with_forms`)."""
        from dataflow.browser.dom import by_id

        settings = self.with_forms(self.settings())
        keep = str(by_id("keep-completed").value).strip()
        cleanup = float(by_id("cleanup-after").value or 0)
        self.change(replace(settings, hide_completed=bool(by_id("hide-completed").checked),
                            cleanup_after_seconds=cleanup or None, keep_completed=int(keep) if keep else None))

    def with_forms(self, settings: Settings) -> Settings:
        """`settings` with the options each kind's form holds. A kind whose options are refused keeps
        the options it had (the field stays marked invalid, with the message beside it, and the kind is
        in `refused`: its files are not added until the form holds options that can be used; its one
        notice, topic "options-KIND", goes as soon as it does); the other kinds take theirs."""
        for kind in self.kinds:
            form = self._form(kind.kind)
            options = self.read_form(kind, form) if form is not None else None
            if options is not None:
                settings = settings.with_options(kind, options)
        return settings

    def read_form(self, kind: ExecutorKind[Any], form: Any) -> Any:
        """The options `form` holds for `kind`, taken (its notice withdrawn, its checks asked: see
        `refuse_field`), or None when they are refused, by the kind's parse or by a check's answer
        about the same value: then the field is marked and the form's notice says why."""
        self.checks.drop(kind.kind)  # answers about what the form held before refuse nothing now
        try:
            options = _parse_form(kind, form)
            known = self.checks.known(kind.kind, options)
            if known is not None:
                _mark_field(kind, form, *known)
                raise ValueError(known[1])
        except (TypeError, ValueError) as error:
            self._refuse(kind.kind, str(error))
            return None
        self.refused.pop(kind.kind, None)
        self.withdraw(f"options-{kind.kind}")
        self.checks.ask(kind.kind, options)
        return options

    def refuse_field(self, kind: str, field: str, message: str) -> None:
        """A check off the main thread refused the value of option `field` that the form of `kind`
        still holds: the field is marked, the kind's files are refused and the form's notice says why,
        as for a refusal of its own parse, until the form changes."""
        described, form = self.kinds.get(kind), self._form(kind)
        if described is not None and form is not None:
            _mark_field(described, form, field, message)
        self._refuse(kind, message)

    def _refuse(self, kind: str, message: str) -> None:
        topic = f"options-{kind}"
        self.refused[kind] = message
        self.withdraw(topic)  # one notice a form: the latest refusal
        self.notice(f"Those options cannot be used: {message}", kind="error", topic=topic)

    def drag_over(self, event: Any) -> None:
        event.preventDefault()
        event.currentTarget.classList.add("dragging")

    def drop(self, event: Any) -> None:
        event.preventDefault()
        event.currentTarget.classList.remove("dragging")
        self.take(event.dataTransfer.files)

    def take(self, files: Any, reset: Any = None) -> None:
        chosen = [files.item(index) for index in range(int(files.length))]
        if reset is not None:
            reset.value = ""
        self.intake.take(chosen)

    @staticmethod
    def _form(kind: str) -> Any:
        import js

        form = js.document.querySelector(f'fieldset[data-kind="{kind}"]')
        return None if is_null(form) else form


def _read_form(kind: ExecutorKind[Any], form: Any) -> dict[str, Any]:
    """The options the form's controls hold, each parsed by its OptionField; ValueError with the
    field's message for the first one refused (marked aria-invalid, so it is seen and announced)."""
    fields = {field.name: field for field in kind.form}
    values: dict[str, Any] = {}
    refused: ValueError | None = None
    for control in form.querySelectorAll("[data-option]"):
        field = fields.get(str(control.dataset.option))
        if field is None:
            continue
        try:
            values[field.name] = field.parse(str(control.value))
        except ValueError as error:
            refused = refused or error
            _mark(control, str(error), field.label)
        else:
            _unmark(control)
    if refused is not None:
        raise refused
    return values


def _parse_form(kind: ExecutorKind[Any], form: Any) -> Any:
    """The kind's options from its form. When the kind refuses a combination or a value its field
    accepted (a schema that is not JSON), the text field whose emptying makes them valid is marked
    aria-invalid, with the message as its description; ValueError/TypeError as the kind raised it."""
    values = _read_form(kind, form)
    try:
        return kind.parse_options(values)
    except (TypeError, ValueError) as error:
        texts = {field.name: field.label for field in kind.form if field.control in ("text", "textarea")}
        for control in form.querySelectorAll("[data-option]"):
            name = str(control.dataset.option)
            if name in texts and values.get(name) is not None and _valid(kind, values | {name: None}):
                _mark(control, str(error), texts[name])
        raise


def _mark_field(kind: ExecutorKind[Any], form: Any, name: str, message: str) -> None:
    """Mark the control of option `name` in `form` as refused, with `message` (see _mark)."""
    labels = {field.name: field.label for field in kind.form}
    for control in form.querySelectorAll("[data-option]"):
        if str(control.dataset.option) == name:
            _mark(control, message, labels.get(name, ""))


def _mark(control: Any, message: str, label: str) -> None:
    """`control` refused: aria-invalid, and `message` as its description and, less its `label` (shown
    just above), in its field message (the element after it that build_form adds): read beside the field."""
    control.setAttribute("aria-invalid", "true")
    control.setAttribute("aria-description", message)
    note = control.nextElementSibling
    if not is_null(note):
        note.textContent = message.removeprefix(f"{label}: ")
        note.hidden = False


def _unmark(control: Any) -> None:
    """`control` holds a value that can be used: its mark and its message go."""
    control.removeAttribute("aria-invalid")
    control.removeAttribute("aria-description")
    note = control.nextElementSibling
    if not is_null(note):
        note.textContent = ""
        note.hidden = True


def _valid(kind: ExecutorKind[Any], values: dict[str, Any]) -> bool:
    try:
        kind.parse_options(values)
    except (TypeError, ValueError):
        return False
    return True


def _write_form(form: Any, values: dict[str, Any]) -> None:
    for control in form.querySelectorAll("[data-option]"):
        name = str(control.dataset.option)
        if name in values:
            control.value = "" if values[name] is None else str(values[name])


def build_form(kind: ExecutorKind[Any], *, single: bool) -> Any:
    """`<fieldset data-kind=K>` with one labelled control per OptionField of `kind` (ids `opt-NAME`,
    or `opt-KIND-NAME` when several kinds have forms). Text goes in as text only."""
    from dataflow.browser.dom import el

    controls = []
    for field in kind.form:
        name = field.name.replace("_", "-")
        control_id = f"opt-{name}" if single else f"opt-{kind.kind}-{name}"
        if field.control == "select":
            control = el("select", *[el("option", text=label, value=value) for value, label in field.choices],
                         id=control_id, data_option=field.name)
        elif field.control == "textarea":
            control = el("textarea", id=control_id, data_option=field.name, rows=4, spellcheck="false",
                         placeholder=field.hint or None)
        elif field.control == "text":
            control = el("input", id=control_id, data_option=field.name, type="text", spellcheck="false",
                         placeholder=field.hint or None)
        else:
            control = el("input", id=control_id, data_option=field.name, type="number", step="1", inputmode="numeric",
                         min=field.minimum, max=field.maximum)
        message = el("span", cls="field-message", id=f"{control_id}-message", hidden=True, aria_live="polite")
        control.setAttribute("aria-errormessage", f"{control_id}-message")
        controls.append(el("label", field.label, control, message))
    legend = "Processing options" if single else f"Options for {kind.noun}s"
    return el("fieldset", el("legend", text=legend), *controls, cls="options", data_kind=kind.kind)


def _index(value: Any) -> int:
    """Which of a task's result files a row button asks for (0, the main one, unless it says)."""
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0
