"""A JSON task survives a crash after any single write, to either store: it completes with output
(data and report) identical to an uninterrupted run, never with a short result, and leaves no blob
behind once removed. The JSON kind in the crash-injection harness (tests/unit/crash_harness.py)."""

import json

import pytest

from dataflow.core.blob_sweep import file_born, stamped_id
from dataflow.core.blobs import file_key
from dataflow.executors.json import zstd
from dataflow.executors.json.errors import JsonWorkerError
from dataflow.executors.json.executor import JsonExecutor, LocalJsonClient, json_task_input
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.json.service import JsonService
from dataflow.executors.json.store import json_blob_claims
from tests.local_pdf import SinglePool
from tests.unit.crash_harness import KindFixture, Stop, assert_every_crash_completes_identically, crash_points, scenario
from tests.unit.json.conftest import as_array, as_jsonl, make_records


class StepClient(LocalJsonClient):
    """The in-process service where each step takes a second of the manual clock, as a worker call
    takes real time (so steps, checkpoints and progress writes interleave as in the app)."""

    def __init__(self, service, clock, flaky: list[bool]):
        super().__init__(service)
        self.clock, self.flaky = clock, flaky

    async def process(self, task_id, position, budget):
        await self.clock.sleep(1)
        if int(position["step"]) >= 2 and self.flaky:  # the worker fails once mid-file: the retry reuses the steps
            self.flaky.pop()
            raise JsonWorkerError("the worker crashed")
        return await super().process(task_id, position, budget)


def json_kind(data: bytes, name: str, options: JsonOptions, *, flaky: bool = False) -> KindFixture:
    failures = [True] if flaky else []

    def make_executor(blobs, clock):
        service = JsonService(blobs, monotonic=lambda: 0.0)  # timings in report.json: the same every run
        return JsonExecutor(SinglePool(StepClient(service, clock, failures)), min_step=400, max_step=400,
                            monotonic=clock.now)

    async def add(orchestrator, blobs, now):  # as the app's intake: the file first, then its task
        file_id = stamped_id(now)
        await blobs.put(file_key(file_id), data, "application/json")
        return orchestrator.execute_task(name, "json", json_task_input(file_id, name, len(data), options))

    def output(task, stored):
        summary = {key: value for key, value in task.result.items() if key not in ("result_key", "report_key")}
        return stored[task.result["result_key"]], json.loads(stored[task.result["report_key"]]), summary

    return KindFixture("json", make_executor, add, json_blob_claims, file_born, output)


ARRAY, LINES = as_array(make_records(12)), as_jsonl(make_records(12))
KINDS = {
    "convert array to jsonl": lambda: json_kind(ARRAY, "d.json", JsonOptions(operation="convert")),
    "clean jsonl": lambda: json_kind(LINES, "d.jsonl", JsonOptions(operation="clean")),
    "split into 5s": lambda: json_kind(ARRAY, "d.json", JsonOptions(operation="split", split_size=5)),
    "inspect, worker fails once": lambda: json_kind(LINES, "d.jsonl", JsonOptions(), flaky=True),
}
if zstd.available() is not None:
    KINDS["compress"] = lambda: json_kind(LINES, "d.jsonl", JsonOptions(operation="compress", level=3))


@pytest.mark.parametrize("name", KINDS)
async def test_a_crash_after_any_write_still_completes_with_identical_output_and_no_leftovers(name):
    clean, crashed = await crash_points(KINDS[name])
    print(f"{name}: {len(crashed)} crash points")
    assert_every_crash_completes_identically(clean, crashed, min_points=10)


@pytest.mark.parametrize("action", ["cancel", "remove"])
async def test_a_task_stopped_by_hand_mid_way_survives_any_crash(action):
    reference = await scenario(KINDS["convert array to jsonl"]())
    clean, crashed = await crash_points(KINDS["convert array to jsonl"], stop=Stop(action, at=30))
    expected = [] if action == "remove" else reference.outputs
    for outcome in [clean, *crashed]:
        where = f"crash: {outcome.crash}"
        assert outcome.outputs == expected, where
        assert outcome.leftover_blobs == [] and outcome.leftover_records == [], where
