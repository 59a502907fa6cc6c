"""JSON errors cross the worker boundary as the core's ErrorData and come back as the same class."""

from dataflow.core.errors import NonRetryableError, WorkerError, WorkerRejectedError
from dataflow.core.wire import ErrorRegistry, error_data, error_reply
from dataflow.executors.json.errors import (
    JSON_ERRORS,
    InvalidJsonError,
    JsonInputError,
    JsonWorkerError,
    MissingPartsError,
    TooDeepError,
)


def test_every_json_error_round_trips_with_its_message_through_the_kinds_registry():
    registry = ErrorRegistry(*JSON_ERRORS)
    for cls in JSON_ERRORS:
        back = registry.from_data(error_data(cls("message of " + cls.__name__)))
        assert type(back) is cls and str(back) == "message of " + cls.__name__


def test_errors_about_the_file_are_not_retryable_and_worker_failures_are():
    assert error_data(TooDeepError("x"))["retryable"] is False
    assert isinstance(TooDeepError("x"), InvalidJsonError) and issubclass(JsonInputError, NonRetryableError)
    assert error_data(JsonWorkerError("x"))["retryable"] is True and issubclass(JsonWorkerError, WorkerError)
    assert error_data(MissingPartsError("x"))["retryable"] is True


def test_an_unknown_error_keeps_its_retryability_and_type_name():
    registry = ErrorRegistry(*JSON_ERRORS)
    assert isinstance(registry.from_data({"type": "Weird", "message": "m", "retryable": False}), WorkerRejectedError)
    try:
        registry.read_reply(error_reply(MemoryError("m")))
    except WorkerError as error:
        assert str(error) == "MemoryError: m"
    else:
        raise AssertionError("the reply's error was not raised")
