"""The blob store contract's pieces: a stored part is the whole value under its key or a slice of a
pack, read or appended only when the stored value is exactly as its record says."""

import pytest

from dataflow.core.blobs import (
    BufferedWriter,
    JoiningWriter,
    MemoryBlobStore,
    PartMissingError,
    StoredPart,
    put_many_started,
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


def test_a_slice_joins_the_slice_that_starts_where_it_ends_in_the_same_value_only():
    first = StoredPart("pack:p", 3, offset=2, within=10)
    assert first.joined(StoredPart("pack:p", 4, offset=5, within=10)) == StoredPart("pack:p", 7, offset=2, within=10)
    assert first.joined(StoredPart("pack:p", 4, offset=6, within=10)) is None  # a gap
    assert first.joined(StoredPart("pack:q", 4, offset=5, within=10)) is None  # another value
    assert first.joined(StoredPart("pack:p", 4, offset=5, within=12)) is None  # another size: not the same value
    assert StoredPart("image:a", 3).joined(StoredPart("image:a", 3)) is None  # whole values never join


async def test_a_buffered_writer_appends_adjacent_slices_of_one_value_as_one_part(store):
    await store.put("part:t:pack:p", b"0123456789")
    writer = writer_of(store)
    appended: list = []
    original = writer.append

    async def append(pieces):
        appended.extend(pieces)
        await original(pieces)
    writer.append = append
    buffered = BufferedWriter(writer, max_parts=2)
    for offset, size in [(0, 2), (2, 3), (5, 1), (8, 2)]:
        await buffered.write(StoredPart("part:t:pack:p", size, offset=offset, within=10))
    await buffered.close()
    await writer.commit("result:t", None, [])
    assert appended == [StoredPart("part:t:pack:p", 6, offset=0, within=10),
                        StoredPart("part:t:pack:p", 2, offset=8, within=10)]
    assert await store.get("result:t") == b"01234589"


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


async def test_a_store_that_cannot_start_a_write_at_once_writes_when_awaited():
    store = MemoryBlobStore()
    pending = put_many_started(store, [("k", b"v", None)])
    assert await store.get("k") is None
    await pending
    assert await store.get("k") == b"v"


async def test_a_store_that_can_start_a_write_at_once_is_asked_to():
    class Starting(MemoryBlobStore):
        def put_many_now(self, entries):
            self.started = entries
            return self.put_many(entries)
    store = Starting()
    await put_many_started(store, [("k", b"v", None)])
    assert store.started == [("k", b"v", None)] and await store.get("k") == b"v"
