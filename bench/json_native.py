"""JSON executor benchmark under native CPython: MB/s of each operation through JsonService (the
code the worker runs) on a generated file, and the peak memory of each beyond the stored input.

Run: `.venv/bin/python bench/json_native.py [--mb 50]`. Prints a markdown table. The browser
comparison (the same operations through the app) belongs to `make bench` once the JSON page is
wired. Memory is measured in a second run under tracemalloc, which slows Python down.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))

from dataflow.core.blobs import MemoryBlobStore, file_key  # noqa: E402
from dataflow.executors.json.service import JsonService  # noqa: E402
from dataflow.executors.json.zstd import available  # noqa: E402

MB = 1024 * 1024
STEP = 4 * MB  # about what the executor settles on for half a second of work
WORDS = ("ticket customer printer error login invoice refund shipping delay update account password reset "
         "network timeout screen battery order replacement warranty").split()


def record(index: int, rng: random.Random) -> dict:
    """A support-ticket export record: ids, dates, an e-mail, free text with some personal data."""
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60)))
    if index % 7 == 0:
        text += f" call me at +33 6 12 34 {index % 100:02d} 78"
    if index % 11 == 0:
        text += f" from 10.0.{index % 256}.{(index // 256) % 256}"
    return {"id": index, "ticket": f"T-{index:08d}", "created": f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d}",
            "requester": {"name": f"Customer {index}", "email": f"customer{index}@example.com"},
            "status": rng.choice(["open", "closed", "pending"]), "priority": rng.randint(1, 4),
            "tags": rng.sample(WORDS, rng.randint(0, 4)), "body": text,
            "messages": [{"role": "user", "content": text[:80]}, {"role": "assistant", "content": "Thanks."}]}


def corpus(megabytes: float) -> bytes:
    rng, lines, size, index = random.Random(7), [], 0, 0
    while size < megabytes * MB:
        line = json.dumps(record(index, rng)) + "\n"
        lines.append(line)
        size += len(line)
        index += 1
    return "".join(lines).encode()


OPERATIONS = [("inspect", {"operation": "inspect"}), ("inspect + chat check", {"operation": "inspect",
                                                                               "chat_check": True}),
              ("clean", {"operation": "clean"}), ("convert to array", {"operation": "convert"}),
              ("convert + dedupe", {"operation": "convert", "dedupe": True}),
              ("split (500)", {"operation": "split"}), ("compress (level 3)", {"operation": "compress", "level": 3}),
              ("compress (level 19)", {"operation": "compress", "level": 19})]


async def run(data: bytes, name: str, options: dict, *, trace: bool) -> tuple[float, int, int]:
    store = MemoryBlobStore()
    await store.put(file_key("f"), data)
    service = JsonService(store)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    await service.open("t", "f", options, source=name)
    position = {"step": 0, "offset": None, "index": 0}
    while True:
        outcome = await service.process("t", position, STEP)
        position = {key: outcome[key] for key in ("step", "offset", "index")}
        if outcome["done"]:
            break
    result = await service.finish("t")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    return elapsed, peak, result["size"]


async def main(megabytes: float, memory: bool) -> None:
    data = corpus(megabytes)
    records = data.count(b"\n")
    print(f"JSON executor, CPython {sys.version.split()[0]}, {len(data) / MB:.1f} MB JSONL "
          f"({records:,} records), steps of {STEP // MB} MB\n")
    print("| operation | seconds | MB/s | output MB | peak memory beyond the input (MB) |\n|---|---|---|---|---|")
    started = time.perf_counter()
    for line in data.splitlines():
        json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))
    baseline = time.perf_counter() - started
    print(f"| baseline: json.loads + json.dumps per line, no service | {baseline:.2f} | "
          f"{len(data) / MB / baseline:.1f} | – | – |")
    inputs = [("data.jsonl", data)]
    if available() is not None:
        inputs.append(("data.jsonl.zst", available().compress(data, 3)))
    for op_name, options in OPERATIONS:
        elapsed, _, size = await run(data, "data.jsonl", options, trace=False)
        peak = (await run(data, "data.jsonl", options, trace=True))[1] if memory else 0
        shown = f"{peak / MB:.0f}" if memory else "–"
        print(f"| {op_name} | {elapsed:.2f} | {len(data) / MB / elapsed:.1f} | {size / MB:.1f} | {shown} |")
    if len(inputs) > 1:
        elapsed, _, _ = await run(inputs[1][1], "data.jsonl.zst", {"operation": "decompress"}, trace=False)
        peak = (await run(inputs[1][1], "data.jsonl.zst", {"operation": "decompress"}, trace=True))[1] if memory else 0
        shown = f"{peak / MB:.0f}" if memory else "–"
        print(f"| decompress (.zst → {len(data) / MB:.0f} MB) | {elapsed:.2f} | {len(data) / MB / elapsed:.1f} | "
              f"{len(data) / MB:.1f} | {shown} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=50.0, help="size of the generated JSONL file")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.mb, not arguments.no_memory))
