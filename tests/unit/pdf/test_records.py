"""A PDF task's stored records: one value per chunk, read back with those of earlier versions."""

import json

import pytest

from dataflow.core.blobs import MemoryBlobStore, parts_prefix
from dataflow.executors.pdf.records import (
    ChunkWrites,
    chunk_key,
    image_meta_key,
    pack_key,
    page_key,
    stored_records,
)


def page(number: int, text: str = "x") -> dict:
    return {"page": number, "text": text, "images": []}


async def records_of(store: MemoryBlobStore, known: dict | None = None):
    return await stored_records(store, "t", await store.keys(parts_prefix("t")), {} if known is None else known)


def test_a_chunk_with_new_images_names_its_pack_and_record_by_its_first_image():
    writes = ChunkWrites("t")
    assert writes.place("img-a", b"abc") == 0 and writes.place("img-b", b"de") == 3
    writes.images.append({"identity": "img-a", "stored": {"image_at": 0}})
    writes.pages += [page(4), page(5)]
    assert writes.pack() == [(pack_key("t", "img-a"), b"abcde", "application/octet-stream")]
    key, value = writes.record()
    assert key == chunk_key("t", 4, 5, "img-a") == "part:t:chunk:000004-000005:img-a"
    assert json.loads(value)["images"] == [{"identity": "img-a",
                                            "stored": {"image_at": 0, "key": pack_key("t", "img-a"), "bytes": 5}}]


def test_a_flushed_pack_is_named_by_its_first_image_and_the_record_by_the_chunks():
    writes = ChunkWrites("t")
    writes.place("img-a", b"abc")
    writes.images.append({"identity": "img-a", "stored": {"image_at": 0}})
    assert writes.flush() == [(pack_key("t", "img-a"), b"abc", "application/octet-stream")]
    assert writes.place("img-b", b"de") == 0  # a new pack
    writes.images += [{"identity": "img-b", "stored": {"image_at": 0}}, {"identity": "img-c", "error": "unreadable"}]
    writes.pages.append(page(1))
    assert writes.pack() == [(pack_key("t", "img-b"), b"de", "application/octet-stream")]
    key, value = writes.record_value()
    assert key == chunk_key("t", 1, 1, "img-a") and [image.get("stored") for image in value["images"]] == [
        {"image_at": 0, "key": pack_key("t", "img-a"), "bytes": 3},
        {"image_at": 0, "key": pack_key("t", "img-b"), "bytes": 2}, None]


def test_a_chunk_whose_packs_are_all_flushed_writes_its_record_alone():
    writes = ChunkWrites("t")
    writes.place("img-a", b"abc")
    writes.flush()
    writes.pages.append(page(1))
    assert writes.flush() == [] and writes.pack() == [] and writes.record_value()[0] == chunk_key("t", 1, 1, "img-a")


def test_a_chunk_without_new_images_stores_no_pack_and_a_record_of_its_pages():
    writes = ChunkWrites("t")
    writes.pages.append(page(1))
    assert writes.pack() == [] and writes.record() == (chunk_key("t", 1, 1), json.dumps({"pages": [page(1)],
                                                                                          "images": []}))


def test_a_chunk_record_needs_a_page():
    with pytest.raises(ValueError, match="at least one page"):
        ChunkWrites("t").record()


async def test_pages_come_back_in_page_order_once_each_and_images_once_each():
    store = MemoryBlobStore()
    await store.put(chunk_key("t", 3, 4, "b"), json.dumps({"pages": [page(3), page(4)],
                                                            "images": [{"identity": "b"}]}))
    await store.put(chunk_key("t", 1, 3, "a"), json.dumps({"pages": [page(1), page(2), page(3, "again")],
                                                           "images": [{"identity": "a"}]}))
    await store.put(chunk_key("t", 3, 4), json.dumps({"pages": [page(3), page(4)], "images": []}))  # a rerun
    records = await records_of(store)
    assert [p["page"] for p in records.pages] == [1, 2, 3, 4]
    assert [image["identity"] for image in records.images] == ["a", "b"]


async def test_records_of_earlier_versions_are_read_beside_chunk_records():
    store = MemoryBlobStore()
    await store.put(page_key("t", 1), json.dumps(page(1)))
    await store.put(image_meta_key("t", "old"), json.dumps({"identity": "old"}))
    await store.put(chunk_key("t", 2, 2), json.dumps({"pages": [page(2)], "images": [{"identity": "new"}]}))
    await store.put(pack_key("t", "new"), b"bytes")  # not a record
    records = await records_of(store)
    assert [p["page"] for p in records.pages] == [1, 2]
    assert sorted(image["identity"] for image in records.images) == ["new", "old"]


async def test_a_damaged_record_is_left_out_so_its_pages_count_as_missing():
    store = MemoryBlobStore()
    await store.put(chunk_key("t", 1, 1), "{not json")
    await store.put(chunk_key("t", 2, 2), json.dumps(["not", "a", "record"]))
    await store.put(chunk_key("t", 3, 3), json.dumps({"pages": [{"page": "4"}, page(3)], "images": "x"}))
    await store.put(page_key("t", 5), b"bytes, not text")
    assert [p["page"] for p in (await records_of(store)).pages] == [3]


async def test_known_records_are_not_read_again_and_read_ones_become_known():
    store = MemoryBlobStore()
    await store.put(chunk_key("t", 1, 1), json.dumps({"pages": [page(1)], "images": []}))
    await store.put(chunk_key("t", 2, 2), json.dumps({"pages": [page(2)], "images": []}))
    known = {chunk_key("t", 1, 1): json.dumps({"pages": [page(1, "mine")], "images": []})}
    keys = await store.keys(parts_prefix("t"))
    before = store.calls
    records = await stored_records(store, "t", keys, known)
    assert store.calls - before == 1 and records.pages[0]["text"] == "mine" and chunk_key("t", 2, 2) in known
    before = store.calls
    await stored_records(store, "t", keys, known)
    assert store.calls == before


async def test_a_known_record_is_decoded_once_and_one_already_decoded_is_taken_as_it_is(monkeypatch):
    store = MemoryBlobStore()
    await store.put(chunk_key("t", 2, 2), json.dumps({"pages": [page(2)], "images": []}))
    mine = {"pages": [page(1, "mine")], "images": []}
    known: dict = {chunk_key("t", 1, 1): mine}
    keys = await store.keys(parts_prefix("t")) + [chunk_key("t", 1, 1)]
    await stored_records(store, "t", keys, known)
    assert known[chunk_key("t", 2, 2)] == {"pages": [page(2)], "images": []}  # kept decoded
    decoded: list = []
    monkeypatch.setattr(json, "loads", lambda text: decoded.append(text))
    records = await stored_records(store, "t", keys, known)
    assert decoded == [] and records.pages[0] is mine["pages"][0] and records.pages[1]["page"] == 2


def test_a_chunks_record_value_is_its_json_decoded():
    writes = ChunkWrites("t")
    writes.place("img-a", b"abc")
    writes.images.append({"identity": "img-a", "stored": {"image_at": 0}})
    writes.pages.append(page(1, "caf\u00e9 \ud800"))
    (key, text), (same, value) = writes.record(), writes.record_value()
    assert key == same and json.loads(text) == value


async def test_a_record_gone_since_the_listing_is_left_out():
    store = MemoryBlobStore()
    await store.put(chunk_key("t", 1, 1), json.dumps({"pages": [page(1)], "images": []}))
    keys = await store.keys(parts_prefix("t"))
    await store.delete_prefix(parts_prefix("t"))
    assert (await stored_records(store, "t", keys, {})).pages == []
