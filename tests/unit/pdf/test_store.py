"""The PDF kind's key scheme and what a PDF task still needs, as the janitor asks it."""

from dataflow.core.blob_sweep import file_born, orphaned_keys, stamped_id
from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.core.kinds import UNSUPPORTED, KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.pdf.kind import PdfKind
from dataflow.executors.pdf.store import pdf_blob_claims, run_result_key, summary_key

S = TaskStatus
STORED = ["file:f1", "part:t1:page:000001", "part:t1:image:x", "result:t1:runA", "result:t1:runA:summary",
          "result:t1:runB", "result:t1:runB:summary", "result:t1"]


def pdf_task(status, result=None):
    return TaskState(id="t1", name="a.pdf", kind="pdf", status=status, input={"file_id": "f1"}, result=result)


def test_an_unfinished_task_needs_its_file_parts_and_every_result_of_its_runs():
    for status in (S.PENDING, S.RUNNING, S.PAUSED, S.FAILED, S.CANCELLED):
        assert orphaned_keys(STORED, [pdf_task(status)], pdf_blob_claims, now=0) == []


def test_a_completed_task_needs_its_file_and_the_result_its_record_names_only():
    done = pdf_task(S.COMPLETED, {"result_key": run_result_key("t1", "runB")})
    assert orphaned_keys(STORED, [done], pdf_blob_claims, now=0) == [
        "part:t1:image:x", "part:t1:page:000001", "result:t1", "result:t1:runA", "result:t1:runA:summary"]


def test_a_completed_task_of_an_older_version_keeps_its_single_result():
    done = pdf_task(S.COMPLETED, {"result_key": "result:t1"})
    assert "result:t1" not in orphaned_keys(STORED, [done], pdf_blob_claims, now=0)


def test_the_registry_asks_the_pdf_kind_and_describes_no_kind_it_does_not_run():
    kinds = KindRegistry()
    kinds.register(PdfKind())
    done = pdf_task(S.COMPLETED, {"result_key": run_result_key("t1", "runB")})
    assert kinds.claims(done) == pdf_blob_claims(done)
    assert kinds.claims(TaskState(id="j", name="j", kind="json")) is None
    assert kinds.claims(TaskState(id="u", name="u", kind=UNSUPPORTED)).keys == frozenset()


def test_a_new_file_id_gives_its_file_key_a_birth_time():
    key = file_key(stamped_id(1234.5))
    assert file_born(key) == 1234.5
    assert file_born("file:0123456789abcdef0123456789abcdef") is None
    assert file_born(summary_key("result:t1:r")) is None


async def test_the_memory_store_deletes_exactly_the_keys_given():
    store = MemoryBlobStore()
    for key in ("file:a", "file:ab"):
        await store.put(key, b"x")
    await store.delete_keys(["file:a", "missing"])
    assert list(store.data) == ["file:ab"]
