"""Page furniture: notices, the tasks summary line, the screen-reader announcer, the footer's
versions and console warnings. Browser ring (DOM through `dataflow.browser.dom`, text only)."""

from __future__ import annotations

import js

from dataflow.browser.dom import by_id, el, on, set_text
from dataflow.browser.ffi import is_null
from dataflow.core.errors import DataflowError
from dataflow.core.model import TaskState
from dataflow.core.plugin import Plugin
from dataflow.core.text import display_name


def notice(message: str, *, kind: str = "info", topic: str | None = None) -> None:
    """A dismissable notice at the top of the page; `kind` is info, warning or error. A notice given
    a `topic` also goes when that topic is withdrawn (what it said no longer holds)."""
    dismiss = el("button", text="Dismiss", type="button", cls="btn subtle")
    box = el("div", el("p", text=message), dismiss, cls=f"notice notice-{kind}", role="alert", data_topic=topic)
    on(dismiss, "click", lambda event: box.remove())
    by_id("notices").append(box)


def withdraw(topic: str) -> None:
    """Remove the notices given `topic` (a form's refusal, once the form holds usable options)."""
    for box in by_id("notices").querySelectorAll(".notice[data-topic]"):
        if str(box.dataset.topic) == topic:
            box.remove()


def warn(message: str) -> None:
    """A warning for developers, in the console only."""
    js.console.warn(message)


def announce(task: TaskState) -> None:
    """on_task_complete: tell screen-reader users (and anyone glancing) that a result is ready."""
    set_text(by_id("announcer"), f"{display_name(task.name)} is done and ready to download.")


def show_summary(text: str) -> None:
    set_text(by_id("task-summary"), text)


def show_versions(versions: dict[str, str]) -> None:
    """Fill the footer's `version-NAME` entries that exist."""
    for name, version in versions.items():
        node = by_id(f"version-{name}")
        if not is_null(node):
            set_text(node, version)


async def engines_ready(plugins: list[Plugin]) -> None:
    """Wait for every plug-in's workers, show their versions in the footer, and publish
    `<body data-engine-state="ready">` (or "error", with a notice that says which failed)."""
    body = js.document.body
    for plugin in plugins:
        if plugin.runtime_info is None:
            continue
        try:
            show_versions(await plugin.runtime_info())
        except DataflowError as error:
            body.dataset.engineState = "error"
            notice(f"The {plugin.kind.noun} engine could not start: {error}", kind="error")
            return
    body.dataset.engineState = "ready"
