"""The blob store contract's pieces: a stored part is the whole value under its key or a slice of a
pack, read or appended only when the stored value is exactly as its record says."""

import pytest

from dataflow.core.blobs import (
    BufferedWriter,
    JoiningWriter,
    MemoryBlobStore,
    PartMissingError,
    StoredPart,
    read_part,
    writer_of,
)


@pytest.fixture
async def store():
    memory = MemoryBlobStore()
    await memory.put_many([("part:t:image:a", b"AAAA", None), ("part:t:pack:p", b"1234567", None),
                           ("part:t:text", "text", None)])
    return memory


async def test_a_whole_part_reads_as_its_value(store):
    assert await read_part(store, StoredPart("part:t:image:a", 4)) == b"AAAA"


async def test_a_part_of_a_pack_reads_as_its_slice(store):
    assert await read_part(store, StoredPart("part:t:pack:p", 3, offset=2, within=7)) == b"345"
    assert await read_part(store, StoredPart("part:t:pack:p", 0, offset=7, within=7)) == b""


async def test_a_part_of_a_pack_is_read_alone_where_the_store_reads_ranges(store):
    class WholeValuesOnly:  # a store without get_range: the pack is read and cut
        get = store.get

    assert await read_part(WholeValuesOnly(), StoredPart("part:t:pack:p", 2, offset=1, within=7)) == b"23"
    calls = store.calls
    assert await read_part(store, StoredPart("part:t:pack:p", 2, offset=1, within=7)) == b"23"
    assert store.calls - calls == 1


@pytest.mark.parametrize("part", [
    StoredPart("part:t:image:a", 5),  # the value is shorter than recorded
    StoredPart("part:t:gone", 1),  # nothing stored
    StoredPart("part:t:text", 4),  # text, not bytes
    StoredPart("part:t:pack:p", 3, offset=2, within=8),  # the pack is not the size recorded
    StoredPart("part:t:pack:p", 3, offset=5, within=7),  # the slice runs past the pack's end
    StoredPart("part:t:pack:p", 3, offset=-1, within=7),  # a damaged offset
])
async def test_a_part_not_as_recorded_is_missing(store, part):
    with pytest.raises(PartMissingError, match=part.key):
        await read_part(store, part)


@pytest.mark.parametrize("make_writer", [MemoryBlobStore.writer, JoiningWriter])
async def test_both_memory_writers_join_pieces_whole_parts_and_slices_in_order(store, make_writer):
    writer = make_writer(store)
    await writer.append([b"<", StoredPart("part:t:pack:p", 2, offset=5, within=7), b"|"])
    await writer.append([StoredPart("part:t:image:a", 4), StoredPart("part:t:pack:p", 2, offset=0, within=7)])
    await writer.commit("result:t", "application/zip", [("result:t:summary", "{}", None)])
    assert await store.get("result:t") == b"<67|AAAA12" and await store.get("result:t:summary") == "{}"


async def test_a_buffered_writer_appends_at_its_limits_and_what_is_left_on_close(store):
    writer = writer_of(store)
    buffered = BufferedWriter(writer, limit=4, max_parts=2)
    calls = store.calls
    await buffered.write(b"ab")
    await buffered.write(b"cd")  # 4 bytes: appended
    await buffered.write(StoredPart("part:t:image:a", 4))
    await buffered.write(StoredPart("part:t:pack:p", 1, offset=6, within=7))  # 2 parts: appended
    await buffered.write(b"!")
    await buffered.close()
    assert store.calls - calls == 3
    await writer.commit("result:t", None, [])
    assert await store.get("result:t") == b"abcdAAAA7!"
