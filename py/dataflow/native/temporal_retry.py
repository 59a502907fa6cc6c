"""Our RetryPolicy as Temporal's: the same field names, seconds as timedeltas. Temporal has no
jitter setting (its server spaces retries itself) and no retry-after cap, so `jitter` and
`maximum_retry_after` do not cross. Our non-retryable
errors also fail an activity at once: they are raised as non-retryable ApplicationErrors, and
their type names are listed in `non_retryable_error_types` as well. Native ring (temporalio).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy as TemporalRetryPolicy

from dataflow.core.errors import FileNotSavedError, InputMissingError, NonRetryableError, UnsupportedFileError
from dataflow.core.retry import RetryPolicy
from dataflow.core.wire import ErrorRegistry
from dataflow.executors.pdf.errors import PDF_ERRORS

# The errors that retrying cannot help, by type name: read from the classes the core's wire
# registry and the PDF kind raise, so a new error class needs no second list here.
KNOWN_ERRORS: tuple[type[Exception], ...] = (NonRetryableError, InputMissingError, UnsupportedFileError,
                                             FileNotSavedError, *ErrorRegistry.CORE, *PDF_ERRORS)
NON_RETRYABLE_TYPES = tuple(sorted({cls.__name__ for cls in KNOWN_ERRORS if issubclass(cls, NonRetryableError)}))


def to_temporal(policy: RetryPolicy | dict[str, Any] | None) -> TemporalRetryPolicy:
    """Temporal's RetryPolicy for ours (a RetryPolicy or its to_dict())."""
    if not isinstance(policy, RetryPolicy):
        policy = RetryPolicy.from_dict(policy)
    names = list(dict.fromkeys([*policy.non_retryable_error_types, *NON_RETRYABLE_TYPES]))
    return TemporalRetryPolicy(initial_interval=timedelta(seconds=policy.initial_interval),
                               backoff_coefficient=policy.backoff_coefficient,
                               maximum_interval=timedelta(seconds=policy.maximum_interval),
                               maximum_attempts=policy.maximum_attempts, non_retryable_error_types=names)
