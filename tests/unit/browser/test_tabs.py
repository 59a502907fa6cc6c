"""Tab leadership over an in-memory channel: requests, acknowledgements, replay after a change of
runner, and refusal of anything that is not in the action table."""

import json

from dataflow.browser.intake import NewTask
from dataflow.browser.tabs import Tabs
from dataflow.core.mirror import TaskMirror
from dataflow.core.status import Action
from dataflow.core.storage import MemoryStorage


def make_tabs(posted, applied, warnings, ids=None):
    counter = iter(ids or range(1, 100))
    tabs = Tabs(mirror=TaskMirror(MemoryStorage()), show=lambda event: None, add=lambda task: applied.append(task),
                act=lambda action, task_id: applied.append((action, task_id)), warn=warnings.append,
                new_id=lambda: f"m{next(counter)}")
    tabs.post = posted.append
    return tabs


def test_a_follower_sends_requests_and_forgets_them_once_acknowledged():
    posted, applied, warnings = [], [], []
    follower = make_tabs(posted, applied, warnings)
    follower.request_action(Action.PAUSE, "t1")
    follower.request_add(NewTask("a.txt", "shout", {"file_id": "f"}, {"file_id": "f"}))
    assert [json.loads(text)["type"] for text in posted] == ["action", "add"] and applied == []
    follower.receive(json.dumps({"type": "ack", "id": "m1"}))
    assert list(follower.unacknowledged) == ["m2"]


def test_the_runner_applies_requests_and_acknowledges_each():
    posted, applied, warnings = [], [], []
    runner = make_tabs(posted, applied, warnings)
    runner.become_leader()
    runner.receive(json.dumps({"type": "action", "action": "cancel", "task_id": "t1", "id": "x1"}))
    runner.receive(json.dumps({"type": "add", "name": "a.txt", "kind": "shout", "input": {}, "metadata": {},
                               "id": "x2"}))
    assert applied == [(Action.CANCEL, "t1"), NewTask("a.txt", "shout", {}, {})]
    assert [json.loads(text) for text in posted] == [{"type": "ack", "id": "x1"}, {"type": "ack", "id": "x2"}]


def test_requests_not_confirmed_are_applied_by_the_next_runner():
    posted, applied, warnings = [], [], []
    tabs = make_tabs(posted, applied, warnings)
    tabs.request_action(Action.REMOVE, "t9")
    tabs.become_leader()  # the runner closed before it confirmed
    assert applied == [(Action.REMOVE, "t9")] and tabs.unacknowledged == {}


def test_an_action_outside_the_table_is_refused_with_a_warning_never_looked_up():
    posted, applied, warnings = [], [], []
    runner = make_tabs(posted, applied, warnings)
    runner.become_leader()
    for action in ("__class__", "close", "retry_policy", "unlock"):
        runner.receive(json.dumps({"type": "action", "action": action, "task_id": "t1", "id": action}))
    runner.receive(json.dumps({"type": "eval", "id": "e"}))
    runner.receive("not json")
    assert applied == [] and len(warnings) == 6
    assert "refused a request from another tab" in warnings[0]


def test_followers_ignore_requests_and_the_runner_ignores_storage_events():
    posted, applied, warnings = [], [], []
    follower = make_tabs(posted, applied, warnings)
    follower.receive(json.dumps({"type": "action", "action": "pause", "task_id": "t1", "id": "x"}))
    assert applied == [] and posted == []
