"""The result files: every source record unchanged plus its enrichment under one key (JSONL or a
JSON array), and a Markdown summary. Deterministic: the same outcomes give the same bytes, so a
resumed run's output equals an uninterrupted one's. Standard library only.

Under the key: the model's JSON object; `_error` (and no answer) for a record that failed;
`_truncated: {"sent_chars", "original_chars"}` when its text was cut.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dataflow.executors.llm.store import Outcome
from dataflow.executors.llm.usage import Usage, total

TOP_KEYWORDS = 20
LISTED_FAILURES = 100
MIME = {"jsonl": "application/jsonl", "json": "application/json"}  # by LlmOptions.output_format
ERROR, TRUNCATED = "_error", "_truncated"  # the fields under the output key that are ours, not the model's


def record_name(index: int) -> str:
    """A record as messages and the summary name it, numbered from 1 with its index (from 0) in the
    file's array or lines: "#6 (index 5)"."""
    return f"#{index + 1} (index {index})"


def enriched(record: dict[str, Any], outcome: Outcome, key: str) -> dict[str, Any]:
    """`record` with `outcome` under `key` (the record itself is not changed)."""
    value: dict[str, Any] = dict(outcome.answer) if outcome.answer is not None else {ERROR: outcome.error}
    if outcome.truncated:
        value[TRUNCATED] = {"sent_chars": outcome.sent_chars, "original_chars": outcome.original_chars}
    return {**record, key: value}


def records_file(records: Sequence[dict[str, Any]], outcomes: Sequence[Outcome], *, key: str, fmt: str) -> str:
    """The output file: one JSON object per line (`jsonl`) or an indented JSON array (`json`)."""
    rows = [enriched(record, outcome, key) for record, outcome in zip(records, outcomes, strict=True)]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


@dataclass(frozen=True)
class Totals:
    records: int
    enriched: int
    failed: int
    truncated: int
    usage: Usage

    def to_dict(self) -> dict[str, Any]:
        return {"records": self.records, "enriched": self.enriched, "failed": self.failed,
                "truncated": self.truncated, **self.usage.to_dict()}


def totals(outcomes: Sequence[Outcome]) -> Totals:
    """Counts and summed usage of a task's outcomes."""
    failed = sum(1 for outcome in outcomes if outcome.answer is None)
    return Totals(len(outcomes), len(outcomes) - failed, failed, sum(1 for outcome in outcomes if outcome.truncated),
                  total(outcome.usage for outcome in outcomes))


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def summary_markdown(outcomes: Sequence[Outcome], *, name: str, model: str, price_in: float,
                     price_out: float, kept: int = 0) -> str:
    """The Markdown summary: counts, most frequent keywords, sentiment distribution (for answers that
    have them), model, tokens and estimated cost, and the records that failed with their reasons.
    `kept`: answers taken from an earlier run's result (not sent; their tokens are not counted)."""
    sums = totals(outcomes)
    lines = [f"# Enrichment of {_cell(name)}", "", f"- Model: `{_cell(model)}`",
             f"- Records: {sums.records} ({sums.enriched} enriched, {sums.failed} failed, "
             f"{sums.truncated} cut to the length limit)"]
    if kept:
        lines.append(f"- Answers kept from the earlier run: {kept:,} (not sent again; their tokens are counted "
                     "in that run's summary)")
    lines += [f"- Requests: {sums.usage.requests}; tokens in: {sums.usage.prompt_tokens:,}, "
              f"out: {sums.usage.completion_tokens:,}"]
    if price_in or price_out:
        lines.append(f"- Estimated cost: {sums.usage.cost(price_in, price_out):.4f}")
    lines += _keywords(outcomes) + _sentiments(outcomes) + _failures(outcomes)
    return "\n".join(lines) + "\n"


def _keywords(outcomes: Sequence[Outcome]) -> list[str]:
    counts: Counter[str] = Counter()
    for outcome in outcomes:
        keywords = (outcome.answer or {}).get("keywords")
        if isinstance(keywords, list):
            counts.update({str(word).strip().lower() for word in keywords if str(word).strip()})
    if not counts:
        return []
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP_KEYWORDS]
    return ["", "## Most frequent keywords", "", "| keyword | records |", "|---|---|",
            *(f"| {_cell(word)} | {count} |" for word, count in ranked)]


def _sentiments(outcomes: Sequence[Outcome]) -> list[str]:
    counts = Counter(str((outcome.answer or {}).get("sentiment")) for outcome in outcomes
                     if outcome.answer is not None and "sentiment" in outcome.answer)
    if not counts:
        return []
    return ["", "## Sentiment", "", "| sentiment | records |", "|---|---|",
            *(f"| {_cell(label)} | {counts[label]} |" for label in sorted(counts))]


def _failures(outcomes: Sequence[Outcome]) -> list[str]:
    failed = [outcome for outcome in outcomes if outcome.answer is None]
    if not failed:
        return []
    lines = ["", "## Records that failed", "", "Records are numbered from 1; their index in the file counts from 0.",
             "", "| record | reason |", "|---|---|"]
    lines += [f"| {record_name(outcome.index)} | {_cell(outcome.error)} |" for outcome in failed[:LISTED_FAILURES]]
    if len(failed) > LISTED_FAILURES:
        lines.append(f"\n…and {len(failed) - LISTED_FAILURES} more.")
    return lines
