"""A PDF task survives a crash after any single write, to either store: it completes with output
identical to an uninterrupted run, never with a short result, and leaves no blob behind once removed."""

import pytest

from dataflow.core.blob_sweep import file_born, stamped_id
from dataflow.core.blobs import file_key
from dataflow.executors.pdf.errors import PdfWorkerError
from dataflow.executors.pdf.executor import PdfExecutor, pdf_task_input
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.service import PdfService
from dataflow.executors.pdf.store import pdf_blob_claims
from tests import pdfs
from tests.local_pdf import LocalPdfClient, SinglePool
from tests.unit.crash_harness import KindFixture, Stop, assert_every_crash_completes_identically, crash_points, scenario


class ChunkClient(LocalPdfClient):
    """The in-process service where each chunk takes a second of the manual clock, as a worker call
    takes real time (so chunks, checkpoints and progress writes interleave as in the app)."""

    def __init__(self, service, clock, flaky: list[bool]):
        super().__init__(service)
        self.clock, self.flaky = clock, flaky

    async def process(self, task_id, start, end, budget=None):
        await self.clock.sleep(1)
        if start >= 2 and self.flaky:  # the worker fails once, mid-document: the retry reuses the parts
            self.flaky.pop()
            raise PdfWorkerError("the worker crashed")
        return await super().process(task_id, start, end, budget)


def pdf_kind(document: bytes, options: PdfOptions, *, flaky: bool = False) -> KindFixture:
    """The PDF kind for the crash harness; `flaky`: the worker fails once mid-document (the fixture's
    life, not one tab's), so an automatic retry is part of the run."""
    failures = [True] if flaky else []

    def make_executor(blobs, clock):
        return PdfExecutor(SinglePool(ChunkClient(PdfService(blobs), clock, failures)), target_chunk_seconds=0.5,
                           max_chunk_pages=2)

    async def add(orchestrator, blobs, now):  # as the app's intake: the file first, then its task
        file_id = stamped_id(now)
        await blobs.put(file_key(file_id), document, "application/pdf")
        return orchestrator.execute_task("doc.pdf", "pdf", pdf_task_input(file_id, "doc.pdf", len(document), options))

    def output(task, stored):
        summary = {key: value for key, value in task.result.items() if key != "result_key"}
        return stored[task.result["result_key"]], summary

    return KindFixture("pdf", make_executor, add, pdf_blob_claims, file_born, output)


IMAGES, TEXT = pdfs.images_pdf(), pdfs.text_pdf(5)  # made once: fpdf2 stamps the creation time
KINDS = {
    "images, complete zip": lambda: pdf_kind(IMAGES, PdfOptions()),
    "text, 5 pages, json": lambda: pdf_kind(TEXT, PdfOptions(mode="text", format="json")),
    "text, worker fails once, retried": lambda: pdf_kind(TEXT, PdfOptions(mode="text"), flaky=True),
}


@pytest.mark.parametrize("name", KINDS)
async def test_a_crash_after_any_write_still_completes_with_identical_output_and_no_leftovers(name):
    clean, crashed = await crash_points(KINDS[name])
    print(f"{name}: {len(crashed)} crash points")
    assert_every_crash_completes_identically(clean, crashed, min_points=15)


async def test_a_task_cancelled_mid_way_then_retried_survives_any_crash_with_the_same_output():
    reference = await scenario(KINDS["text, 5 pages, json"]())  # no cancel, no crash
    clean, crashed = await crash_points(KINDS["text, 5 pages, json"], stop=Stop("cancel", at=30))
    print(f"cancel then retry: {len(crashed)} crash points")
    assert clean.outputs == reference.outputs
    for point, outcome in enumerate(crashed, start=1):
        where = f"crash point {point}: {outcome.crash}"
        assert outcome.outputs and all(output == reference.outputs[0] for output in outcome.outputs), where
        assert outcome.retries_by_hand == 0, where
        assert outcome.leftover_blobs == [] and outcome.leftover_records == [], where


async def test_a_task_removed_while_running_leaves_nothing_whatever_the_crash():
    clean, crashed = await crash_points(KINDS["images, complete zip"], stop=Stop("remove", at=30))
    print(f"remove while running: {len(crashed)} crash points")
    assert clean.outputs == [] and clean.leftover_blobs == [] and clean.leftover_records == []
    for point, outcome in enumerate(crashed, start=1):
        where = f"crash point {point}: {outcome.crash}"
        assert outcome.leftover_blobs == [] and outcome.leftover_records == [], where
