"""Every (current, target) pair of statuses: allowed exactly when the table says so."""

import itertools

import pytest

from dataflow.core.errors import InvalidTransitionError
from dataflow.core.status import (
    FINISHED,
    TRANSITIONS,
    TaskStatus,
    allowed_actions,
    can_transition,
    check_action,
    check_transition,
)

S = TaskStatus
ALLOWED = {
    (S.PENDING, S.RUNNING), (S.PENDING, S.PAUSED), (S.PENDING, S.CANCELLED), (S.PENDING, S.FAILED),
    (S.RUNNING, S.COMPLETED), (S.RUNNING, S.FAILED), (S.RUNNING, S.PAUSED), (S.RUNNING, S.CANCELLED),
    (S.RUNNING, S.PENDING),
    (S.PAUSED, S.PENDING), (S.PAUSED, S.CANCELLED), (S.PAUSED, S.FAILED),
    (S.FAILED, S.PENDING), (S.CANCELLED, S.PENDING),
}
PAIRS = list(itertools.product(S, S))


def test_values_are_the_persisted_strings():
    assert [s.value for s in S] == ["pending", "running", "completed", "failed", "paused", "cancelled"]
    assert S("paused") is S.PAUSED


def test_table_covers_every_status():
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_transition_is_allowed_exactly_when_listed(current, target):
    if (current, target) in ALLOWED:
        assert can_transition(current, target)
        assert check_transition(current, target) is target
    else:
        assert not can_transition(current, target)
        with pytest.raises(InvalidTransitionError) as raised:
            check_transition(current, target)
        assert raised.value.current == current.value and raised.value.target == target.value
        assert f"cannot go from {current.value} to {target.value}" in str(raised.value)


def test_completed_is_final_and_says_so():
    with pytest.raises(InvalidTransitionError, match="nothing \\(it is final\\)"):
        check_transition(S.COMPLETED, S.PENDING)


def test_finished_statuses():
    assert {S.COMPLETED, S.FAILED, S.CANCELLED} == FINISHED
    assert [s for s in S if s.is_finished] == [S.COMPLETED, S.FAILED, S.CANCELLED]


@pytest.mark.parametrize(("status", "stop", "expected"), [
    (S.PENDING, None, {"pause", "cancel", "remove"}),
    (S.RUNNING, None, {"pause", "cancel", "remove"}),
    (S.RUNNING, "pause", {"resume", "cancel", "remove"}),
    (S.RUNNING, "cancel", {"remove"}),
    (S.PAUSED, None, {"resume", "cancel", "remove"}),
    (S.FAILED, None, {"retry", "remove"}),
    (S.CANCELLED, None, {"retry", "remove"}),
    (S.COMPLETED, None, {"remove"}),
])
def test_allowed_actions_by_status(status, stop, expected):
    assert allowed_actions(status, stop) == expected


def test_refused_action_says_what_is_possible():
    with pytest.raises(InvalidTransitionError, match="cannot pause a task that is completed; it can: remove"):
        check_action("pause", S.COMPLETED)
