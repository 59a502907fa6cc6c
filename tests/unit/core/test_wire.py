"""The call envelope: replies as JSON, errors as data raised again as their own classes."""

import json

import pytest

from dataflow.core.errors import (
    DataflowError,
    InputUnreadableError,
    NonRetryableError,
    RetryAfterError,
    StorageFullError,
    WorkerError,
    WorkerRejectedError,
)
from dataflow.core.wire import ErrorRegistry, error_data, error_reply, ok_reply


class KindError(NonRetryableError):
    pass


def test_a_value_comes_back_from_an_ok_reply():
    assert ErrorRegistry().read_reply(ok_reply({"pages": 3})) == {"pages": 3}


def test_registered_and_core_errors_come_back_as_their_own_class():
    registry = ErrorRegistry(KindError)
    with pytest.raises(KindError, match="bad input"):
        registry.read_reply(error_reply(KindError("bad input")))
    with pytest.raises(StorageFullError, match="full"):
        registry.read_reply(error_reply(StorageFullError("full")))
    with pytest.raises(InputUnreadableError, match="cannot be read"):
        registry.read_reply(error_reply(InputUnreadableError("/in/a.pdf cannot be read")))


def test_a_retry_after_time_crosses_the_boundary():
    raw = error_reply(RetryAfterError("429", not_before=1234.5))
    assert json.loads(raw)["error"]["not_before"] == 1234.5
    with pytest.raises(RetryAfterError) as caught:
        ErrorRegistry().read_reply(raw)
    assert caught.value.not_before == 1234.5


def test_unknown_classes_keep_their_name_and_their_retryable_flag():
    registry = ErrorRegistry()
    retryable = registry.from_data(error_data(KeyError("x")))
    assert isinstance(retryable, WorkerError) and str(retryable) == "KeyError: 'x'"
    permanent = registry.from_data(error_data(KindError("no")))
    assert isinstance(permanent, WorkerRejectedError) and str(permanent) == "KindError: no"


def test_the_traceback_travels_for_developers():
    assert error_data(ValueError("v"), "Traceback ...")["traceback"] == "Traceback ..."


def test_two_classes_of_one_name_are_refused():
    other = type("KindError", (DataflowError,), {})
    with pytest.raises(ValueError, match="two error classes are named KindError"):
        ErrorRegistry(KindError, other)


def test_a_reply_that_is_not_an_object_is_a_worker_error():
    with pytest.raises(WorkerError, match="not an object"):
        ErrorRegistry().read_reply("[1, 2]")


def test_an_error_raised_on_purpose_travels_without_a_traceback():
    assert "traceback" not in error_data(NonRetryableError("not a PDF"), "Traceback ...")
