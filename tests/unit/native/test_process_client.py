"""ProcessWorker: the PDF service in a real worker process behind the page's PDF facade, its errors
raised again as their own classes through the core's registry, and the watchdog that kills and
replaces a hung or crashed process."""

import os
import signal
import threading
import time

import pytest

from dataflow.core.errors import WorkerError, WorkerRejectedError
from dataflow.core.wire import ErrorRegistry
from dataflow.executors.pdf.client import PdfTimeouts, WorkerPdfClient
from dataflow.executors.pdf.errors import PDF_ERRORS, NotAPdfError, PageTimeoutError, PdfWorkerError
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.process_client import ProcessPool, ProcessWorker, default_workers
from dataflow.native.sources import path_file_id
from tests import pdfs
from tests.unit.native.conftest import reference_output


@pytest.fixture
def client(tmp_path):
    made = []

    def make(**timeouts):
        worker = ProcessWorker(tmp_path / "blobs", errors=ErrorRegistry(*PDF_ERRORS))
        made.append(worker)
        return WorkerPdfClient(worker, PdfTimeouts(**timeouts))  # its process: .worker

    yield make
    for worker in made:
        worker.close()


async def test_output_is_byte_identical_to_the_service_run_in_process(client, write_pdf, tmp_path):
    data = pdfs.images_pdf()
    path = write_pdf("scans.pdf", data)
    worker = client()
    info = await worker.open("t1", path_file_id(path), {}, source="scans.pdf", password=None)
    for start in range(0, info["pages"], 2):
        await worker.process("t1", start, start + 2)
    result = await worker.finish("t1", "run1")
    stored = await FileBlobStore(tmp_path / "blobs").get(result["result_key"])
    assert stored == await reference_output(data, "scans.pdf")
    assert result["filename"] == "scans.zip" and result["size"] == len(stored)


async def test_a_bad_file_raises_its_own_error_class_and_message(client, write_pdf):
    path = write_pdf("notes.pdf", b"Just some notes, not a PDF at all.\n")
    with pytest.raises(NotAPdfError, match="not a PDF"):
        await client().open("t1", path_file_id(path), {}, source="notes.pdf", password=None)


async def test_a_hung_page_is_stopped_and_the_process_replaced(client, write_pdf, hooks):
    hooks(hang_page=2)
    path = write_pdf("doc.pdf", pdfs.text_pdf(3))
    worker = client(per_page=0.5)
    await worker.open("t1", path_file_id(path), {}, source="doc.pdf", password=None)
    await worker.process("t1", 0, 1)
    hung_pid = worker.worker.pid
    with pytest.raises(PageTimeoutError, match=r"Page 2 took longer than 0\.5 s.*damaged or built to hang"):
        await worker.process("t1", 1, 2)
    assert worker.worker.restarts == 1
    with pytest.raises(ProcessLookupError):
        os.kill(hung_pid, 0)  # the hung process is gone
    with pytest.raises(PdfWorkerError, match="no open document"):  # a fresh process answers
        await worker.process("t1", 2, 3)
    assert worker.worker.pid != hung_pid


async def test_a_crashed_process_is_a_retryable_error_and_is_replaced(client, write_pdf):
    path = write_pdf("doc.pdf", pdfs.text_pdf(2))
    worker = client()
    await worker.open("t1", path_file_id(path), {}, source="doc.pdf", password=None)
    os.kill(worker.worker.pid, signal.SIGKILL)
    with pytest.raises(WorkerError, match="stopped unexpectedly") as raised:
        await worker.process("t1", 0, 1)
    assert not isinstance(raised.value, WorkerRejectedError)  # retryable
    assert worker.worker.restarts == 1
    info = await worker.open("t1", path_file_id(path), {}, source="doc.pdf", password=None)
    assert info["pages"] == 2


async def test_an_unknown_call_is_refused_as_not_retryable(tmp_path):
    worker = ProcessWorker(tmp_path / "blobs", errors=ErrorRegistry(*PDF_ERRORS))
    try:
        with pytest.raises(WorkerRejectedError, match="no call 'pdf_explode'"):
            await worker.call("pdf_explode", (), seconds=30, what="Exploding")
        assert (await worker.runtime_info())["pypdf"]
    finally:
        worker.close()


async def test_a_closed_worker_starts_no_process_and_forgetting_needs_none(tmp_path):
    worker = ProcessWorker(tmp_path / "blobs", errors=ErrorRegistry(*PDF_ERRORS))
    assert await worker.call("pdf_forget", ("t",), seconds=30, what="Forgetting") is None
    assert not worker.started  # nothing to forget in a process that does not exist
    worker.close()
    with pytest.raises(WorkerError, match="was stopped"):
        await worker.runtime_info()
    assert not worker.started  # a command that is ending leaves no process behind


async def test_the_pool_hands_out_each_idle_worker_once(tmp_path):
    pool = ProcessPool.of_processes(2, tmp_path)
    first, second = await pool.acquire(), await pool.acquire()
    assert first is not second and pool.size == 2
    pool.release(first)
    assert await pool.acquire() is first
    pool.close()


def test_default_workers_is_the_usable_core_count():
    assert default_workers() == len(os.sched_getaffinity(0))


def _report_signals(conn):
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    conn.send((signal.SIGINT in blocked, signal.SIGTERM in blocked))


def test_a_child_spawned_while_signals_are_held_starts_deaf_and_the_parent_misses_none():
    import multiprocessing

    from dataflow.native.process_client import _signals_held

    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    other = threading.Thread(target=threading.Event().wait, args=(30,), daemon=True)  # as rich's refresh thread
    other.start()
    try:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        with _signals_held():
            process = context.Process(target=_report_signals, args=(child,))
            process.start()
            os.kill(os.getpid(), signal.SIGINT)  # a Ctrl-C while the child starts: the other thread takes it
        for _ in range(1000):  # the handler runs in the main thread at its next bytecode
            if received:
                break
            time.sleep(0.001)
        assert received == [signal.SIGINT]  # not lost
        assert parent.recv() == (True, True)  # the child started with both blocked: it could not be interrupted
        process.join(10)
    finally:
        signal.signal(signal.SIGINT, previous)
