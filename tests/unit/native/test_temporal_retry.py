"""Our RetryPolicy maps onto Temporal's field by field; our non-retryable errors are listed."""

from datetime import timedelta

from dataflow.core import errors as core_errors
from dataflow.core.errors import NonRetryableError
from dataflow.core.retry import RetryPolicy
from dataflow.executors.pdf import errors as pdf_errors
from dataflow.native.temporal_retry import NON_RETRYABLE_TYPES, to_temporal


def test_fields_keep_their_names_and_values():
    ours = RetryPolicy(initial_interval=1.5, backoff_coefficient=3.0, maximum_interval=20.0, maximum_attempts=5,
                       non_retryable_error_types=("KeyError",))
    theirs = to_temporal(ours)
    assert theirs.initial_interval == timedelta(seconds=1.5) and theirs.backoff_coefficient == 3.0
    assert theirs.maximum_interval == timedelta(seconds=20) and theirs.maximum_attempts == 5
    assert theirs.non_retryable_error_types[0] == "KeyError"
    assert to_temporal(ours.to_dict()) == theirs


def test_every_non_retryable_error_of_ours_is_non_retryable_on_temporal():
    classes = [value for module in (core_errors, pdf_errors) for value in vars(module).values()
               if isinstance(value, type) and issubclass(value, NonRetryableError)]
    assert {cls.__name__ for cls in classes} == set(NON_RETRYABLE_TYPES)
    assert set(NON_RETRYABLE_TYPES) <= set(to_temporal(None).non_retryable_error_types)
