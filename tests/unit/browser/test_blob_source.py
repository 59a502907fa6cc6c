"""The lazy ZIP reader of the viewer over plain bytes: a long directory read in parts, the head of
an entry without reading all of it, and other blobs through the injected lookup."""

import asyncio
import io
import zipfile

from dataflow.browser.blob_source import DIRECTORY_BATCH, BlobSource


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def source_of(data: bytes, reads: list) -> BlobSource:
    async def read_range(start: int, end: int) -> bytes:
        reads.append(end - start)
        await asyncio.sleep(0)  # as a browser does: other reads run meanwhile
        return data[start:end]
    return BlobSource(len(data), read_range)


def test_a_directory_longer_than_a_batch_lists_every_entry():
    files = {f"text/page-{n:04d}.txt": f"page {n}".encode() for n in range(DIRECTORY_BATCH * 2 + 7)}
    source = source_of(zip_of(files), [])
    assert asyncio.run(source.names()) == list(files)
    late = DIRECTORY_BATCH * 2 + 3  # an entry of the third part
    assert asyncio.run(source.read(f"text/page-{late:04d}.txt")) == f"page {late}".encode()


def test_the_head_of_a_large_entry_reads_only_part_of_it():
    import random
    rng = random.Random(1)
    big = bytes(rng.getrandbits(8) for _ in range(300_000))  # does not compress: compressed ≈ size
    reads: list = []
    source = source_of(zip_of({"a.bin": big, "b.txt": b"hello"}), reads)
    assert asyncio.run(source.head(1000, "a.bin")) == big[:1000]
    assert sum(reads) < 100_000  # the tail with the directory, a header, and 2 KB of the entry
    assert asyncio.run(source.head(1000, "b.txt")) == b"hello"
    assert asyncio.run(source.head(10, "missing")) == b""
    assert asyncio.run(source.head(3)) == b"PK\x03"


def test_other_blobs_come_from_the_lookup_and_none_without_one():
    source = source_of(b"x", [])
    assert asyncio.run(source.other("result:t:report.json")) is None

    async def lookup(key: str):
        return source_of(key.encode(), []) if key == "k" else None
    found = asyncio.run(BlobSource(1, source.read_range, lookup).other("k"))
    assert asyncio.run(found.whole()) == b"k"


def test_entries_read_in_order_share_one_read_ahead():
    files = {f"text/page-{n:04d}.txt": f"page {n} text".encode() * 5 for n in range(1, 401)}
    reads: list = []
    source = source_of(zip_of(files), reads)
    asyncio.run(source.names())
    before = len(reads)
    assert [asyncio.run(source.read(name)) for name in files] == list(files.values())
    assert len(reads) - before == 1  # the whole (small) archive came in one read-ahead


def test_overlapping_reads_each_get_their_own_entry():
    import random
    rng = random.Random(2)
    files = {f"images/{n}.bin": bytes(rng.getrandbits(8) for _ in range(300_000)) for n in range(3)}
    source = source_of(zip_of(files), [])

    async def all_at_once():
        return await asyncio.gather(*(source.read(name) for name in files))
    assert asyncio.run(all_at_once()) == list(files.values())
