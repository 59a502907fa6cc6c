"""NativeHost with JSON files (the page's JSON workbench): the page's two downloads (data and
report.json) in the output folder with the service's bytes, resume from the step checkpoint after a
crash, a bad file failing alone, one stem per task. The JSON service runs in-process here (the
host's default); worker processes: test_cli."""

import asyncio
import json

from dataflow.core import ManualClock, TaskStatus
from dataflow.executors.json.executor import LocalJsonClient
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.json.service import JsonService
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.service import PdfService
from dataflow.native.batch import discover
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.host import NativeHost, blob_root
from dataflow.native.sources import WithSourceFiles
from tests import pdfs
from tests.local_pdf import LocalPdfClient, SinglePool
from tests.unit.native.conftest import HangingClient, json_reference, reference_output, without_timings

RECORDS = b"[" + b",".join(b'{"id": %d, "mail": "user%d@example.com", "note": "%s"}' % (i, i, b"x" * 40)
                           for i in range(6000)) + b"]"  # about 500 KB: several steps of 64 KB and more


class StepClient(HangingClient, LocalJsonClient):
    """The in-process JSON service; `steps` lists each step's number, and it hangs at step `hang_at`."""

    def hangs(self, position, budget):
        return position["step"] >= self.hang_at

    def covered(self, position, budget):
        return [int(position["step"])]

    @property
    def steps(self) -> list[int]:
        return self.done


def make_host(tmp_path, *, hang_at=None):
    state = tmp_path / "out" / ".dataflow"
    blobs = WithSourceFiles(FileBlobStore(blob_root(state)))
    client = StepClient(JsonService(blobs), hang_at=hang_at)
    host = NativeHost(out_dir=tmp_path / "out", state_dir=state, pool=SinglePool(LocalPdfClient(PdfService(blobs))),
                      concurrency=2, clock=ManualClock(), blobs=blobs, json_pool=SinglePool(client))
    return host, client


async def run(tmp_path, paths, options):
    host, client = make_host(tmp_path)
    host.start()
    submitted = host.submit(discover([str(path) for path in paths]), options)
    await host.wait()
    await host.close()
    return host, client, submitted


async def test_a_json_file_gives_the_pages_two_downloads_with_the_services_bytes(write_pdf, tmp_path):
    options = JsonOptions(operation="clean", output_format="jsonl", dedupe=False)
    path = write_pdf("people.json", RECORDS)
    host, _, _ = await run(tmp_path, [path], {"json": options})
    data, report = await json_reference(RECORDS, "people.json", options.to_dict())
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == [
        "people.clean.jsonl", "people.json.report.json"]
    assert (tmp_path / "out" / "people.clean.jsonl").read_bytes() == data
    assert without_timings((tmp_path / "out" / "people.json.report.json").read_bytes()) == report
    assert host.tasks()[0].status is TaskStatus.COMPLETED
    assert await host.blobs.keys("") == []  # the results moved out; the parts were deleted


async def test_a_crash_mid_file_resumes_from_the_step_checkpoint_and_gives_the_same_bytes(write_pdf, tmp_path):
    options = JsonOptions(operation="convert")
    path = write_pdf("big.json", RECORDS)
    first, client = make_host(tmp_path, hang_at=2)
    first.start()
    (task_id,) = first.submit(discover([str(path)]), {"json": options}).added
    await asyncio.wait_for(client.hung.wait(), 10)
    await first.close()
    saved = json.loads((tmp_path / "out" / ".dataflow" / f"dataflow.task.{task_id}.json").read_text())["task"]
    assert saved["status"] == "running" and saved["checkpoint"]["step"] == 2 and client.steps == [0, 1]

    second, client = make_host(tmp_path)
    second.start()
    assert second.resumed == [task_id]
    await second.wait()
    await second.close()
    assert client.steps[0] == 2  # steps 0 and 1 are not gone through again
    data, _ = await json_reference(RECORDS, "big.json", options.to_dict())
    assert (tmp_path / "out" / "big.jsonl").read_bytes() == data


async def test_a_json_file_changed_after_a_crash_is_told_without_speaking_of_pages(write_pdf, tmp_path):
    path = write_pdf("big.json", RECORDS)
    first, client = make_host(tmp_path, hang_at=2)
    first.start()
    first.submit(discover([str(path)]), {"json": JsonOptions(operation="convert")})
    await asyncio.wait_for(client.hung.wait(), 10)
    await first.close()
    path.write_bytes(RECORDS.replace(b"user", b"someone"))
    second, _ = make_host(tmp_path)
    second.start()
    await second.wait()
    await second.close()
    (notice,) = [n for n in second.notices if "changed since its task was created" in n]
    assert "nothing done on the old version is kept" in notice and "page" not in notice


async def test_a_bad_json_file_fails_with_its_message_while_the_others_complete(write_pdf, tmp_path):
    good, bad = write_pdf("good.jsonl", b'{"a": 1}\n{"a": 2}\n'), write_pdf("bad.json", b'{"broken": ')
    scans = write_pdf("scans.pdf", pdfs.text_pdf(1))
    host, _, _ = await run(tmp_path, [good, bad, scans], {"json": JsonOptions(), "pdf": PdfOptions()})
    by_name = {task.name: task for task in host.tasks()}
    assert by_name["good.jsonl"].status is TaskStatus.COMPLETED and by_name["scans.pdf"].status is TaskStatus.COMPLETED
    failed = by_name["bad.json"]
    assert failed.status is TaskStatus.FAILED and failed.error.type == "InvalidJsonError"
    assert failed.error.message == "The file ends before the document is closed: it looks truncated."
    assert failed.attempt == 1  # not retried: the same file would fail again
    assert (tmp_path / "out" / "good.inspect.json").exists()
    assert (tmp_path / "out" / "scans.zip").read_bytes() == await reference_output(scans.read_bytes(), "scans.pdf")


async def test_files_of_one_stem_get_their_own_outputs(write_pdf, tmp_path):
    """data.json and data.jsonl inspected would both write data.inspect.json; a PDF's data.json too."""
    paths = [write_pdf("data.json", b'[{"a": 1}]'), write_pdf("data.jsonl", b'{"a": 1}\n'),
             write_pdf("data.pdf", pdfs.text_pdf(1))]
    await run(tmp_path, paths, {"pdf": PdfOptions(format="json")})
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file())
    assert names == ["data-2.inspect.json", "data-2.jsonl.report.json", "data-3.json",
                     "data.inspect.json", "data.json.report.json"]


async def test_a_file_there_that_no_task_wrote_keeps_a_json_tasks_outputs_away(write_pdf, tmp_path):
    path = write_pdf("people.json", b'[{"a": 1}]')
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "people.inspect.json").write_text("mine")
    host, _, _ = await run(tmp_path, [path], {})
    assert (tmp_path / "out" / "people.inspect.json").read_text() == "mine"
    assert (tmp_path / "out" / "people-2.inspect.json").exists()
    assert any("people.* exists and was not written by this state directory" in n for n in host.notices)


async def test_a_json_file_run_again_with_another_operation_says_where_its_new_results_go(write_pdf, tmp_path):
    path = write_pdf("people.json", b'[{"a": 1}]')
    await run(tmp_path, [path], {})
    assert (tmp_path / "out" / "people.inspect.json").exists()
    host, _, _ = await run(tmp_path, [path], {"json": JsonOptions(operation="compress")})
    removed = [notice for notice in host.notices if "the earlier result of people.json, was removed" in notice]
    assert removed == [f"{tmp_path / 'out' / 'people.inspect.json'}, the earlier result of people.json, was removed: "
                       f"the new results go to {tmp_path / 'out' / 'people.*'}."]
    assert not (tmp_path / "out" / "people.inspect.json").exists() and (tmp_path / "out" / "people.json.zst").exists()
