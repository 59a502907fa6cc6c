"""An earlier enrichment's result read back, for a task that sends only the records that failed
(`LlmOptions.retry_failed`): each record without its output key (as it was before), and the answer
it already holds as a kept `Outcome` (None where it failed or has none, so it is sent again).

The inverse of output.enriched: a kept answer written again gives the same bytes, so the merged
file equals a full run's. Kept outcomes carry no usage: their tokens were paid by the earlier task.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dataflow.core.errors import NonRetryableError
from dataflow.executors.llm.output import ERROR, TRUNCATED, record_name
from dataflow.executors.llm.store import Outcome


def kept_outcome(index: int, value: dict[str, Any]) -> Outcome | None:
    """The outcome an enriched record's `value` (what it holds under the output key) keeps: its
    answer and whether its text was cut; None for a failure (`_error`), which is sent again."""
    if ERROR in value:
        return None
    answer = {name: item for name, item in value.items() if name != TRUNCATED}
    cut = value.get(TRUNCATED)
    if not isinstance(cut, dict):
        return Outcome(index, answer=answer)
    return Outcome(index, answer=answer, truncated=True, original_chars=int(cut.get("original_chars") or 0),
                   sent_chars=int(cut.get("sent_chars") or 0))


def split_earlier(records: Sequence[Any], key: str, *,
                  first: int = 0) -> tuple[list[dict[str, Any]], list[Outcome | None]]:
    """(the records without `key`, their kept outcomes) of enriched `records`, numbered from `first`.
    A record without `key` is sent. NonRetryableError for a record that is not an object, or whose
    `key` holds something other than an earlier answer or failure (an object)."""
    sources: list[dict[str, Any]] = []
    kept: list[Outcome | None] = []
    for index, record in enumerate(records, first):
        if not isinstance(record, dict):
            raise NonRetryableError(f"Record {record_name(index)} is not a JSON object (it is "
                                    f"{type(record).__name__}).")
        value = record.get(key)
        if key in record and not isinstance(value, dict):
            raise NonRetryableError(f"Record {record_name(index)} holds no earlier answer under {key!r} (it holds "
                                    f"{type(value).__name__}): is this the enriched file, with the same output key?")
        sources.append({name: item for name, item in record.items() if name != key})
        kept.append(kept_outcome(index, value) if isinstance(value, dict) else None)
    return sources, kept


def failed_count(result: Any) -> int:
    """How many records of a completed enrichment's `result` (the executor's dict) failed (0 when it
    says nothing)."""
    failed = result.get("failed") if isinstance(result, dict) else None
    return failed if isinstance(failed, int) and not isinstance(failed, bool) and failed > 0 else 0
