"""The IndexedDB BlobStore adapter over a fake of static/idb.js (the real one runs in e2e tests)."""

import pytest

from dataflow.browser.blob_store import IdbBlobStore
from dataflow.browser.ffi import LEND_BYTES
from dataflow.core.blobs import PartMissingError, StoredPart
from dataflow.core.errors import StorageFullError
from tests.unit.fakes import FakeQuotaExceededError, JsNull


class FakeBytes:
    """What a Uint8Array looks like from Python."""

    def __init__(self, data: bytes):
        self.data = data

    def to_bytes(self):
        return self.data


class FakeLent:
    """What ffi.Lender hands JS for a long bytes value (a PyProxy with getBuffer): static/idb.js copies
    its bytes into a Blob; Python destroys it after the call."""

    made: list["FakeLent"] = []

    def __init__(self, data):
        self.data, self.destroyed = data, False
        FakeLent.made.append(self)

    def copied(self):
        assert not self.destroyed, "read after it was released"
        return FakeBytes(bytes(self.data))

    def destroy(self):
        self.destroyed = True


def blob_of(value):
    return value.copied() if isinstance(value, FakeLent) else value


class FakeIdb:
    def __init__(self, quota=None):
        self.items = {}
        self.quota = quota

    async def getBytes(self, key):  # noqa: N802 - the JS module's names
        value = self.items.get(key, JsNull())
        return FakeBytes(value.data) if isinstance(value, FakeBytes) else value

    async def getRange(self, key, start, end):  # noqa: N802
        value = self.items.get(key)
        return [len(value.data), FakeBytes(value.data[start:end])] if isinstance(value, FakeBytes) else JsNull()

    async def put(self, key, value, mime):
        if self.quota is not None and len(getattr(value, "data", value)) > self.quota:
            raise FakeQuotaExceededError("QuotaExceededError: the quota has been exceeded")
        self.items[key] = blob_of(value)

    async def putMany(self, rows):  # noqa: N802
        self.put_many_calls = getattr(self, "put_many_calls", 0) + 1
        for key, value, mime in rows:
            await self.put(key, value, mime)

    def putManyNow(self, rows):  # noqa: N802 - copies the bytes before it returns, as static/idb.js does
        self.started = [(key, blob_of(value), mime) for key, value, mime in rows]
        return self.putMany(self.started)

    async def getMany(self, keys):  # noqa: N802
        return [await self.getBytes(key) for key in keys]

    async def keys(self, prefix):
        return [key for key in self.items if key.startswith(prefix)]

    async def deletePrefix(self, prefix):  # noqa: N802
        for key in [key for key in self.items if key.startswith(prefix)]:
            del self.items[key]

    def dropWritten(self, prefix):  # noqa: N802
        self.dropped = [*getattr(self, "dropped", []), prefix]

    async def deleteKeys(self, keys):  # noqa: N802
        self.delete_calls = getattr(self, "delete_calls", 0) + 1
        for key in keys:
            self.items.pop(key, None)


def fake_to_js(value):
    return FakeBytes(value) if isinstance(value, bytes) else value


@pytest.fixture
def store():
    FakeLent.made = []
    return IdbBlobStore(FakeIdb(quota=100), to_js=fake_to_js, proxy=FakeLent)


async def test_bytes_and_strings_round_trip(store):
    await store.put("a", b"\x00\x01binary")
    await store.put("b", "text")
    assert await store.get("a") == b"\x00\x01binary" and await store.get("b") == "text"


async def test_missing_key_is_none(store):
    assert await store.get("nothing") is None


async def test_keys_and_delete_prefix(store):
    for key in ("part:t:1", "part:t:2", "part:u:1"):
        await store.put(key, "x")
    assert await store.keys("part:t:") == ["part:t:1", "part:t:2"]
    await store.delete_prefix("part:t:")
    assert await store.keys("part:") == ["part:u:1"]


async def test_delete_keys_deletes_exactly_those_keys_in_one_call(store):
    for key in ("file:a", "file:ab", "result:t"):
        await store.put(key, "x")
    await store.delete_keys(["file:a", "result:t", "absent"])
    await store.delete_keys([])  # nothing to do: no call
    assert await store.keys("") == ["file:ab"] and store.idb.delete_calls == 1


async def test_full_quota_is_a_storage_full_error(store):
    with pytest.raises(StorageFullError, match="storage is full"):
        await store.put("big", b"x" * 1000)


async def test_a_file_over_quota_is_refused_as_storage_full_saying_how_to_free_space(store):
    class File:  # a browser File: stored as it is, its size read, its bytes never copied
        size, data = 1000, b"x" * 1000

    with pytest.raises(StorageFullError, match=r"1,000 bytes could not be saved.*Clear finished"):
        await store.put_file("file:a", File(), "application/pdf")
    assert await store.keys("") == []


async def test_a_quota_error_known_only_by_its_name_is_storage_full(store):
    async def aborted(*args):  # static/idb.js rejects with an Error named after the browser's DOMException
        raise FakeQuotaExceededError("The transaction was aborted, so the request cannot be fulfilled.")

    store.idb.putMany = aborted
    with pytest.raises(StorageFullError, match="storage is full"):
        await store.put_many([("part:t:1", b"x", None)])


async def test_another_write_failure_is_not_called_storage_full(store):
    async def refused(*args):
        raise RuntimeError("UnknownError: the database is closing")

    store.idb.put = refused
    with pytest.raises(RuntimeError, match="closing"):
        await store.put("a", b"x")


async def test_many_entries_are_written_and_read_in_one_call_each(store):
    await store.put_many([("a", b"\x01", "application/octet-stream"), ("b", "text", None)])
    assert await store.get_many(["a", "missing", "b"]) == [b"\x01", None, "text"]
    assert await store.get_many([]) == []


class FakeBuilder:
    """static/idb.js Builder: pieces are bytes or [key, size, offset, length] of a stored value."""

    def __init__(self, idb):
        self.idb, self.parts = idb, []

    async def append(self, pieces):
        found = []
        for index, piece in enumerate(pieces):
            if isinstance(piece, list):
                value = self.idb.items.get(piece[0])
                if not isinstance(value, FakeBytes) or len(value.data) != piece[1]:
                    return index
                piece = FakeBytes(value.data[piece[2]:piece[2] + piece[3]])
            found.append(blob_of(piece).data)
        self.parts += found
        return -1

    async def commit(self, key, mime, rows):
        await self.idb.putMany([[key, FakeBytes(b"".join(self.parts)), mime], *rows])


async def test_a_value_written_in_pieces_uses_stored_parts_as_they_are(store):
    store.idb.builder = lambda: FakeBuilder(store.idb)
    store.idb.quota = None
    await store.put("part:t:image:a", b"AAAA")
    writer = store.writer()
    await writer.append([b"head-", StoredPart("part:t:image:a", 4)])
    await writer.append([b"-tail"])
    assert await store.get("result:t") is None  # nothing is stored before the commit
    await writer.commit("result:t", "application/zip", [("result:t:summary", "{}", "application/json")])
    assert await store.get("result:t") == b"head-AAAA-tail" and await store.get("result:t:summary") == "{}"


async def test_a_part_of_a_pack_is_its_slice_of_the_stored_value(store):
    store.idb.builder = lambda: FakeBuilder(store.idb)
    store.idb.quota = None
    await store.put("part:t:pack:a", b"AAAABBB")
    writer = store.writer()
    await writer.append([StoredPart("part:t:pack:a", 3, offset=4, within=7), b"-",
                         StoredPart("part:t:pack:a", 4, 0, 7)])
    await writer.commit("result:t", None, [])
    assert await store.get("result:t") == b"BBB-AAAA"


async def test_a_range_is_read_with_the_stored_values_length_and_text_or_nothing_is_none(store):
    await store.put_many([("part:t:pack:a", b"AAAABBB", None), ("part:t:page:1", "text", None)])
    assert await store.get_range("part:t:pack:a", 4, 6) == (7, b"BB")
    assert await store.get_range("part:t:page:1", 0, 2) is None and await store.get_range("gone", 0, 1) is None


async def test_a_pack_of_another_size_or_a_part_outside_it_fails_the_append(store):
    store.idb.builder = lambda: FakeBuilder(store.idb)
    await store.put("part:t:pack:a", b"AAAABBB")
    with pytest.raises(PartMissingError, match="part:t:pack:a"):
        await store.writer().append([StoredPart("part:t:pack:a", 3, offset=4, within=8)])
    with pytest.raises(PartMissingError, match="damaged record"):
        await store.writer().append([StoredPart("part:t:pack:a", 4, offset=4, within=7)])


async def test_a_stored_part_missing_or_of_another_size_fails_the_append(store):
    store.idb.builder = lambda: FakeBuilder(store.idb)
    await store.put("part:t:image:a", b"AAAA")
    with pytest.raises(PartMissingError, match="part:t:image:a"):
        await store.writer().append([b"x", StoredPart("part:t:image:a", 5)])
    with pytest.raises(PartMissingError, match="part:t:image:gone"):
        await store.writer().append([StoredPart("part:t:image:gone", 4)])


async def test_a_result_over_quota_is_refused_as_storage_full(store):
    store.idb.builder = lambda: FakeBuilder(store.idb)
    writer = store.writer()
    await writer.append([b"x" * 200])
    with pytest.raises(StorageFullError):
        await writer.commit("result:t", "application/zip", [])


LONG = b"\x00\xff" * LEND_BYTES  # lent, not copied


async def test_long_bytes_are_lent_to_js_without_a_copy_and_released_once_stored(store):
    store.idb.quota = None
    await store.put_many([("part:t:pack:a", LONG, None), ("part:t:chunk:1", "{}", None)])
    await store.put("part:t:pack:b", LONG[1:])
    assert [lent.data for lent in FakeLent.made] == [LONG, LONG[1:]] and all(lent.destroyed for lent in FakeLent.made)
    assert await store.get("part:t:pack:a") == LONG and await store.get("part:t:pack:b") == LONG[1:]


async def test_lent_bytes_are_released_when_the_write_fails(store):
    with pytest.raises(StorageFullError):
        await store.put_many([("part:t:pack:a", LONG, None)])
    with pytest.raises(StorageFullError):
        await store.put("part:t:pack:a", LONG)
    assert len(FakeLent.made) == 2 and all(lent.destroyed for lent in FakeLent.made)


async def test_long_pieces_of_a_value_written_in_pieces_are_lent_and_released(store):
    store.idb.builder = lambda: FakeBuilder(store.idb)
    store.idb.quota = None
    writer = store.writer()
    await writer.append([b"head-", LONG])
    await writer.commit("result:t", None, [("result:t:summary", LONG[:-1], None)])
    assert await store.get("result:t") == b"head-" + LONG and await store.get("result:t:summary") == LONG[:-1]
    assert len(FakeLent.made) == 2 and all(lent.destroyed for lent in FakeLent.made)


class FakeFile(FakeBytes):
    """A browser File as Python sees it: its size, and bytes no adapter should read."""

    @property
    def size(self):
        return len(self.data)


async def test_files_are_stored_in_one_call_and_their_sizes_read_without_their_bytes(store):
    await store.put_files([("file:a", FakeFile(b"abc"), "application/pdf"), ("file:b", FakeFile(b"de"), "")])
    assert store.idb.put_many_calls == 1
    assert await store.stored_size("file:a") == 3 and await store.stored_size("file:b") == 2
    assert await store.stored_size("file:c") is None


async def test_files_over_the_quota_raise_storage_full_with_their_total_size(store):
    with pytest.raises(StorageFullError, match="170 bytes could not be saved"):
        await store.put_files([("file:a", FakeFile(b"a" * 50), "application/pdf"),
                               ("file:b", FakeFile(b"b" * 120), "application/pdf")])


async def test_a_write_started_now_copies_the_bytes_before_returning_and_stores_them_when_awaited(store):
    store.idb.quota = None
    pending = store.put_many_now([("part:t:pack:a", LONG, None), ("part:t:chunk:1", "{}", None)])
    assert FakeLent.made[0].destroyed and store.idb.started[0][1].data == LONG  # copied, then released
    await pending
    assert await store.get("part:t:pack:a") == LONG and await store.get("part:t:chunk:1") == "{}"


async def test_a_write_started_now_over_quota_is_storage_full_when_awaited(store):
    pending = store.put_many_now([("part:t:pack:a", LONG, None)])
    with pytest.raises(StorageFullError, match=f"{len(LONG):,} bytes"):
        await pending
    assert all(lent.destroyed for lent in FakeLent.made)


async def test_nothing_to_write_starts_no_write(store):
    await store.put_many_now([])
    assert not hasattr(store.idb, "started")


async def test_dropping_kept_blobs_asks_the_module_for_that_prefix_and_deletes_nothing(store):
    await store.put("part:t:pack", b"bytes")
    store.drop_kept("part:t:")
    assert store.idb.dropped == ["part:t:"]
    assert await store.get("part:t:pack") == b"bytes"
