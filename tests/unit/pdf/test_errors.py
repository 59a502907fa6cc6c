"""PDF errors cross the worker boundary as data and come back as the same classes."""

import pytest

from dataflow.core.errors import NonRetryableError
from dataflow.executors.pdf.errors import (
    KNOWN_ERRORS,
    PasswordRequiredError,
    PdfError,
    PdfWorkerError,
    error_from_dict,
    error_to_dict,
)


@pytest.mark.parametrize("cls", list(KNOWN_ERRORS.values()), ids=list(KNOWN_ERRORS))
def test_known_errors_round_trip_with_their_class_and_message(cls):
    error = error_from_dict(error_to_dict(cls("what happened")))
    assert type(error) is cls and str(error) == "what happened"


def test_retryable_flag_follows_the_class():
    assert error_to_dict(PasswordRequiredError("x"))["retryable"] is False
    assert error_to_dict(RuntimeError("x"))["retryable"] is True


def test_unknown_errors_become_worker_errors_that_keep_their_type_name():
    error = error_from_dict({"type": "MemoryError", "message": "out of memory", "retryable": True})
    assert isinstance(error, PdfWorkerError) and not isinstance(error, NonRetryableError)
    assert str(error) == "MemoryError: out of memory"
    permanent = error_from_dict({"type": "Odd", "message": "no", "retryable": False})
    assert isinstance(permanent, PdfError)
