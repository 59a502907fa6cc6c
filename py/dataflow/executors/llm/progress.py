"""How far an enrichment got, as its row says it: the bar and the running line (records settled of
the total, how many of them failed, requests in flight, tokens, cost), the checkpoint that carries
the counts, and the line of a cancelled row (or of one waiting for its key) read back from that
checkpoint. Executors ring, pure.

The bar measures records *settled*: answered, or failed for good after their tries. A failed record
is work done (its tries took as long as an answer), so the bar and the time left it gives move at
the pace of the work, and a task whose records fail does not sit at 0 % looking stuck; the line
says how many failed as they fail ("12 of 30 records · 3 failed"), so the bar never hides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataflow.executors.llm.usage import Usage

FINISH_SHARE = 99.0  # the last 1 % of the bar is writing the result


@dataclass(frozen=True)
class Counts:
    """Records `done` (settled: answered or failed for good), of them `failed`, of `total`."""

    done: int
    failed: int
    total: int

    @property
    def percent(self) -> float:
        """The bar, 0 to FINISH_SHARE: the share of the records settled (FINISH_SHARE for none to send)."""
        return FINISH_SHARE * self.done / self.total if self.total else FINISH_SHARE

    def text(self) -> str:
        """ "12 of 30 records", then " · 3 failed" once any failed."""
        noun = "record" if self.total == 1 else "records"
        failed = f" · {self.failed:,} failed" if self.failed else ""
        return f"{self.done:,} of {self.total:,} {noun}{failed}"

    def to_checkpoint(self) -> dict[str, int]:
        return {"done": self.done, "failed": self.failed, "total": self.total}

    @classmethod
    def from_checkpoint(cls, data: Any) -> Counts | None:
        """The counts of a task's checkpoint, or None when it holds none (a task cancelled before
        its first record, or a checkpoint of another shape). `failed` is 0 when missing (saved by a
        version that did not count it)."""
        if not isinstance(data, dict):
            return None
        try:
            done, total, failed = int(data["done"]), int(data["total"]), int(data.get("failed") or 0)
        except (KeyError, TypeError, ValueError):
            return None
        return cls(done, failed, total) if 0 <= failed <= done <= total else None


def running_text(counts: Counts, in_flight: int, usage: Usage, *, price_in: float, price_out: float) -> str:
    """The running row's line: "12 of 30 records · 3 failed · 4 in flight · tokens in 1,234, out 567",
    then " · cost ≈ 0.0012" when a price is set (prices per million tokens)."""
    priced = ""
    if price_in or price_out:
        priced = f" · cost ≈ {usage.cost(price_in, price_out):.4f}"
    return (f"{counts.text()} · {in_flight} in flight · tokens in {usage.prompt_tokens:,}, "
            f"out {usage.completion_tokens:,}{priced}")


def cancelled_text(checkpoint: Any, stopped: str = "Cancelled") -> str:
    """A stopped row's line, from its task's checkpoint: "Cancelled after 12 of 30 records · 3 failed"
    (`stopped` names how it stopped: "Stopped" for a row waiting for its key); "" when the checkpoint
    holds no counts (nothing was sent)."""
    counts = Counts.from_checkpoint(checkpoint)
    return f"{stopped} after {counts.text()}" if counts is not None else ""
