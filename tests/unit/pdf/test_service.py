"""PdfService: chunked extraction into the store, resumable, deterministic, with clear errors."""

import base64
import json
import zlib

import pytest

from dataflow.core.blobs import MemoryBlobStore, StoredPart, file_key, parts_prefix
from dataflow.core.errors import NonRetryableError, StorageFullError
from dataflow.executors.pdf.errors import FileMissingError, MissingPartsError, PasswordRequiredError, PdfWorkerError
from dataflow.executors.pdf.output import build_json, valid_collected
from dataflow.executors.pdf.records import (
    chunk_key,
    chunk_prefix,
    image_key,
    image_mask_key,
    image_meta_key,
    pack_key,
    page_key,
    stored_records,
)
from dataflow.executors.pdf.service import PdfService
from dataflow.executors.pdf.store import run_result_key, summary_key
from tests import pdfs
from tests.unit.pdf import fidelity_pdfs
from tests.unit.pdf.conftest import metadata_of, unzip, zipfile_zip
from tests.unit.pdf.fidelity_pdfs import damaged_content_pdf


async def test_complete_zip_has_text_images_and_metadata(run_document):
    result, data = await run_document(pdfs.images_pdf(), source="scans.pdf")
    files = unzip(data)
    assert result["filename"] == "scans.zip" and result["mime"] == "application/zip"
    assert result["pages"] == 3 and result["images"] == 6 and result["size"] == len(data)
    assert sorted(n for n in files if n.startswith("text/")) == [f"text/page-000{i}.txt" for i in (1, 2, 3)]
    assert files["text/page-0003.txt"].decode().startswith("Page 3 has no image")
    images = sorted(n for n in files if n.startswith("images/"))
    assert len(images) == 6 and files[images[0]][:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0")
    meta = json.loads(files["metadata.json"])
    assert meta["source"] == "scans.pdf" and meta["page_count"] == 3 and meta["mode"] == "complete"
    assert meta["extracted_with"].startswith("pypdf 7.1")
    shared = [image for image in meta["images"] if image["pages"] == [1, 2]]
    assert len(shared) == 1  # the image on both pages is extracted once
    assert len(meta["page_sizes"]) == 3 and "document_info" in meta and "outline" in meta


async def test_text_mode_has_no_images(run_document):
    _, data = await run_document(pdfs.images_pdf(), {"mode": "text"})
    assert not [name for name in unzip(data) if name.startswith("images/")]
    assert "page_sizes" not in metadata_of(data)


async def test_images_mode_respects_max_images_and_says_how_many_distinct_images_it_left_out(run_document):
    result, data = await run_document(pdfs.images_pdf(), {"mode": "images", "max_images": 2})
    files = unzip(data)
    assert not [n for n in files if n.startswith("text/")]
    assert len([n for n in files if n.startswith("images/")]) == 2
    assert metadata_of(data)["images_over_limit"] == 4  # 3 more on page 1, the 1-bit one on page 2
    assert result["warnings"] == ["4 images over the limit of 2 (Maximum images) were not extracted."]


async def test_an_image_left_out_on_several_pages_counts_once(run_document):
    result, data = await run_document(pdfs.images_pdf(), {"mode": "images", "max_images": 0}, chunk=1)
    every = metadata_of((await run_document(pdfs.images_pdf(), {"mode": "images"}, task_id="all"))[1])
    assert metadata_of(data)["images_over_limit"] == len(every["images"]) == 6  # one of them on pages 1 and 2


async def test_json_output_holds_pages_and_base64_images(run_document, store):
    result, data = await run_document(pdfs.images_pdf(), {"format": "json"}, source="x.pdf")
    document = json.loads(data)
    assert result["filename"] == "x.json" and document["images_encoding"] == "base64"
    assert [p["page"] for p in document["pages"]] == [1, 2, 3]
    assert document["pages"][0]["text"].startswith("Images page 1")
    first = document["images"][0]
    assert base64.b64decode(first["data_base64"])[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0")
    assert document["pages"][1]["images"][0] == first["name"]


async def test_output_does_not_depend_on_chunking_or_reruns(run_document, service, store):
    data = pdfs.images_pdf()
    _, whole = await run_document(data, task_id="a", chunk=100)
    _, paged = await run_document(data, task_id="b", chunk=1)
    await store.put(file_key("f-c"), data)
    await service.open("c", "f-c", {}, source="doc.pdf")
    await service.process("c", 0, 2)
    service.forget("c")  # the worker goes away after page 2; the new one repeats page 2
    rerun = PdfService(store)
    await rerun.open("c", "f-c", {}, source="doc.pdf")
    await rerun.process("c", 1, 3)
    result = await rerun.finish("c")
    assert whole == paged == store.data[result["result_key"]]


async def test_finish_keeps_the_parts_for_the_janitor_and_stores_the_result_under_its_run(store, service):
    await store.put(file_key("f"), pdfs.text_pdf(2))
    await service.open("t1", "f", {})
    await service.process("t1", 0, 2)
    result = await service.finish("t1", "runA")
    assert result["result_key"] == run_result_key("t1", "runA") == "result:t1:runA"
    assert json.loads(store.data[summary_key(result["result_key"])]) == result
    assert [key for key in store.data if key.startswith(parts_prefix("t1"))] == [chunk_key("t1", 1, 2)]


async def test_a_finish_run_again_after_an_interruption_gives_the_same_result(store, service):
    await store.put(file_key("f"), pdfs.images_pdf())
    await service.open("t1", "f", {})
    await service.process("t1", 0, 3)
    first = await service.finish("t1", "runA")
    data = store.data[first["result_key"]]
    await store.delete_prefix(parts_prefix("t1"))  # an older version deleted the parts at this point
    again = await service.finish("t1", "runA")  # the same run finds its stored result and uses it
    assert again == first and store.data[again["result_key"]] == data


async def test_a_finish_without_every_page_stores_nothing_and_fails_retryably(store, service):
    await store.put(file_key("f"), pdfs.text_pdf(4))
    await service.open("t1", "f", {})
    for page in range(4):
        await service.process("t1", page, page + 1)
    await store.delete_prefix(chunk_key("t1", 3, 3))
    with pytest.raises(MissingPartsError, match="Only 3 of 4 pages") as raised:
        await service.finish("t1", "runA")
    assert not isinstance(raised.value, NonRetryableError)
    assert not [key for key in store.data if key.startswith(("result:", "part:"))]  # the next run starts clean


async def test_a_finish_with_no_parts_and_no_result_of_its_run_fails(store, service):
    await store.put(file_key("f"), pdfs.text_pdf(2))
    await service.open("t1", "f", {})
    await service.process("t1", 0, 2)
    await service.finish("t1", "runA")
    await store.delete_prefix(parts_prefix("t1"))
    with pytest.raises(MissingPartsError, match="Only 0 of 2 pages"):
        await service.finish("t1", "runB")  # another run's result is not this run's
    assert list(store.data) == ["file:f", "result:t1:runA", "result:t1:runA:summary"]


async def test_a_lost_image_part_also_fails_the_finish(store, service):
    await store.put(file_key("f"), pdfs.images_pdf())
    await service.open("t1", "f", {})
    await service.process("t1", 0, 3)
    [pack] = await store.keys(pack_key("t1", ""))  # the chunk's images, stored together
    await store.delete_prefix(pack)
    with pytest.raises(MissingPartsError, match="0 of 6 images"):
        await service.finish("t1", "runA")


async def test_the_summary_counts_the_pages_packaged_in_the_result(run_document):
    result, data = await run_document(pdfs.text_pdf(3))
    assert result["pages"] == 3 == len([n for n in unzip(data) if n.startswith("text/")])


async def test_a_chunk_ends_after_the_page_that_takes_it_past_its_time_budget(store):
    now = [0.0]

    def monotonic():
        now[0] += 0.1  # each look at the clock: a tenth of a second later
        return now[0]

    service = PdfService(store, monotonic=monotonic)
    await store.put(file_key("f"), pdfs.text_pdf(6))
    await service.open("t", "f", {"mode": "text"})
    assert (await service.process("t", 0, 6, budget=0.25))["next_page"] == 3  # pages 1-3: 0.1, 0.2, 0.3 s
    assert (await service.process("t", 3, 6))["next_page"] == 6  # no budget: every page asked for


async def test_missing_file_is_a_clear_non_retryable_error(service):
    with pytest.raises(FileMissingError, match="storage was cleared"):
        await service.open("t1", "gone", {})


async def test_process_without_open_asks_for_a_reopen(service):
    with pytest.raises(PdfWorkerError, match="no open document"):
        await service.process("t1", 0, 1)


async def test_an_aes_256_password_is_checked_with_the_hashes_of_the_services_hasher(store, run_document,
                                                                                     monkeypatch):
    from pathlib import Path

    from tests.unit.pdf.test_kdf import CountingHasher

    data = (Path(__file__).resolve().parents[2] / "fixtures" / "aes256-password.pdf").read_bytes()
    _, expected = await run_document(data, task_id="slow", password="secret")  # pypdf's own hashes
    hasher = CountingHasher()
    service = PdfService(store, hasher=hasher)
    await store.put(file_key("f"), data)
    monkeypatch.setattr("pypdf._encryption.aes_cbc_encrypt", None)  # pypdf can no longer compute one itself
    with pytest.raises(PasswordRequiredError):
        await service.open("t", "f", {}, source="doc.pdf")
    await service.open("t", "f", {}, source="doc.pdf", password="secret")
    await service.process("t", 0, 2)
    assert len(hasher.asked) == 2 + 5 and store.data[(await service.finish("t"))["result_key"]] == expected


async def test_an_encrypted_file_is_parsed_once_as_stored_for_its_hashes_and_its_streams_ahead(store, monkeypatch):
    from pathlib import Path

    from pypdf import PdfReader

    from tests.unit.pdf.test_ahead import python_decrypter
    from tests.unit.pdf.test_kdf import CountingHasher

    data = (Path(__file__).resolve().parents[2] / "fixtures" / "aes256-password.pdf").read_bytes()
    await store.put(file_key("f"), data)
    service = PdfService(store, hasher=CountingHasher(), decrypter=python_decrypter)
    opened, original = [], PdfReader.__init__

    def counting(self, *args, **kwargs):
        opened.append(self)
        original(self, *args, **kwargs)
    monkeypatch.setattr(PdfReader, "__init__", counting)
    await service.open("t", "f", {}, source="doc.pdf", password="secret")
    assert len(opened) == 2 and service.documents["t"].decrypted  # the file as stored, then pypdf's own open


async def test_a_stream_longer_than_pypdfs_own_limit_is_read_up_to_the_largest_file_the_options_take(
        run_document):
    from pypdf import apply_configuration

    with apply_configuration(maximum_declared_stream_length=500):  # as pypdf's 75 MB is to a large scan
        result, data = await run_document(pdfs.images_pdf(), {"mode": "images"})
    assert metadata_of(data)["image_errors"] == [] and result["images"] >= 4


async def test_an_image_that_fails_on_two_pages_gives_its_own_reason_on_both_not_a_loop(run_document,
                                                                                        monkeypatch):
    from contextlib import nullcontext

    from pypdf import apply_configuration

    from dataflow.executors.pdf import service as service_module

    monkeypatch.setattr(service_module, "streams_up_to", lambda options: nullcontext())  # pypdf's limit as it is
    with apply_configuration(maximum_declared_stream_length=500):
        _, data = await run_document(pdfs.images_pdf(), {"mode": "images"})
    reasons = [error["reason"] for error in metadata_of(data)["image_errors"]]
    assert len(reasons) == 2 and all("exceeds maximum allowed length" in text for text in reasons), reasons


async def test_encrypted_pdf_needs_its_password(run_document):
    with pytest.raises(PasswordRequiredError):
        await run_document(pdfs.encrypted_pdf("pw"))
    _, data = await run_document(pdfs.encrypted_pdf("pw"), task_id="t2", password="pw")
    assert unzip(data)["text/page-0001.txt"].decode().startswith("Page 1.")


async def test_truncated_pdf_reports_the_repair_in_the_result(run_document):
    result, data = await run_document(pdfs.truncated_pdf(6))
    assert result["pages"] == 6 and "damaged" in result["warnings"][0]
    assert "damaged" in metadata_of(data)["warnings"][0]


async def test_a_page_over_pypdf_limits_is_skipped_with_its_reason(run_document):
    result, data = await run_document(pdfs.zlib_bomb_pdf(), {"mode": "text"})
    assert result["skipped_pages"] == [1]
    reason = metadata_of(data)["skipped_pages"][0]["reason"]
    assert "Page 1" in reason and "decompression bomb" in reason


async def test_each_chunk_is_one_write_and_the_result_one_bulk_read(store, service):
    await store.put(file_key("f"), pdfs.images_pdf())
    await service.open("t", "f", {})
    before = store.calls
    await service.process("t", 0, 2)
    assert store.calls - before == 2  # list the stored images, then write pages and images at once
    before = store.calls
    await service.process("t", 2, 3)
    assert store.calls - before == 1  # the worker knows what it stored: only the write
    before = store.calls
    await service.finish("t")
    # look for this run's result, list the parts, read the one image to deflate (a TIFF: PNG and JPEG
    # parts go into the result unread), append the result's pieces, store it: the records this
    # worker stored are not read back
    assert store.calls - before == 5


async def test_a_worker_that_did_not_store_the_records_reads_them_in_one_call(store, service, run_document):
    _, expected = await run_document(pdfs.images_pdf(), task_id="t")
    restarted = PdfService(store)  # a reload: another worker finishes
    await restarted.open("t", "f-t", {}, source="doc.pdf")
    await store.delete_prefix(run_result_key("t", "1"))
    before = store.calls
    result = await restarted.finish("t")
    assert store.calls - before == 6 and store.data[result["result_key"]] == expected


async def test_full_packs_are_written_as_the_chunk_goes_on_and_its_record_names_each_images_own(store, service,
                                                                                               run_document,
                                                                                               monkeypatch):
    _, expected = await run_document(pdfs.images_pdf(), {"mode": "images"}, task_id="whole")
    monkeypatch.setattr("dataflow.executors.pdf.service.PACK_BYTES", 1)  # every new image fills a pack
    await store.put(file_key("f"), pdfs.images_pdf())
    await service.open("t", "f", {"mode": "images"}, source="doc.pdf")
    assert (await service.process("t", 0, 3))["next_page"] == 3  # the chunk does not end with a pack
    records = await stored_records(store, "t", await store.keys(parts_prefix("t")), {})
    packs = await store.keys(pack_key("t", ""))
    assert len(packs) == 2 == len(await store.keys(chunk_prefix("t"))) + 1  # a pack per page with new images
    assert {image["stored"]["key"] for image in records.images} == set(packs)
    result = await service.finish("t")
    assert store.data[result["result_key"]] == expected


class StartingStore(MemoryBlobStore):
    """A store whose writes start at once and end when the test says (core.blobs.StartingStore)."""

    def __init__(self, fail: Exception | None = None):
        super().__init__()
        self.log: list[str] = []
        self.fail = fail

    def put_many_now(self, entries):
        keys = [key for key, _, _ in entries]
        self.log.append(f"start {keys}")

        async def written():
            self.log.append(f"stored {keys}")
            if self.fail:
                raise self.fail
            await self.put_many(entries)
        return written()

    async def put_many(self, entries):
        if any(key.startswith(chunk_prefix("t")) for key, _, _ in entries):
            self.log.append("record")
        await super().put_many(entries)


async def opened_with_a_pack_per_image(store: StartingStore, monkeypatch) -> PdfService:
    monkeypatch.setattr("dataflow.executors.pdf.service.PACK_BYTES", 1)
    await store.put(file_key("f"), pdfs.images_pdf())
    service = PdfService(store)
    await service.open("t", "f", {"mode": "images"}, source="doc.pdf")
    return service


async def test_a_chunks_record_is_written_only_once_every_pack_before_it_is_stored(monkeypatch):
    store = StartingStore()
    service = await opened_with_a_pack_per_image(store, monkeypatch)
    await service.process("t", 0, 3)
    first, second = store.log[0].removeprefix("start "), store.log[2].removeprefix("start ")
    assert store.log == [f"start {first}", f"stored {first}", f"start {second}", f"stored {second}", "record"]
    assert sorted([first, second]) == [f"[{key!r}]" for key in await store.keys(pack_key("t", ""))]


async def test_a_pack_that_cannot_be_stored_fails_the_chunk_and_no_record_names_it(monkeypatch):
    store = StartingStore(fail=StorageFullError("the browser's storage is full"))
    service = await opened_with_a_pack_per_image(store, monkeypatch)
    with pytest.raises(StorageFullError):
        await service.process("t", 0, 3)
    assert "record" not in store.log and not await store.keys(chunk_prefix("t"))


async def test_a_chunk_failing_while_a_pack_is_written_waits_for_it_and_raises_its_own_error(monkeypatch):
    store = StartingStore(fail=StorageFullError("the browser's storage is full"))
    service = await opened_with_a_pack_per_image(store, monkeypatch)
    pages = iter([None])

    def page(*args):  # the first page fills a pack; the second fails for a reason of its own
        if next(pages, "failed") == "failed":
            raise PdfWorkerError("the worker failed")
        return original(*args)
    original = service._page
    monkeypatch.setattr(service, "_page", page)
    with pytest.raises(PdfWorkerError):
        await service.process("t", 0, 3)
    assert store.log[-1].startswith("stored") and not await store.keys(chunk_prefix("t"))


async def test_a_chunks_new_images_are_stored_together_as_one_pack_and_known_ones_not_again(store, service):
    await store.put(file_key("f"), pdfs.images_pdf())
    await service.open("t", "f", {"mode": "images"})
    await service.process("t", 0, 1)
    await service.process("t", 1, 3)  # page 2 shows page 1's image again, and a new one
    packs = await store.keys(pack_key("t", ""))
    metas = (await stored_records(store, "t", await store.keys(parts_prefix("t")), {})).images
    assert len(packs) == 2 and not await store.keys(image_key("t", "")) and len(metas) == 6
    for meta in metas:
        where = meta["stored"]
        assert where["key"] in packs and len(store.data[where["key"]]) == where["bytes"]
        image = store.data[where["key"]][where["image_at"]:where["image_at"] + meta["bytes"]]
        assert zlib.crc32(image) == meta["crc32"]


async def test_parts_stored_one_per_image_by_earlier_versions_still_give_the_same_result(run_document, service,
                                                                                         store):
    pdf = fidelity_pdfs.jpeg_with_soft_mask_pdf()[0]
    _, expected = await run_document(pdf, task_id="new")
    await store.put(file_key("f-old"), pdf)
    await service.open("old", "f-old", {}, source="doc.pdf")
    await service.process("old", 0, 1)
    await as_earlier_versions_stored(store, "old", packs=False)
    restarted = PdfService(store)  # the version after them, after a reload
    await restarted.open("old", "f-old", {}, source="doc.pdf")
    result = await restarted.finish("old")
    assert store.data[result["result_key"]] == expected


async def as_earlier_versions_stored(store, task_id: str, *, packs: bool) -> None:
    """Rewrite a task's chunk records as versions before them stored its parts: a record per page and
    per image, and with `packs` False each image's and mask's bytes under a key of their own."""
    for key in await store.keys(chunk_prefix(task_id)):
        record = json.loads(store.data.pop(key))
        for page in record["pages"]:
            store.data[page_key(task_id, page["page"])] = json.dumps(page)
        for meta in record["images"]:
            if not packs:
                where = meta.pop("stored")
                pack, identity = store.data[where["key"]], meta["identity"]
                store.data[image_key(task_id, identity)] = pack[where["image_at"]:where["image_at"] + meta["bytes"]]
                if "mask_at" in where:
                    store.data[image_mask_key(task_id, identity)] = \
                        pack[where["mask_at"]:where["mask_at"] + meta["mask"]["bytes"]]
            store.data[image_meta_key(task_id, meta["identity"])] = json.dumps(meta)
    if not packs:
        await store.delete_prefix(pack_key(task_id, ""))


async def test_records_stored_one_per_page_and_image_by_earlier_versions_still_give_the_same_result(
        run_document, service, store):
    _, expected = await run_document(pdfs.images_pdf(), task_id="new")
    await store.put(file_key("f-old"), pdfs.images_pdf())
    await service.open("old", "f-old", {}, source="doc.pdf")
    await service.process("old", 0, 2)
    await as_earlier_versions_stored(store, "old", packs=True)
    restarted = PdfService(store)  # this version, after a reload: it goes on from page 3
    await restarted.open("old", "f-old", {}, source="doc.pdf")
    await restarted.process("old", 2, 3)
    result = await restarted.finish("old")
    assert store.data[result["result_key"]] == expected


def recorded_appends(store, monkeypatch) -> list:
    """Every piece the store's writers are given, in order."""
    appended: list = []
    make = store.writer

    def writer():
        made = make()
        original = made.append

        async def append(pieces):
            appended.extend(pieces)
            await original(pieces)
        made.append = append
        return made
    monkeypatch.setattr(store, "writer", writer)
    return appended


async def test_images_kept_as_is_go_into_the_zip_as_ranges_of_their_packs_with_the_headers_stored_before_them(
        run_document, store, monkeypatch):
    appended = recorded_appends(store, monkeypatch)
    _, data = await run_document(pdfs.images_pdf(), {"mode": "images"}, chunk=2)
    packs = await store.keys(pack_key("t1", ""))
    ranges = [piece for piece in appended if isinstance(piece, StoredPart)]
    headers = [piece for piece in appended if isinstance(piece, bytes) and piece.startswith(b"PK\x03\x04")
               and piece[30:].startswith(b"images/")]
    kept = [name for name in unzip(data) if name.endswith((".png", ".jpg"))]
    assert len(kept) >= 4 and len(headers) == 1 and headers[0].endswith(b".tiff")  # the one to deflate
    assert len(ranges) <= len(packs) + len(headers)  # a run of kept images in a pack is one range
    assert sum(piece.size for piece in ranges) > sum(len(unzip(data)[name]) for name in kept)  # headers within


async def test_a_stored_header_other_than_the_one_the_result_needs_is_not_used(run_document, service, store):
    _, expected = await run_document(pdfs.images_pdf(), {"mode": "images"}, task_id="intact")
    await store.put(file_key("f"), pdfs.images_pdf())
    await service.open("t", "f", {"mode": "images"}, source="doc.pdf")
    await service.process("t", 0, 3)
    [key] = await store.keys(chunk_key("t", 1, 3))
    record = json.loads(store.data[key])
    for meta in record["images"]:  # as if another version had stored other headers
        where = meta["stored"]
        if "image_header" in where:
            at = where["image_header"][0]
            pack = bytearray(store.data[where["key"]])
            pack[at + 10] ^= 1  # its time field
            store.data[where["key"]] = bytes(pack)
            where["image_header"][1] = zlib.crc32(pack[at:where["image_at"]])
    store.data[key] = json.dumps(record)
    restarted = PdfService(store)  # that other version's task, finished after a reload
    await restarted.open("t", "f", {"mode": "images"}, source="doc.pdf")
    result = await restarted.finish("t")
    assert store.data[result["result_key"]] == expected


async def test_a_page_with_a_damaged_content_stream_is_listed_with_its_page(run_document):
    result, data = await run_document(damaged_content_pdf(), {"mode": "text"})
    assert result["skipped_pages"] == [1]
    reason = metadata_of(data)["skipped_pages"][0]["reason"]
    assert reason.startswith("Page 1: its content stream is damaged") and "invalid block type" in reason
    assert "page two ok" in unzip(data)["text/page-0002.txt"].decode()


async def collected_with_data(service, store, task_id="t1"):
    """What finish collected, with every stored image's bytes read into image_data (the oracle)."""
    collected, parts = await service._collect(task_id, service.documents[task_id])
    collected.image_data = {identity: image.part.cut(store.data[image.part.key]) for identity, image in parts.items()}
    return collected


@pytest.mark.parametrize("mode", ["complete", "images"])
async def test_the_result_written_from_stored_parts_is_the_zip_zipfile_built_from_them(run_document, service, store,
                                                                                      mode):
    result, data = await run_document(pdfs.images_pdf(), {"mode": mode}, chunk=2)
    collected = await collected_with_data(service, store)
    assert data == zipfile_zip(collected) and result["size"] == len(data)


@pytest.mark.parametrize("mode", ["complete", "images"])
async def test_the_json_result_written_from_stored_parts_is_the_document_built_in_memory(run_document, service, store,
                                                                                         mode):
    result, data = await run_document(pdfs.images_pdf(), {"mode": mode, "format": "json"}, chunk=2)
    collected = await collected_with_data(service, store)
    assert collected.image_data and data == build_json(valid_collected(collected)) and result["size"] == len(data)


async def test_a_part_changed_after_listing_fails_the_finish_and_stores_nothing(store, service):
    await store.put(file_key("f"), pdfs.images_pdf())
    await service.open("t1", "f", {"mode": "images"})
    await service.process("t1", 0, 3)
    pack = (await store.keys(pack_key("t1", "")))[0]
    store.data[pack] = store.data[pack][:-1]  # its recorded size no longer holds
    with pytest.raises(MissingPartsError, match="will be extracted again"):
        await service.finish("t1", "runA")
    assert await store.get(run_result_key("t1", "runA")) is None and not await store.keys(parts_prefix("t1"))
