"""Orchestrator core benchmark (CPython): throughput of no-op tasks and the cost of progress updates.

Run: `make bench-core` (or `.venv/bin/python bench/core_bench.py`). Prints a markdown table; each
figure is the median of several runs, with min and max.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "py"), str(ROOT)]

from bench.tables import publish, summary  # noqa: E402
from dataflow.core import MemoryStorage, Orchestrator, SystemClock  # noqa: E402


async def noop(value, ctx):
    return None


async def run_noop_tasks(count: int) -> dict[str, float]:
    storage = MemoryStorage()
    orchestrator = Orchestrator(storage=storage, clock=SystemClock(), history_limit=count)
    orchestrator.register("noop", noop)
    orchestrator.start()
    started = time.perf_counter()
    for index in range(count):
        orchestrator.execute_task(f"noop {index}", "noop")
    await orchestrator.wait_idle()
    elapsed = time.perf_counter() - started
    await orchestrator.close()
    return {"seconds": elapsed, "rate": count / elapsed, "writes": storage.writes}


async def run_progress_updates(count: int) -> dict[str, float]:
    storage = MemoryStorage()
    orchestrator = Orchestrator(storage=storage, clock=SystemClock())

    async def chatty(value, ctx):
        for index in range(count):
            ctx.report_progress(100 * index / count)
            await asyncio.sleep(0)  # yield as a real executor does, so the coalescing timer can fire
        return None

    orchestrator.register("chatty", chatty)
    orchestrator.start()
    orchestrator.execute_task("chatty", "chatty")
    writes_before = storage.writes
    started = time.perf_counter()
    await orchestrator.wait_idle()
    elapsed = time.perf_counter() - started
    await orchestrator.close()
    return {"seconds": elapsed, "per_update_us": elapsed / count * 1e6, "writes": storage.writes - writes_before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--updates", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    args = parser.parse_args()
    noop_runs, progress_runs = [], []
    for _ in range(args.runs):  # interleave the two measurements
        noop_runs.append(asyncio.run(run_noop_tasks(args.tasks)))
        progress_runs.append(asyncio.run(run_progress_updates(args.updates)))
    rows = [
        ("no-op tasks per second", f"{args.tasks:,} tasks", summary([r["rate"] for r in noop_runs], "{:,.0f}")),
        ("storage writes for those tasks", f"{args.tasks:,} tasks",
         summary([r["writes"] for r in noop_runs], "{:,.0f}")),
        ("cost of one progress update (µs)", f"{args.updates:,} updates",
         summary([r["per_update_us"] for r in progress_runs], "{:.2f}")),
        ("total for the progress updates (s)", f"{args.updates:,} updates",
         summary([r["seconds"] for r in progress_runs], "{:.3f}")),
        ("storage writes for those updates", f"{args.updates:,} updates",
         summary([r["writes"] for r in progress_runs], "{:,.0f}")),
    ]
    publish(f"Orchestrator core, CPython {sys.version.split()[0]}, median of {args.runs} (min–max)",
            ("measure", "workload", "result"), rows, args.out)


if __name__ == "__main__":
    main()
