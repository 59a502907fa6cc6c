"""PDF errors cross the worker boundary as data and come back as the same classes."""

import pytest

from dataflow.core.errors import NonRetryableError, WorkerError, WorkerRejectedError
from dataflow.core.wire import ErrorRegistry, error_data
from dataflow.executors.pdf.errors import PDF_ERRORS, PasswordRequiredError

REGISTRY = ErrorRegistry(*PDF_ERRORS)


@pytest.mark.parametrize("cls", PDF_ERRORS, ids=lambda cls: cls.__name__)
def test_pdf_errors_round_trip_with_their_class_and_message(cls):
    error = REGISTRY.from_data(error_data(cls("what happened")))
    assert type(error) is cls and str(error) == "what happened"


def test_retryable_flag_follows_the_class():
    assert error_data(PasswordRequiredError("x"))["retryable"] is False
    assert error_data(RuntimeError("x"))["retryable"] is True


def test_unknown_errors_become_worker_errors_that_keep_their_type_name():
    error = REGISTRY.from_data({"type": "MemoryError", "message": "out of memory", "retryable": True})
    assert isinstance(error, WorkerError) and not isinstance(error, NonRetryableError)
    assert str(error) == "MemoryError: out of memory"
    permanent = REGISTRY.from_data({"type": "Odd", "message": "no", "retryable": False})
    assert isinstance(permanent, WorkerRejectedError) and isinstance(permanent, NonRetryableError)
