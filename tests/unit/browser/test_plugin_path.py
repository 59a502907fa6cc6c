"""A kind defined here, registered like any plug-in, driven through the page's generic logic with
in-memory twins: intake -> task -> row summary -> download -> removal cleanup. Nothing of the PDF
workbench is involved, and a file no kind takes becomes a row that says which files the app takes."""

import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from dataflow.browser.intake import Intake, create_task
from dataflow.browser.results import Results
from dataflow.browser.row_view import row_view
from dataflow.core.blob_sweep import BlobJanitor
from dataflow.core.blobs import MemoryBlobStore, file_key, result_key
from dataflow.core.clock import ManualClock
from dataflow.core.kinds import UNSUPPORTED, Accepts, ExecutorKind, KindRegistry, refuse_unsupported
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.status import TaskStatus

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class ShoutOptions:
    exclaim: int = 1

    def __post_init__(self):
        if self.exclaim < 0:
            raise ValueError("exclaim must be at least 0")

    def to_dict(self):
        return asdict(self)


class ShoutKind(ExecutorKind[ShoutOptions]):
    kind = "shout"
    noun = "text file"
    accepts = Accepts(("text/plain",), (".txt",), "text files (.txt)")

    def parse_options(self, data):
        return ShoutOptions(**(data or {}))

    def task_input(self, file, options):
        return {"file_id": file.file_id, "name": file.name, "exclaim": options.exclaim}

    def summary(self, result):
        return f"{result['characters']} characters" if result else ""


class ShoutExecutor:
    """Upper-cases the stored file into a result blob, leaving a part on the way."""

    def __init__(self, blobs):
        self.blobs = blobs

    async def execute(self, input, ctx):  # noqa: A002
        text = (await self.blobs.get(file_key(input["file_id"]))).decode()
        await self.blobs.put(f"part:{ctx.task_id}:0", "halfway")
        shouted = text.upper() + "!" * input["exclaim"]
        await self.blobs.put(result_key(ctx.task_id), shouted.encode(), "text/plain")
        return {"result_key": result_key(ctx.task_id), "filename": input["name"].upper(), "characters": len(shouted)}


@dataclass
class FakeFile:
    name: str
    data: bytes
    type: str = ""

    @property
    def size(self):
        return len(self.data)


async def test_a_kind_from_a_test_goes_through_intake_rows_download_and_cleanup():
    clock, blobs, kinds = ManualClock(), MemoryBlobStore(), KindRegistry()
    kind = ShoutKind()
    kinds.register(kind)
    orchestrator = Orchestrator(clock=clock)
    orchestrator.register(kind.kind, ShoutExecutor(blobs), concurrency=1)
    orchestrator.register(UNSUPPORTED, refuse_unsupported)
    janitor = BlobJanitor(blobs, kinds.claims, live=orchestrator.iter_tasks, persisted=list, clock=clock)
    orchestrator.subscribe(janitor.handle)
    orchestrator.start()
    notices, saved = [], []

    async def store_file(key, file, mime):
        await blobs.put(key, file.data, mime)

    async def save(blob, filename):
        saved.append((blob, filename))

    intake = Intake(kinds=kinds, store_file=store_file, submit=lambda task: create_task(orchestrator, task),
                    options_for=lambda k: k.parse_options({"exclaim": 2}),
                    notice=lambda message, **kw: notices.append(message))
    await intake.add_files([FakeFile("hello.txt", b"hello"), FakeFile("photo.jpg", b"\xff\xd8", "image/jpeg")])
    await clock.advance(1)
    shout, other = orchestrator.list_tasks()
    assert (shout.kind, shout.status, shout.input["exclaim"]) == ("shout", TaskStatus.COMPLETED, 2)

    view = row_view(shout, clock.now(), kind=kinds.get(shout.kind))
    assert view.message == "7 characters" and "download" in view.actions
    results = Results(kinds=kinds, fetch=blobs.get, save=save, notice=notices.append)
    assert await results.download(shout)
    assert saved == [(b"HELLO!!", "HELLO.TXT")]

    assert other.kind == UNSUPPORTED and other.status is TaskStatus.FAILED
    assert other.error.message == "photo.jpg is not a file this app can process. It takes text files (.txt)."
    assert f"file:{other.metadata['file_id']}" not in blobs.data  # never stored

    await janitor.idle()
    assert sorted(blobs.data) == [f"file:{shout.metadata['file_id']}", result_key(shout.id)]  # parts: gone
    orchestrator.remove(shout.id)
    await janitor.idle()
    assert blobs.data == {} and notices == []
    await orchestrator.close()


async def test_a_file_that_cannot_be_stored_is_reported_and_the_others_go_on():
    kinds = KindRegistry()
    kinds.register(ShoutKind())
    created, notices = [], []

    async def store_file(key, file, mime):
        if file.name == "full.txt":
            raise OSError("QuotaExceededError")

    intake = Intake(kinds=kinds, store_file=store_file, submit=created.append, options_for=lambda k: ShoutOptions(),
                    notice=lambda message, **kw: notices.append(message))
    await intake.add_files([FakeFile("full.txt", b"x"), FakeFile("fine.txt", b"y")])
    assert [task.name for task in created] == ["fine.txt"]
    assert notices == ["full.txt could not be kept in the browser's storage (QuotaExceededError); it was not added."]


def test_the_generic_page_logic_loads_without_any_executor():
    code = ("import sys; import dataflow.browser.intake, dataflow.browser.controls, dataflow.browser.pending, "
            "dataflow.browser.results, dataflow.browser.tabs, dataflow.browser.row_view, dataflow.browser.settings, "
            "dataflow.browser.worker_client; "
            "print(sorted(m for m in sys.modules if m.startswith('dataflow.executors')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "py")}).stdout
    assert out.strip() == "[]"
