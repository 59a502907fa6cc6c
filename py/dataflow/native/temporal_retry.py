"""Our RetryPolicy as Temporal's: the same field names, seconds as timedeltas. Temporal has no
jitter setting (its server spaces retries itself), so `jitter` does not cross. Our non-retryable
errors also fail an activity at once: they are raised as non-retryable ApplicationErrors, and
their type names are listed in `non_retryable_error_types` as well. Native ring (temporalio).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy as TemporalRetryPolicy

from dataflow.core.retry import RetryPolicy

# The executors' errors that retrying cannot help, by type name (kept in step by a unit test).
NON_RETRYABLE_TYPES = (
    "CorruptPdfError", "EmptyFileError", "FileMissingError", "FileTooLargeError", "InputMissingError",
    "NonRetryableError", "NotAPdfError", "PageTimeoutError", "PasswordRequiredError", "PdfError",
    "PdfLimitError", "TooManyPagesError", "UnsupportedEncryptionError", "WrongPasswordError",
)


def to_temporal(policy: RetryPolicy | dict[str, Any] | None) -> TemporalRetryPolicy:
    """Temporal's RetryPolicy for ours (a RetryPolicy or its to_dict())."""
    if not isinstance(policy, RetryPolicy):
        policy = RetryPolicy.from_dict(policy)
    names = list(dict.fromkeys([*policy.non_retryable_error_types, *NON_RETRYABLE_TYPES]))
    return TemporalRetryPolicy(initial_interval=timedelta(seconds=policy.initial_interval),
                               backoff_coefficient=policy.backoff_coefficient,
                               maximum_interval=timedelta(seconds=policy.maximum_interval),
                               maximum_attempts=policy.maximum_attempts, non_retryable_error_types=names)
