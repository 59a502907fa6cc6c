"""PdfService: chunked extraction into the store, resumable, deterministic, with clear errors."""

import base64
import json

import pytest

from dataflow.core.blobs import file_key, parts_prefix
from dataflow.executors.pdf.errors import FileMissingError, PasswordRequiredError, PdfWorkerError
from dataflow.executors.pdf.service import PdfService
from tests import pdfs
from tests.unit.pdf.conftest import metadata_of, unzip


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


async def test_images_mode_respects_max_images(run_document):
    _, data = await run_document(pdfs.images_pdf(), {"mode": "images", "max_images": 2})
    files = unzip(data)
    assert not [n for n in files if n.startswith("text/")]
    assert len([n for n in files if n.startswith("images/")]) == 2
    assert metadata_of(data)["images_over_limit"] == 4  # 3 more on page 1, the 1-bit one on page 2


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


async def test_parts_are_deleted_once_the_result_is_stored(run_document, store):
    await run_document(pdfs.text_pdf(2))
    assert [key for key in store.data if key.startswith(parts_prefix("t1"))] == []


async def test_missing_file_is_a_clear_non_retryable_error(service):
    with pytest.raises(FileMissingError, match="storage was cleared"):
        await service.open("t1", "gone", {})


async def test_process_without_open_asks_for_a_reopen(service):
    with pytest.raises(PdfWorkerError, match="no open document"):
        await service.process("t1", 0, 1)


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
    await service.process("t", 2, 3)
    before = store.calls
    await service.finish("t")
    assert store.calls - before == 5  # list pages and images, read all parts, store result, delete parts
