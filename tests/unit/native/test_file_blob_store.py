"""One BlobStore contract for the in-memory store and the file store (plain and with source files)."""

import gc
import tracemalloc

import pytest

from dataflow.core.blobs import MemoryBlobStore, PartMissingError, StoredPart
from dataflow.native.file_blob_store import FileBlobStore, export_value
from dataflow.native.sources import WithSourceFiles


@pytest.fixture(params=["memory", "file", "file+sources"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryBlobStore()
    if request.param == "file":
        return FileBlobStore(tmp_path / "blobs")
    return WithSourceFiles(FileBlobStore(tmp_path / "blobs"))


async def test_missing_key_reads_as_none(store):
    assert await store.get("result:t1") is None


async def test_values_come_back_with_their_type(store):
    await store.put("part:t1:page:000001", '{"text": "é"}', "application/json")
    await store.put("part:t1:image:x", b"\x89PNG\x00\xff", "image/png")
    await store.put("empty", b"")
    assert await store.get("part:t1:page:000001") == '{"text": "é"}'
    assert await store.get("part:t1:image:x") == b"\x89PNG\x00\xff"
    assert await store.get("empty") == b""


async def test_put_replaces(store):
    await store.put("result:t1", b"one")
    await store.put("result:t1", b"two")
    assert await store.get("result:t1") == b"two"


async def test_put_many_and_get_many_keep_order_and_missing_keys(store):
    await store.put_many([("a:1", b"x", None), ("a:2", "y", None)])
    assert await store.get_many(["a:2", "nope", "a:1"]) == ["y", None, b"x"]


async def test_keys_lists_a_prefix_sorted_and_nothing_else(store):
    entries = [("part:t1:page:000002", "2", None), ("part:t1:page:000001", "1", None),
               ("part:t1:image:a", b"", None), ("part:t10:page:000001", "x", None), ("result:t1", b"r", None)]
    await store.put_many(entries)
    assert await store.keys("part:t1:page:") == ["part:t1:page:000001", "part:t1:page:000002"]
    assert await store.keys("part:t1:") == ["part:t1:image:a", "part:t1:page:000001", "part:t1:page:000002"]
    assert await store.keys("part:t1") == sorted(k for k, _, _ in entries if k.startswith("part:t1"))
    assert await store.keys("") == sorted(k for k, _, _ in entries)


async def test_delete_prefix_deletes_that_prefix_only(store):
    await store.put_many([("part:t1:page:1", "a", None), ("part:t10:page:1", "b", None), ("result:t1", b"r", None)])
    await store.delete_prefix("part:t1:")
    await store.delete_prefix("result:t1")  # a full key deletes that entry
    await store.delete_prefix("absent:")
    assert await store.keys("") == ["part:t10:page:1"]


async def test_delete_keys_deletes_exactly_those_keys(store):
    await store.put_many([("part:t1:page:1", "a", None), ("part:t1:page:2", "b", None),
                          ("result:t1:r1", b"r", None), ("result:t1:r1:summary", "{}", None)])
    await store.delete_keys(["part:t1:page:1", "result:t1:r1", "result:t1:r1:summary", "absent:key"])
    assert await store.keys("") == ["part:t1:page:2"]


async def test_only_bytes_or_text_are_stored(store):
    with pytest.raises(TypeError):
        await store.put("k", 42)


async def test_a_tasks_parts_share_one_directory_and_are_removed_with_it(tmp_path):
    store = FileBlobStore(tmp_path)
    await store.put("part:t1:page:000001", "1")
    assert store.path_for("part:t1:page:000001") == tmp_path / "part" / "t1" / "page%3A000001.v"
    await store.delete_prefix("part:t1:")
    assert not (tmp_path / "part" / "t1").exists()


async def test_deleting_the_last_keys_of_a_task_removes_its_emptied_directories(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    await store.put_many([("part:t1:page:000001", "1", None), ("part:t2:page:000001", "2", None)])
    await store.delete_keys(["part:t1:page:000001"])
    assert not (tmp_path / "blobs" / "part" / "t1").exists()
    assert (tmp_path / "blobs" / "part" / "t2").is_dir() and (tmp_path / "blobs").is_dir()


async def test_keys_cannot_escape_the_root(tmp_path):
    store = FileBlobStore(tmp_path / "root")
    await store.put("../x:../../y:/etc/passwd", b"v")
    assert all(str(path).startswith(str(tmp_path / "root")) for path in (tmp_path / "root").rglob("*"))
    assert await store.keys("../") == ["../x:../../y:/etc/passwd"]


def test_temporary_files_a_killed_writer_left_are_removed_and_values_kept(tmp_path):
    from dataflow.native.file_blob_store import remove_temporary_files

    parts = tmp_path / "part" / "task-1"
    parts.mkdir(parents=True)
    (parts / ".tmp-abc123.part").write_bytes(b"")  # a SIGTERM between mkstemp and os.replace
    (parts / "page%3A000001.v").write_bytes(b"Stext")
    (tmp_path / ".tmp-top.part").write_bytes(b"x")
    assert remove_temporary_files(tmp_path / "part", recursive=True) == 1
    assert sorted(p.name for p in parts.iterdir()) == ["page%3A000001.v"]
    assert remove_temporary_files(tmp_path, recursive=False) == 1
    assert not (tmp_path / ".tmp-top.part").exists()
    assert remove_temporary_files(tmp_path / "missing") == 0


# Values written in pieces (FileWriter) and copied out (export_value) --------------------------

async def test_a_value_written_in_pieces_is_stored_whole_with_its_stored_parts_copied(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    await store.put("part:t1:image:a", b"IMAGE-A")
    writer = store.writer()
    await writer.append([b"head|", StoredPart("part:t1:image:a", 7), b"|"])
    await writer.append([b"tail"])
    await writer.commit("result:t1:1", "application/zip", [("result:t1:1:summary", '{"size": 17}', None)])
    assert await store.get("result:t1:1") == b"head|IMAGE-A|tail"
    assert await store.get("result:t1:1:summary") == '{"size": 17}'
    assert not [path for path in (tmp_path / "blobs").rglob("*") if path.name.startswith(".tmp-")]


async def test_a_part_of_a_pack_is_copied_from_its_offset(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    await store.put("part:t1:pack:p", b"AAAA" + b"B" * 3_000_000)
    writer = store.writer()
    await writer.append([StoredPart("part:t1:pack:p", 3_000_000, offset=4, within=3_000_004), b"|",
                         StoredPart("part:t1:pack:p", 4, offset=0, within=3_000_004)])
    await writer.commit("result:t1:1", None, [])
    assert await store.get("result:t1:1") == b"B" * 3_000_000 + b"|AAAA"


async def test_a_range_reads_only_those_bytes_and_text_or_nothing_is_none(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    await store.put_many([("part:t1:pack:p", b"1234567", None), ("part:t1:page:000001", "text", None)])
    assert await store.get_range("part:t1:pack:p", 2, 5) == (7, b"345")
    assert await store.get_range("part:t1:pack:p", 6, 9) == (7, b"7")
    assert await store.get_range("part:t1:page:000001", 0, 1) is None and await store.get_range("x", 0, 1) is None


@pytest.mark.parametrize("part", [StoredPart("part:t1:pack:p", 3, offset=2, within=8),
                                  StoredPart("part:t1:pack:p", 3, offset=5, within=7)])
async def test_a_pack_of_another_size_or_a_part_outside_it_fails_the_writer(tmp_path, part):
    store = FileBlobStore(tmp_path / "blobs")
    await store.put("part:t1:pack:p", b"1234567")
    with pytest.raises(PartMissingError, match="part:t1:pack:p"):
        await store.writer().append([part])


@pytest.mark.parametrize(("stored", "size", "found"), [(None, 3, "nothing"), ("text", 4, "text"),
                                                       (b"abc", 4, "3 bytes")])
async def test_a_part_absent_text_or_of_another_size_fails_the_writer_and_stores_nothing(tmp_path, stored, size,
                                                                                         found):
    store = FileBlobStore(tmp_path / "blobs")
    if stored is not None:
        await store.put("part:t1:x", stored)
    writer = store.writer()
    with pytest.raises(PartMissingError, match=found):
        await writer.append([b"head", StoredPart("part:t1:x", size)])
    del writer
    gc.collect()
    assert await store.keys("result:") == []
    assert not [path for path in (tmp_path / "blobs").rglob("*") if path.name.startswith(".tmp-")]


async def test_writing_a_large_value_from_stored_parts_never_holds_it_in_memory(tmp_path):
    store = FileBlobStore(tmp_path / "blobs")
    part = b"\xff" * 20_000_000
    await store.put("part:t1:big", part)
    del part
    tracemalloc.start()
    try:
        writer = store.writer()
        await writer.append([StoredPart("part:t1:big", 20_000_000)] * 3)
        await writer.commit("result:t1:1", None, [])
        assert await export_value(store, "result:t1:1", tmp_path / "out" / "big.zip")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (tmp_path / "out" / "big.zip").stat().st_size == 60_000_000
    assert peak < 5_000_000  # a copy buffer or two, never the 60 MB value nor a 20 MB part


@pytest.mark.parametrize("kind", ["memory", "file", "file+sources"])
async def test_a_value_is_exported_to_a_file_as_stored_and_an_absent_one_is_not(tmp_path, kind):
    inner = MemoryBlobStore() if kind == "memory" else FileBlobStore(tmp_path / "blobs")
    store = WithSourceFiles(inner) if kind == "file+sources" else inner
    await store.put("result:t1:1", b"\x00zip")
    await store.put("result:t1:2", "é report")
    assert await export_value(store, "result:t1:1", tmp_path / "out" / "a.zip")
    assert await export_value(store, "result:t1:2", tmp_path / "out" / "a.json")
    assert not await export_value(store, "result:t1:3", tmp_path / "out" / "b.zip")
    assert (tmp_path / "out" / "a.zip").read_bytes() == b"\x00zip"
    assert (tmp_path / "out" / "a.json").read_bytes() == "é report".encode()
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["a.json", "a.zip"]
