"""An LLM task survives a crash after any single write, to either store: it completes with output
identical to an uninterrupted run, sends each finished record only once more at most while in
flight, and leaves no blob behind once removed. In-memory provider on the harness's manual clock."""

import json

from dataflow.core.blob_sweep import file_born
from dataflow.executors.llm.executor import LlmExecutor
from dataflow.executors.llm.kind import LlmKind
from dataflow.executors.llm.limiter import Limiters
from dataflow.executors.llm.transport import HttpResponse
from tests.llm_server import answer_for
from tests.unit.crash_harness import KindFixture, Stop, crash_points, scenario
from tests.unit.llm.conftest import ListSource, make_records

RECORDS = make_records(6)


class Provider:
    """Answers like the test server, each after a second of the manual clock; counts per text."""

    def __init__(self, clock, sent):
        self.clock, self.sent = clock, sent

    async def post(self, url, headers, body):
        text = json.loads(body)["messages"][1]["content"]
        self.sent.append(text)
        await self.clock.sleep(1)
        content = json.dumps(answer_for(text), sort_keys=True)
        return HttpResponse(200, json.dumps({"choices": [{"message": {"content": content}}],
                                             "usage": {"prompt_tokens": 9, "completion_tokens": 4}}).encode())


def llm_kind(sent: list) -> KindFixture:
    def make_executor(blobs, clock):
        return LlmExecutor(transport=Provider(clock, sent), source=ListSource(), blobs=blobs, clock=clock,
                           limiters=Limiters(clock), rng=lambda: 0.5)

    async def add(orchestrator, blobs, now):
        options = {"base_url": "https://api.example.com/v1", "model": "m", "needs_key": False,
                   "text_path": "fields.description", "concurrency": 2}
        return orchestrator.execute_task("records.jsonl", "llm",
                                         {"name": "records.jsonl", "records": RECORDS, "options": options})

    def output(task, stored):
        summary = {key: value for key, value in task.result.items() if not key.endswith("_key")}
        return stored[task.result["result_key"]], stored[task.result["summary_key"]], summary

    return KindFixture("llm", make_executor, add, LlmKind().blob_claims, file_born, output)


async def test_a_crash_after_any_write_completes_with_identical_output_and_no_leftovers():
    runs: list[list] = []

    def fixture():
        runs.append([])
        return llm_kind(runs[-1])

    clean, crashed = await crash_points(fixture)
    assert len(clean.outputs) == 1 and clean.crash is None and len(runs[0]) == 6
    assert len(crashed) == len(clean.writes) >= 15
    for point, (outcome, sent) in enumerate(zip(crashed, runs[1:], strict=True), start=1):
        where = f"crash point {point}: {outcome.crash}"
        assert outcome.sessions == 2 and outcome.retries_by_hand == 0, where
        assert outcome.outputs and all(output == clean.outputs[0] for output in outcome.outputs), where
        assert outcome.leftover_blobs == [] and outcome.leftover_records == [], where
        repeated = len(sent) - len(set(sent))
        assert repeated <= 2, f"{where}: {repeated} records sent twice (at most the 2 in flight)"


async def test_a_task_cancelled_mid_way_then_retried_survives_any_crash_with_the_same_output():
    reference = await scenario(llm_kind([]))
    clean, crashed = await crash_points(lambda: llm_kind([]), stop=Stop("cancel", at=40))
    assert clean.outputs == reference.outputs and len(crashed) >= 15
    for point, outcome in enumerate(crashed, start=1):
        where = f"crash point {point}: {outcome.crash}"
        assert outcome.outputs and all(output == reference.outputs[0] for output in outcome.outputs), where
        assert outcome.retries_by_hand == 0, where
        assert outcome.leftover_blobs == [] and outcome.leftover_records == [], where


async def test_a_task_removed_while_running_leaves_nothing_whatever_the_crash():
    clean, crashed = await crash_points(lambda: llm_kind([]), stop=Stop("remove", at=40))
    assert clean.outputs == [] and clean.leftover_blobs == [] and clean.leftover_records == []
    for point, outcome in enumerate(crashed, start=1):
        where = f"crash point {point}: {outcome.crash}"
        assert outcome.leftover_blobs == [] and outcome.leftover_records == [], where
