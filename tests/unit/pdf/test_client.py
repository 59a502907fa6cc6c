"""WorkerPdfClient: the PDF calls by name with their arguments and time limits, typed replies,
and a watchdog timeout told as a PDF page timeout."""

import pytest

from dataflow.core.errors import WorkerTimeoutError
from dataflow.executors.pdf.client import PdfTimeouts, WorkerPdfClient
from dataflow.executors.pdf.errors import PageTimeoutError
from tests.unit.fakes import RecordingWorker


async def test_open_passes_options_as_json_and_an_empty_password_when_none():
    worker = RecordingWorker({"pages": 3, "encrypted": False, "warnings": []})
    info = await WorkerPdfClient(worker).open("t", "f", {"mode": "text"}, source="a.pdf", password=None)
    assert info["pages"] == 3
    assert worker.calls == [("pdf_open", ("t", "f", '{"mode": "text"}', "a.pdf", ""), 60.0, "Opening the file")]


async def test_a_chunk_may_take_the_per_page_limit_times_its_pages():
    worker = RecordingWorker({"next_page": 4, "images": 0})
    await WorkerPdfClient(worker, PdfTimeouts(per_page=2)).process("t", 1, 4)
    assert worker.calls == [("pdf_process", ("t", 1, 4, 0.0), 6, "Pages 2–4")]


async def test_a_chunk_with_a_time_budget_may_take_it_and_one_pages_limit():
    worker = RecordingWorker({"next_page": 2, "images": 0})
    await WorkerPdfClient(worker, PdfTimeouts(per_page=2)).process("t", 1, 200, 0.5)
    assert worker.calls == [("pdf_process", ("t", 1, 200, 0.5), 2.5, "Pages 2–200")]


async def test_a_timeout_becomes_a_page_timeout_that_says_why_it_may_hang():
    worker = RecordingWorker(error=WorkerTimeoutError("Pages 1–2 took longer than 0.1 s, so the PDF worker was "
                                                      "stopped and restarted."))
    with pytest.raises(PageTimeoutError, match="took longer than 0.1 s.*restarted. The file may be damaged"):
        await WorkerPdfClient(worker).process("t", 0, 2)


async def test_forget_skips_a_worker_that_never_started():
    worker = RecordingWorker(started=False)
    await WorkerPdfClient(worker).forget("t")
    assert worker.calls == []


def test_a_single_page_is_named_page_n_not_a_range():
    from dataflow.executors.pdf.client import pages_label

    assert pages_label(0, 1) == "Page 1" and pages_label(2, 5) == "Pages 3–5"
