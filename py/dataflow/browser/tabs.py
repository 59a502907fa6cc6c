"""Tab leadership: one tab runs the tasks (it holds a Web Lock, static/tabs.js); the others follow
its saved tasks through a mirror and send their requests over a BroadcastChannel, which the runner
acknowledges. A request not yet acknowledged when the runner goes away is replayed by whichever
tab runs next.

Messages are JSON objects: {"type": "add", ...NewTask} or {"type": "action", "action", "task_id"},
each with an "id", and {"type": "ack", "id"}. They never carry a secret. An action is checked
against the core's action table before it is applied; anything else is refused with a warning.
Browser ring; the protocol runs over an injected `post`, so it is unit-tested under CPython.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from dataflow.browser.intake import NewTask
from dataflow.core.events import TaskEvent
from dataflow.core.mirror import TaskMirror
from dataflow.core.status import Action

CHANNEL = "dataflow-tasks"


class MessageType(StrEnum):
    ADD = "add"
    ACTION = "action"
    ACK = "ack"


class Tabs:
    """`show(event)` renders a change seen in storage; `add(new_task)` and `act(action, task_id)`
    apply a request in the runner; `warn(text)` reports a message that was refused."""

    def __init__(self, *, mirror: TaskMirror, show: Callable[[TaskEvent], None], add: Callable[[NewTask], None],
                 act: Callable[[Action, str], None], warn: Callable[[str], None],
                 new_id: Callable[[], str] = lambda: uuid.uuid4().hex):
        self.mirror, self.show, self.add, self.act, self.warn = mirror, show, add, act, warn
        self.new_id = new_id
        self.leader = False
        self.post: Callable[[str], None] = lambda text: None  # the channel's postMessage, once connected
        self.unacknowledged: dict[str, dict[str, Any]] = {}  # sent to the runner, not yet confirmed

    def follow(self, key: str | None, value: str | None) -> None:
        """A `storage` event: another tab (the runner) changed a task. The runner ignores them."""
        if self.leader:
            return
        for change in self.mirror.apply(key, value):
            self.show(change)

    def request_add(self, task: NewTask) -> None:
        self._send({"type": MessageType.ADD, "name": task.name, "kind": task.kind, "input": task.input,
                    "metadata": task.metadata})

    def request_action(self, action: Action, task_id: str) -> None:
        self._send({"type": MessageType.ACTION, "action": action, "task_id": task_id})

    def receive(self, raw: str) -> None:
        """A channel message: the runner applies requests and confirms them; others drop confirmed ones."""
        try:
            message = json.loads(raw)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self.warn(f"DataFlow Tasks ignored a message from another tab that is not an object: {raw[:80]!r}")
            return
        if message.get("type") == MessageType.ACK:
            self.unacknowledged.pop(str(message.get("id")), None)
        elif self.leader:
            self.handle(message)
            self.post(json.dumps({"type": MessageType.ACK, "id": message.get("id")}))

    def handle(self, message: dict[str, Any]) -> None:
        """Apply one request in the runner tab."""
        kind = message.get("type")
        if kind == MessageType.ADD:
            try:
                self.add(NewTask(str(message["name"]), str(message["kind"]), message.get("input"),
                                 dict(message.get("metadata") or {})))
            except (KeyError, TypeError, ValueError) as error:
                self.warn(f"DataFlow Tasks ignored a malformed request to add a task: {error!r}")
            return
        action = Action.parse(message.get("action")) if kind == MessageType.ACTION else None
        if action is None:
            self.warn(f"DataFlow Tasks refused a request from another tab: type {str(kind)[:40]!r}, "
                      f"action {str(message.get('action'))[:40]!r}")
            return
        self.act(action, str(message.get("task_id")))

    def become_leader(self) -> None:
        """This tab now runs the tasks: apply what the previous runner never confirmed."""
        self.leader = True
        for message in list(self.unacknowledged.values()):
            self.handle(message)
        self.unacknowledged.clear()

    def _send(self, message: dict[str, Any]) -> None:
        message["id"] = self.new_id()
        self.unacknowledged[message["id"]] = message
        self.post(json.dumps(message))
