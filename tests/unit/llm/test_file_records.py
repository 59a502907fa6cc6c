"""Records of a stored file for enrichment: JSONL, an array, the array inside an object, read with
yields in between; clear errors for files that are not records; a stored file that is gone."""

import json

import pytest

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.core.errors import NonRetryableError
from dataflow.executors.llm.file_records import BlobRecordSource, read_records

RECORDS = [{"id": n, "text": f"record {n}"} for n in range(5)]


async def no_pause():
    pass


@pytest.mark.parametrize(("name", "data"), [
    ("r.jsonl", "".join(json.dumps(r) + "\n" for r in RECORDS).encode()),
    ("r.json", json.dumps(RECORDS).encode()),
    ("r.json", json.dumps({"meta": {"n": 5}, "items": RECORDS}).encode()),
    ("r.json", b"\xef\xbb\xbf" + json.dumps(RECORDS).encode()),
])
async def test_records_are_read_from_each_layout(name, data):
    assert await read_records(data, name, pause=no_pause) == RECORDS


async def test_reading_yields_whenever_a_slice_of_time_has_passed():
    pauses = []

    async def pause():
        pauses.append(1)

    ticks = iter(range(10_000))
    data = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
    await read_records(data, "r.jsonl", pause=pause, slice_seconds=1, timer=lambda: next(ticks))
    assert len(pauses) >= 2 + len(RECORDS) - 1  # after decoding, after detecting, then between records


@pytest.mark.parametrize(("data", "needle"), [
    (b"", "is empty"), (b"   \n", "is empty"), (b"hello there", "not JSON"),
    (b'{"a": 1}\n{"b": \n', "cannot be read as records")])
async def test_a_file_that_is_not_records_fails_with_a_plain_message(data, needle):
    with pytest.raises(NonRetryableError, match=needle):
        await read_records(data, "bad.jsonl", pause=no_pause)


async def test_the_source_reads_the_stored_file_and_says_when_it_is_gone():
    blobs = MemoryBlobStore()
    await blobs.put(file_key("f1"), json.dumps(RECORDS).encode())
    source = BlobRecordSource(blobs, pause=no_pause)
    assert await source.records({"file_id": "f1", "file_name": "r.json"}) == RECORDS
    with pytest.raises(NonRetryableError, match="r2.json is gone"):
        await source.records({"file_id": "f2", "file_name": "r2.json"})
