"""PdfExecutor under the real orchestrator: per-page progress, checkpoints, pause at chunk
boundaries, resume after a reload with identical output, passwords kept in memory only."""

import pytest

from dataflow.core import TaskStatus
from dataflow.core.blobs import parts_prefix
from dataflow.core.pool import Pool
from dataflow.executors.pdf.executor import PdfExecutor, pdf_task_input
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.service import PdfService
from tests import pdfs
from tests.local_pdf import LocalPdfClient, SinglePool
from tests.unit.orchestrated import add_file_task, run_until_done

S = TaskStatus


class TimedClient(LocalPdfClient):
    """The in-process service, where each chunk takes one second of the manual clock (as a worker
    call takes real time), and which counts the pages it processed."""

    def __init__(self, service, clock):
        super().__init__(service)
        self.clock = clock
        self.pages_processed: list[int] = []

    async def process(self, task_id, start, end, budget=None):
        await self.clock.sleep(1)
        outcome = await super().process(task_id, start, end, budget)
        self.pages_processed += list(range(start, outcome["next_page"]))
        return outcome


@pytest.fixture
def make_app(orchestrators, clock, blobs):
    """An orchestrator with a PDF executor over a fresh service (a new worker, as after a reload)."""

    def make(chunk_seconds: float = 0.5, max_chunk_pages: int = 2):
        client = TimedClient(PdfService(blobs), clock)
        executor = PdfExecutor(SinglePool(client), target_chunk_seconds=chunk_seconds,
                               max_chunk_pages=max_chunk_pages)
        return orchestrators("pdf", executor), executor, client

    return make


async def add_pdf(orchestrator, blobs, data: bytes, name="doc.pdf", **options):
    return await add_file_task(orchestrator, blobs, "pdf", data, name,
                               lambda file_id, name, size: pdf_task_input(file_id, name, size, PdfOptions(**options)))


async def test_a_task_that_finds_every_worker_busy_says_it_waits_for_one(make_app, clock, blobs):
    orchestrator, executor, client = make_app()
    executor.pool.idle = False  # as a pool whose workers are all busy, or whose next one boots
    task_id = await add_pdf(orchestrator, blobs, pdfs.text_pdf(2))
    seen = []
    orchestrator.subscribe(lambda e: seen.append(e.task.progress_message) if e.type == "progress" else None)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED and seen[0] == "Waiting for a free PDF worker…"


async def test_a_task_paused_while_it_waits_for_the_busy_worker_pauses_at_once_and_waits_again_on_resume(
        orchestrators, clock, blobs):
    executor = PdfExecutor(Pool([TimedClient(PdfService(blobs), clock)]), max_chunk_pages=1)
    orchestrator = orchestrators("pdf", executor)
    orchestrator.set_concurrency(2)
    busy = await add_pdf(orchestrator, blobs, pdfs.text_pdf(3), name="busy.pdf")
    waiting = await add_pdf(orchestrator, blobs, pdfs.text_pdf(1), name="waiting.pdf")
    await clock.advance(0)
    assert orchestrator.get_task_state(waiting).progress_message == "Waiting for a free PDF worker…"
    orchestrator.pause(waiting)
    await clock.advance(0)
    assert orchestrator.get_task_state(waiting).status is S.PAUSED  # not "Pausing…" until the worker is free
    assert (await run_until_done(orchestrator, clock, busy)).status is S.COMPLETED
    orchestrator.resume(waiting)
    state = await run_until_done(orchestrator, clock, waiting)
    assert state.status is S.COMPLETED and [(a.number, a.outcome) for a in state.attempts] == [(1, "paused"),
                                                                                              (2, "completed")]
    assert state.run_seconds(clock.now()) == 1.0  # its one page: the wait is not running time


async def test_a_fresh_task_says_the_engine_is_starting_before_a_cold_worker_opens_the_file(make_app, clock, blobs):
    orchestrator, _, client = make_app()
    client.ready = False  # as a worker client before the worker's first answer
    task_id = await add_pdf(orchestrator, blobs, pdfs.text_pdf(2))
    seen = []
    orchestrator.subscribe(lambda e: seen.append((e.task.progress, e.task.progress_message))
                           if e.type == "progress" else None)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED and seen[0] == (0.0, "Starting the PDF engine…")


async def test_progress_rises_page_by_page_and_the_result_is_stored(make_app, clock, blobs):
    orchestrator, _, client = make_app()
    task_id = await add_pdf(orchestrator, blobs, pdfs.text_pdf(6))
    seen = []
    orchestrator.subscribe(lambda e: seen.append(e.task.progress) if e.type == "progress" else None)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED, state.error
    assert state.result["pages"] == 6 and state.result["filename"] == "doc.zip"
    assert blobs.data[state.result["result_key"]][:2] == b"PK"
    assert seen == sorted(seen) and seen[0] == 0 and 95.0 in seen and len(set(seen)) >= 4
    assert state.checkpoint["next_page"] == 6
    assert client.pages_processed == list(range(6))


async def test_reload_mid_document_resumes_at_the_next_page_with_identical_output(make_app, clock, blobs):
    reference, _, _ = make_app()
    expected_id = await add_pdf(reference, blobs, pdfs.images_pdf())
    expected = await run_until_done(reference, clock, expected_id)
    expected_bytes = blobs.data[expected.result["result_key"]]

    document = pdfs.many_pages_pdf(12, words=30)  # made once: fpdf2 stamps the creation time
    first, _, first_client = make_app()
    task_id = await add_pdf(first, blobs, document)
    await clock.advance(3.5)
    done_before = first.get_task_state(task_id).checkpoint["next_page"]
    assert 0 < done_before < 12
    await first.close()  # the tab is reloaded mid-task

    second, _, second_client = make_app()
    state = await run_until_done(second, clock, task_id)
    assert state.status is S.COMPLETED
    assert second_client.pages_processed[0] == done_before  # resumed, not restarted
    assert sorted(set(first_client.pages_processed + second_client.pages_processed)) == list(range(12))
    assert [a.outcome for a in state.attempts] == ["interrupted", "completed"]

    uninterrupted, _, _ = make_app()
    again = await add_pdf(uninterrupted, blobs, document)
    clean = await run_until_done(uninterrupted, clock, again)
    assert blobs.data[state.result["result_key"]] == blobs.data[clean.result["result_key"]]
    assert expected_bytes[:2] == b"PK"


async def test_pause_takes_effect_at_the_next_chunk_and_resume_continues(make_app, clock, blobs):
    orchestrator, _, client = make_app(max_chunk_pages=1)
    task_id = await add_pdf(orchestrator, blobs, pdfs.text_pdf(5))
    await clock.advance(1.5)
    orchestrator.pause(task_id)
    await clock.advance(1)
    state = orchestrator.get_task_state(task_id)
    assert state.status is S.PAUSED and state.checkpoint["next_page"] == 2
    await clock.advance(10)
    assert client.pages_processed == [0, 1]
    orchestrator.resume(task_id)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED and client.pages_processed == [0, 1, 2, 3, 4]


async def test_cancel_stops_the_document(make_app, clock, blobs):
    orchestrator, _, client = make_app(max_chunk_pages=1)
    task_id = await add_pdf(orchestrator, blobs, pdfs.text_pdf(5))
    await clock.advance(1.5)
    orchestrator.cancel(task_id)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.CANCELLED and client.pages_processed == [0, 1]


async def test_encrypted_pdf_fails_asking_for_the_password_then_completes_with_it(make_app, clock, blobs, storage):
    orchestrator, executor, _ = make_app()
    task_id = await add_pdf(orchestrator, blobs, pdfs.encrypted_pdf("open sesame"))
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.FAILED and state.error.type == "PasswordRequiredError" and not state.error.retryable
    orchestrator.retry(task_id, secrets={"password": "wrong"})
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.error.type == "WrongPasswordError"
    orchestrator.retry(task_id, secrets={"password": "open sesame"})
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED
    assert all("open sesame" not in value for value in storage.data.values())  # never persisted


@pytest.mark.parametrize(("data", "error_type"), [
    (b"", "EmptyFileError"), (b"just text", "NotAPdfError"), (b"%PDF-1.7 garbage", "CorruptPdfError")])
async def test_bad_files_fail_at_once_with_their_error_while_a_good_one_completes(make_app, clock, blobs, data,
                                                                                  error_type):
    orchestrator, _, _ = make_app()
    bad = await add_pdf(orchestrator, blobs, data, name="bad.pdf")
    good = await add_pdf(orchestrator, blobs, pdfs.text_pdf(2))
    bad_state = await run_until_done(orchestrator, clock, bad)
    good_state = await run_until_done(orchestrator, clock, good)
    assert bad_state.status is S.FAILED and bad_state.error.type == error_type and bad_state.retry_count == 0
    assert good_state.status is S.COMPLETED


async def test_each_call_asks_for_up_to_the_page_limit_within_its_time_and_goes_on_where_it_ended(
        orchestrators, clock, blobs):
    calls = []

    class Ending(TimedClient):  # the worker ends each chunk after two pages, as when they take the target time
        async def process(self, task_id, start, end, budget=None):
            calls.append((start, end, budget))
            return await super().process(task_id, start, min(end, start + 2), budget)

    executor = PdfExecutor(SinglePool(Ending(PdfService(blobs), clock)), target_chunk_seconds=0.25,
                           first_chunk_seconds=0.05, max_chunk_pages=4)
    orchestrator = orchestrators("pdf", executor)
    state = await run_until_done(orchestrator, clock, await add_pdf(orchestrator, blobs, pdfs.text_pdf(5)))
    assert state.status is S.COMPLETED and calls == [(0, 4, 0.05), (2, 5, 0.25), (4, 5, 0.25)]


async def test_the_run_id_is_saved_before_any_page_and_kept_by_a_resumed_run(make_app, clock, blobs, storage):
    first, _, _ = make_app()
    task_id = await add_pdf(first, blobs, pdfs.text_pdf(8))
    await clock.advance(0)
    run = first.get_task_state(task_id).checkpoint["run"]
    assert run and first.get_task_state(task_id).checkpoint.get("next_page") is None
    await clock.advance(1.5)
    await first.close()
    second, _, _ = make_app()
    state = await run_until_done(second, clock, task_id)
    assert state.checkpoint["run"] == run and state.result["result_key"] == f"result:{task_id}:{run}"


async def test_parts_lost_before_finishing_fail_the_attempt_and_the_retry_extracts_them_again(make_app, clock, blobs):
    reference, _, _ = make_app()
    document = pdfs.images_pdf()
    clean = await run_until_done(reference, clock, await add_pdf(reference, blobs, document))
    orchestrator, executor, client = make_app()
    finish = client.finish

    async def finish_after_storage_loss(task_id, run):
        client.finish = finish
        await blobs.delete_prefix(parts_prefix(task_id))
        return await finish(task_id, run)

    client.finish = finish_after_storage_loss
    task_id = await add_pdf(orchestrator, blobs, document)
    state = await run_until_done(orchestrator, clock, task_id)
    assert state.status is S.COMPLETED
    assert [a.outcome for a in state.attempts] == ["failed", "completed"]
    assert "Only 0 of 3 pages" in state.attempts[0].error
    assert client.pages_processed == [0, 1, 2, 0, 1, 2]  # every page again, none packaged short
    assert blobs.data[state.result["result_key"]] == blobs.data[clean.result["result_key"]]


async def test_finish_delay_holds_the_task_running_with_its_result_stored(orchestrators, clock, blobs):
    client = TimedClient(PdfService(blobs), clock)
    executor = PdfExecutor(SinglePool(client), finish_delay=30, sleep=clock.sleep)
    orchestrator = orchestrators("pdf", executor)
    task_id = await add_pdf(orchestrator, blobs, pdfs.text_pdf(2))
    await clock.advance(10)
    assert orchestrator.get_task_state(task_id).status is S.RUNNING
    assert [key for key in blobs.data if key.startswith(f"result:{task_id}:")]
    await clock.advance(30)
    assert orchestrator.get_task_state(task_id).status is S.COMPLETED
