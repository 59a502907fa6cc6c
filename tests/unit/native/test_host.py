"""NativeHost: tasks in files, results in the output folder, resume from checkpoints after a crash,
skip what is done, retry what failed. The PDF service runs in-process here (processes: test_cli)."""

import asyncio
import json
from pathlib import Path

import pytest

from dataflow.core import ManualClock, TaskStatus
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.service import PdfService
from dataflow.native.batch import discover
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.host import NativeHost, blob_root
from dataflow.native.sources import WithSourceFiles
from tests import pdfs
from tests.local_pdf import LocalPdfClient, SinglePool
from tests.unit.native.conftest import HangingClient, reference_output


class CountingClient(HangingClient, LocalPdfClient):
    """The in-process service; `pages` lists every page handed to it, and it hangs from page `hang_at` on."""

    async def process(self, task_id, start, end, budget=None):
        return await super().process(task_id, start, start + 1, budget)  # as if each page took the chunk's time

    def hangs(self, start, end, budget):
        return end > self.hang_at

    def covered(self, start, end, budget):
        return list(range(start + 1, end + 1))

    @property
    def pages(self) -> list[int]:
        return self.done


@pytest.fixture
def make_host(tmp_path):
    def make(*, hang_at=None, overwrite=False):
        state = tmp_path / "out" / ".dataflow"
        client = CountingClient(PdfService(WithSourceFiles(FileBlobStore(blob_root(state)))), hang_at=hang_at)
        host = NativeHost(out_dir=tmp_path / "out", state_dir=state, pool=SinglePool(client), concurrency=1,
                          clock=ManualClock(), overwrite=overwrite)
        return host, client

    return make


async def run_to_the_end(make_host, path):
    """One run of `path` with the default options, until its task is settled."""
    host, _ = make_host()
    host.start()
    host.submit(discover([str(path)]), PdfOptions())
    await host.wait()
    await host.close()


def record(tmp_path, task_id):
    return json.loads((tmp_path / "out" / ".dataflow" / f"dataflow.task.{task_id}.json").read_text())["task"]


async def test_a_run_writes_each_result_under_its_name_and_keeps_no_copy(make_host, write_pdf, tmp_path):
    data = pdfs.images_pdf()
    sources = discover([str(write_pdf("scans.pdf", data))])
    host, _ = make_host()
    host.start()
    submitted = host.submit(sources, PdfOptions())
    await host.wait()
    await host.close()
    assert (tmp_path / "out" / "scans.zip").read_bytes() == await reference_output(data, "scans.pdf")
    task = host.tasks()[0]
    assert task.status is TaskStatus.COMPLETED and submitted.added == [task.id]
    assert await host.blobs.keys("") == []  # the result moved out; the parts were deleted


async def test_a_crash_mid_document_resumes_from_the_checkpoint_without_redoing_pages(make_host, write_pdf, tmp_path):
    data = pdfs.text_pdf(12)
    sources = discover([str(write_pdf("long.pdf", data))])
    first, client = make_host(hang_at=6)
    first.start()
    (task_id,) = first.submit(sources, PdfOptions()).added
    await asyncio.wait_for(client.hung.wait(), 10)
    await first.close()  # the process goes away mid-document
    saved = record(tmp_path, task_id)
    done = saved["checkpoint"]["next_page"]
    assert saved["status"] == "running" and 0 < done < 12 and client.pages == list(range(1, done + 1))

    second, client = make_host()
    second.start()
    assert second.resumed == [task_id]
    assert second.submit(sources, PdfOptions()).existing == [task_id]  # the same command again
    await second.wait()
    await second.close()
    assert client.pages == list(range(done + 1, 13))  # the pages before the checkpoint are not redone
    assert (tmp_path / "out" / "long.zip").read_bytes() == await reference_output(data, "long.pdf")


async def test_finished_tasks_are_skipped_on_the_next_run_without_reading_their_files(make_host, write_pdf,
                                                                                     monkeypatch):
    path = write_pdf("a.pdf", pdfs.text_pdf(2))
    await run_to_the_end(make_host, path)
    again, client = make_host()
    again.start()
    monkeypatch.setattr("dataflow.native.batch.file_sha256", lambda path: pytest.fail("a done file was hashed"))
    submitted = again.submit(discover([str(path)]), PdfOptions())
    await again.wait()
    await again.close()
    assert submitted.added == [] and len(submitted.existing) == 1 and client.pages == []
    monkeypatch.undo()
    assert again.submit(discover([str(path)]), PdfOptions(mode="text")).added  # other options: the task is replaced
    assert len(again.tasks()) == 1


async def test_a_file_changed_after_a_crash_starts_again_on_the_new_content_instead_of_mixing(
        make_host, write_pdf, tmp_path):
    path = write_pdf("long.pdf", pdfs.text_pdf(12))
    sources = discover([str(path)])
    first, client = make_host(hang_at=6)
    first.start()
    (old_id,) = first.submit(sources, PdfOptions()).added
    await asyncio.wait_for(client.hung.wait(), 10)
    await first.close()
    assert record(tmp_path, old_id)["checkpoint"]["next_page"] > 0
    new = pdfs.text_pdf(12, title="Another document", words=41)  # same pages, other text
    path.write_bytes(new)

    second, client = make_host()
    second.start()
    (new_id,) = second.resumed
    assert new_id != old_id and [task.id for task in second.tasks()] == [new_id]
    assert any("long.pdf changed since its task was created (its" in notice for notice in second.notices)
    assert second.submit(discover([str(path)]), PdfOptions()).existing == [new_id]  # the same command again
    await second.wait()
    await second.close()
    assert client.pages == list(range(1, 13))  # from scratch: no page of the old version is kept
    assert (tmp_path / "out" / "long.zip").read_bytes() == await reference_output(new, "long.pdf")


async def test_a_pending_file_that_changed_keeps_one_task_and_one_output(make_host, write_pdf, tmp_path):
    first_path, second_path = write_pdf("a.pdf", pdfs.text_pdf(12)), write_pdf("b.pdf", pdfs.text_pdf(2))
    first, client = make_host(hang_at=6)
    first.start()
    first.submit(discover([str(tmp_path / "in")]), PdfOptions())
    await asyncio.wait_for(client.hung.wait(), 10)
    await first.close()  # a.pdf part-way, b.pdf still pending
    second_path.write_bytes(pdfs.text_pdf(3))

    second, _ = make_host()
    second.start()
    second.submit(discover([str(tmp_path / "in")]), PdfOptions())
    await second.wait()
    await second.close()
    assert sorted(task.name for task in second.tasks()) == ["a.pdf", "b.pdf"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == ["a.zip", "b.zip"]
    assert (tmp_path / "out" / "b.zip").read_bytes() == await reference_output(second_path.read_bytes(), "b.pdf")
    assert first_path.exists()


async def test_a_completed_file_that_changed_is_made_again_into_the_same_output(make_host, write_pdf, tmp_path):
    path = write_pdf("a.pdf", pdfs.text_pdf(2))
    await run_to_the_end(make_host, path)
    path.write_bytes(pdfs.text_pdf(3))
    again, _ = make_host()
    again.start()
    submitted = again.submit(discover([str(path)]), PdfOptions())
    await again.wait()
    await again.close()
    assert len(submitted.added) == 1 and len(again.tasks()) == 1
    assert any("the file changed since its task was created" in notice for notice in again.notices)
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == ["a.zip"]
    assert (tmp_path / "out" / "a.zip").read_bytes() == await reference_output(path.read_bytes(), "a.pdf")


@pytest.mark.parametrize("overwrite", [False, True])
async def test_a_file_in_the_output_folder_that_no_task_wrote_is_not_overwritten(make_host, write_pdf, tmp_path,
                                                                                  overwrite):
    data = pdfs.text_pdf(2)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.zip").write_bytes(b"someone else's file")
    host, _ = make_host(overwrite=overwrite)
    host.start()
    host.submit(discover([str(write_pdf("report.pdf", data))]), PdfOptions())
    await host.wait()
    await host.close()
    result = await reference_output(data, "report.pdf")
    if overwrite:
        assert (tmp_path / "out" / "report.zip").read_bytes() == result and host.notices == []
    else:
        assert (tmp_path / "out" / "report.zip").read_bytes() == b"someone else's file"
        assert (tmp_path / "out" / "report-2.zip").read_bytes() == result
        assert host.notices == [f"{tmp_path / 'out' / 'report.zip'} exists and was not written by this state "
                                f"directory, so report.pdf's result goes to {tmp_path / 'out' / 'report-2.zip'} "
                                "(--overwrite replaces it)."]


async def test_bad_files_fail_with_their_message_while_the_others_complete(make_host, write_pdf, tmp_path):
    sources = discover([str(write_pdf("notes.pdf", b"Just some notes.\n")), str(write_pdf("empty.pdf", b"")),
                        str(write_pdf("good.pdf", pdfs.text_pdf(2)))])
    host, _ = make_host()
    host.start()
    host.submit(sources, PdfOptions())
    await host.wait()
    await host.close()
    outcome = {task.name: (task.status.value, task.error and task.error.message) for task in host.tasks()}
    assert outcome["good.pdf"] == ("completed", None)
    assert outcome["notes.pdf"][0] == "failed" and "not a PDF" in outcome["notes.pdf"][1]
    assert outcome["empty.pdf"][0] == "failed" and "empty" in outcome["empty.pdf"][1]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == ["good.zip"]


async def test_same_names_from_two_folders_get_two_outputs(make_host, write_pdf, tmp_path):
    sources = discover([str(write_pdf("report.pdf", pdfs.text_pdf(1), folder="a")),
                        str(write_pdf("report.pdf", pdfs.text_pdf(2), folder="b"))])
    host, _ = make_host()
    host.start()
    host.submit(sources, PdfOptions())
    await host.wait()
    await host.close()
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == ["report-2.zip", "report.zip"]


async def test_retry_runs_failed_tasks_again_from_the_file_as_it_is_now(make_host, write_pdf, tmp_path):
    path = write_pdf("late.pdf", b"not yet")
    host, _ = make_host()
    host.start()
    (task_id,) = host.submit(discover([str(path)]), PdfOptions()).added
    await host.wait()
    assert host.tasks()[0].status is TaskStatus.FAILED
    path.write_bytes(pdfs.text_pdf(2))
    assert host.retry(["someone-else"]) == [] and host.retry() == [task_id]
    await host.wait()
    await host.close()
    assert host.tasks()[0].status is TaskStatus.COMPLETED and (tmp_path / "out" / "late.zip").exists()


async def test_a_result_left_in_the_state_directory_is_exported_at_start(make_host, write_pdf, tmp_path):
    host, _ = make_host()
    host.start()
    (task_id,) = host.submit(discover([str(write_pdf("a.pdf", pdfs.text_pdf(1)))]), PdfOptions()).added
    await host.wait()
    await host.close()
    output = tmp_path / "out" / "a.zip"
    data = output.read_bytes()
    output.unlink()  # as if the run had been killed between storing the result and exporting it
    await host.blobs.put(host.tasks()[0].result["result_key"], data)
    again, _ = make_host()
    again.start()
    await again.wait()
    await again.close()
    assert output.read_bytes() == data and await again.blobs.keys("") == []


async def test_a_completed_task_whose_output_was_deleted_is_made_again(make_host, write_pdf, tmp_path):
    sources = discover([str(write_pdf("a.pdf", pdfs.text_pdf(2)))])
    host, _ = make_host()
    host.start()
    (first,) = host.submit(sources, PdfOptions()).added
    await host.wait()
    await host.close()
    (tmp_path / "out" / "a.zip").unlink()
    again, client = make_host()
    again.start()
    await again.exported()
    (second,) = again.submit(sources, PdfOptions()).added
    await again.wait()
    await again.close()
    assert second != first and [task.id for task in again.tasks()] == [second]
    assert client.pages == [1, 2] and (tmp_path / "out" / "a.zip").exists()
    assert "missing from" in again.warnings[0]


async def test_the_janitor_at_start_deletes_what_a_killed_run_left_and_no_task_claims(make_host, write_pdf, tmp_path):
    host, _ = make_host()
    host.start()
    (task_id,) = host.submit(discover([str(write_pdf("a.pdf", pdfs.text_pdf(1)))]), PdfOptions()).added
    await host.wait()
    await host.close()
    leftovers = [f"part:{task_id}:page:000001", "part:removed-task:page:000001", "result:removed-task:r1"]
    for key in leftovers:  # a kill after "completed" was saved, before the janitor ran; a removal's blobs
        await host.blobs.put(key, "left")
    again, _ = make_host()
    again.start()
    await again.wait()
    await again.close()
    assert await again.blobs.keys("") == [] and again.janitor.deleted == len(leftovers)


async def test_an_unfinished_tasks_parts_survive_the_janitor_at_start(make_host, write_pdf, tmp_path):
    first, client = make_host(hang_at=3)
    first.start()
    (task_id,) = first.submit(discover([str(write_pdf("long.pdf", pdfs.text_pdf(6)))]), PdfOptions()).added
    await asyncio.wait_for(client.hung.wait(), 10)
    await first.close()
    parts = await first.blobs.keys(f"part:{task_id}:")
    assert parts
    second, _ = make_host(hang_at=3)
    second.start()
    await second.janitor.idle()
    assert await second.blobs.keys(f"part:{task_id}:") == parts
    await second.close()


async def test_retry_with_a_password_opens_an_encrypted_pdf_and_never_stores_the_password(make_host, write_pdf,
                                                                                        tmp_path):
    host, _ = make_host()
    host.start()
    (task_id,) = host.submit(discover([str(write_pdf("locked.pdf", pdfs.encrypted_pdf("open sesame")))]),
                             PdfOptions()).added
    await host.wait()
    assert host.tasks()[0].error.type == "PasswordRequiredError"
    assert host.retry(password="wrong") == [task_id]
    await host.wait()
    assert host.tasks()[0].error.type == "WrongPasswordError"
    host.retry(password="open sesame")
    await host.wait()
    await host.close()
    assert host.tasks()[0].status is TaskStatus.COMPLETED and (tmp_path / "out" / "locked.zip").exists()
    state = tmp_path / "out" / ".dataflow"
    assert not any(b"open sesame" in path.read_bytes() for path in state.rglob("*") if path.is_file())


async def test_a_run_with_a_password_unlocks_encrypted_pdfs_and_leaves_the_others_alone(tmp_path, write_pdf):
    state = tmp_path / "out" / ".dataflow"
    client = LocalPdfClient(PdfService(WithSourceFiles(FileBlobStore(blob_root(state)))))
    host = NativeHost(out_dir=tmp_path / "out", state_dir=state, pool=SinglePool(client), concurrency=1,
                      clock=ManualClock(), password="open sesame")
    host.start()
    host.submit(discover([str(write_pdf("locked.pdf", pdfs.encrypted_pdf("open sesame"))),
                          str(write_pdf("other.pdf", pdfs.encrypted_pdf("another"))),
                          str(write_pdf("plain.pdf", pdfs.text_pdf(1)))]), PdfOptions())
    await host.wait()
    await host.close()
    outcome = {task.name: (task.status.value, task.error and task.error.type) for task in host.tasks()}
    assert outcome == {"locked.pdf": ("completed", None), "other.pdf": ("failed", "WrongPasswordError"),
                       "plain.pdf": ("completed", None)}


async def test_start_removes_the_temporary_files_a_killed_run_left(make_host, tmp_path):
    state = tmp_path / "out" / ".dataflow"
    left = [blob_root(state) / "part" / "t1" / ".tmp-k1ll3d.part", state / ".tmp-rec0rd.part"]
    for path in left:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    host, _ = make_host()
    host.start()
    await host.close()
    assert not any(path.exists() for path in left)


async def test_overwrite_removes_the_earlier_output_this_state_directory_wrote_beside(make_host, write_pdf, tmp_path):
    data = pdfs.text_pdf(2)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.zip").write_bytes(b"someone else's file")
    sources = discover([str(write_pdf("report.pdf", data))])
    host, _ = make_host()
    host.start()
    host.submit(sources, PdfOptions())
    await host.wait()
    await host.close()
    assert (tmp_path / "out" / "report-2.zip").exists()
    again, _ = make_host(overwrite=True)
    again.start()
    again.submit(sources, PdfOptions(mode="text"))  # other options: a new task, now allowed report.zip
    await again.wait()
    await again.close()
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == ["report.zip"]
    assert any("report-2.zip, the earlier result of report.pdf, was removed" in notice for notice in again.notices)


async def crashed_with_parts(make_host, write_pdf, tmp_path):
    """A 12-page PDF whose run stopped mid-document (its parts saved), then its file deleted."""
    data = pdfs.text_pdf(12)
    path = write_pdf("long.pdf", data)
    first, client = make_host(hang_at=6)
    first.start()
    (task_id,) = first.submit(discover([str(path)]), PdfOptions()).added
    await asyncio.wait_for(client.hung.wait(), 10)
    await first.close()
    path.unlink()
    return path, data, task_id, record(tmp_path, task_id)["checkpoint"]["next_page"]


async def test_a_task_whose_file_is_gone_keeps_its_parts_until_the_file_is_back_then_resumes(make_host, write_pdf,
                                                                                             tmp_path):
    path, data, task_id, done = await crashed_with_parts(make_host, write_pdf, tmp_path)
    second, client = make_host()
    second.start()  # as `retry` and `status` do: nothing is dropped
    await second.wait()
    assert second.retry() == []  # not retried while the file is gone (it would only fail again)
    assert any(f"{path} is gone, so its task was not retried; its saved parts are kept" in n for n in second.notices)
    await second.close()
    assert second.tasks()[0].id == task_id and await second.blobs.keys(f"part:{task_id}")
    path.write_bytes(data)  # put back
    third, client = make_host()
    third.start()
    assert third.retry() == [task_id]
    await third.wait()
    await third.close()
    assert client.pages == list(range(done + 1, 13))  # resumed from its parts
    assert (tmp_path / "out" / "long.zip").read_bytes() == await reference_output(data, "long.pdf")


async def test_a_begun_task_whose_file_became_unreadable_fails_naming_it_and_keeps_its_parts(make_host, write_pdf,
                                                                                              tmp_path, monkeypatch):
    path, data, task_id, _ = await crashed_with_parts(make_host, write_pdf, tmp_path)
    path.write_bytes(data)  # back, but (as after a chmod 000) no longer readable

    read_bytes = Path.read_bytes

    def denied(where: Path) -> bytes:
        if where == path:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(where)

    monkeypatch.setattr("dataflow.native.batch.file_sha256", denied)
    monkeypatch.setattr(Path, "read_bytes", denied)
    second, _ = make_host()
    second.start(drop_missing=True)  # its content cannot be compared: the task is kept, not restarted
    await second.wait()
    await second.close()
    (task,) = second.tasks()
    assert task.id == task_id and task.status is TaskStatus.FAILED and task.error.type == "InputUnreadableError"
    assert task.error.message.startswith(f"{path} cannot be read (Permission denied)")
    assert await second.blobs.keys(f"part:{task_id}")


async def test_a_new_run_without_the_gone_file_drops_its_task_and_parts(make_host, write_pdf, tmp_path):
    path, _, task_id, _ = await crashed_with_parts(make_host, write_pdf, tmp_path)
    other = write_pdf("other.pdf", pdfs.text_pdf(1))
    second, _ = make_host()
    second.start(drop_missing=True)
    second.submit(discover([str(tmp_path / "in")]), PdfOptions())
    await second.wait()
    await second.close()
    assert [task.name for task in second.tasks()] == ["other.pdf"]
    (dropped,) = [n for n in second.notices if f"{path} is gone" in n]
    assert "its unfinished task (interrupted at " in dropped and "dropped with its saved parts" in dropped
    assert "running" not in dropped and "done)" not in dropped  # no process ran it: it was interrupted
    assert await second.blobs.keys(f"part:{task_id}") == [] and not list((tmp_path / "out" / ".dataflow").glob(
        f"dataflow.task.{task_id}.json"))
    assert (tmp_path / "out" / "other.zip").exists() and other.exists()
