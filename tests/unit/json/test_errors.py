"""JSON errors cross the worker boundary as dicts and come back as the same class."""

from dataflow.core.errors import NonRetryableError
from dataflow.executors.json.errors import (
    KNOWN_ERRORS,
    InvalidJsonError,
    JsonInputError,
    JsonWorkerError,
    TooDeepError,
    error_from_dict,
    error_to_dict,
)


def test_every_known_error_round_trips_with_its_message():
    for name, cls in KNOWN_ERRORS.items():
        back = error_from_dict(error_to_dict(cls("message of " + name)))
        assert type(back) is cls and str(back) == "message of " + name


def test_errors_about_the_file_are_not_retryable_and_worker_failures_are():
    assert error_to_dict(TooDeepError("x"))["retryable"] is False
    assert isinstance(TooDeepError("x"), InvalidJsonError) and issubclass(JsonInputError, NonRetryableError)
    assert error_to_dict(JsonWorkerError("x"))["retryable"] is True


def test_an_unknown_error_keeps_its_retryability_and_type_name():
    assert isinstance(error_from_dict({"type": "Weird", "message": "m", "retryable": False}), JsonInputError)
    back = error_from_dict({"type": "MemoryError", "message": "m"})
    assert isinstance(back, JsonWorkerError) and str(back) == "MemoryError: m"
