"""Result assembly: file names, ZIP layout and JSON shape, byte-for-byte deterministic."""

import base64
import hashlib
import io
import json
import tracemalloc
import zipfile
import zlib

import pytest

from dataflow.core.blobs import BufferedWriter, StoredPart
from dataflow.executors.pdf.output import (
    Collected,
    ImagePart,
    build_json,
    build_output,
    build_zip,
    mask_identity,
    stem,
    valid_collected,
    write_json,
    write_zip,
)
from tests.unit.pdf.conftest import zipfile_zip


def collected(**changes):
    data = dict(source="Report 2025.PDF", mode="complete", page_count=2,
                pages=[{"page": 1, "text": "one", "images": ["img-5"]},
                       {"page": 2, "text": None, "images": ["img-5"], "skipped": "Page 2: damaged"}],
                images=[{"identity": "img-5", "name": "img-5.png", "mime": "image/png", "width": 2, "height": 1,
                         "bytes": 4, "pages": [1, 2], "note": None}],
                image_data={"img-5": b"\x89PNG"}, images_over_limit=1, details={"outline": []}, producer="pypdf 7.1.0")
    data.update(changes)
    return Collected(**data)


@pytest.mark.parametrize(("source", "expected"), [("a.pdf", "a"), ("dir/B.PDF", "B"), ("x", "x"), (".pdf", "document"),
                                                  ("C:\\\\docs\\\\c.pdf", "c")])
def test_result_names_come_from_the_source_name(source, expected):
    assert stem(source) == expected


def test_zip_layout_and_metadata():
    data, name, mime = build_output(collected(), "zip")
    assert (name, mime) == ("Report 2025.zip", "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["text/page-0001.txt", "images/img-5.png", "metadata.json"]
    meta = json.loads(archive.read("metadata.json"))
    assert meta["skipped_pages"] == [{"page": 2, "reason": "Page 2: damaged"}]
    assert meta["page_images"] == {"1": ["img-5.png"], "2": ["img-5.png"]} and meta["images_over_limit"] == 1
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())


def test_json_document_has_pages_and_base64_images():
    data, name, mime = build_output(collected(), "json")
    document = json.loads(data)
    assert (name, mime) == ("Report 2025.json", "application/json")
    assert document["pages"][0] == {"page": 1, "text": "one", "images": ["img-5.png"], "skipped": None}
    assert base64.b64decode(document["images"][0]["data_base64"]) == b"\x89PNG"


@pytest.mark.parametrize("output_format", ["zip", "json"])
def test_the_same_content_gives_the_same_bytes(output_format):
    assert build_output(collected(), output_format)[0] == build_output(collected(), output_format)[0]


def test_a_result_whose_pages_were_all_skipped_carries_a_warning():
    pages = [{"page": n, "text": None, "images": [], "skipped": f"Page {n}: the PDF is damaged"} for n in (1, 2)]
    data, _, _ = build_output(collected(pages=pages, images=[], image_data={}), "zip")
    meta = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("metadata.json"))
    assert meta["warnings"] == ["No page's text could be read (2 pages, each listed in skipped_pages with its "
                                "reason): the result holds no text because of these errors."]
    data, _, _ = build_output(collected(), "zip")  # one page of two read: no such warning
    assert json.loads(zipfile.ZipFile(io.BytesIO(data)).read("metadata.json"))["warnings"] == []


# The ZIP result in pieces ----------------------------------------------------------------------

def many_images(count: int, size: int) -> Collected:
    """`count` pages with one image each of `size` bytes (PNG, JPEG, and every fourth a TIFF, which
    is deflated), the first with a PNG mask; texts with an unencodable character."""
    mimes = {0: ("image/png", "png"), 1: ("image/jpeg", "jpg"), 2: ("image/png", "png"), 3: ("image/tiff", "tiff")}
    images, data = [], {}
    for n in range(count):
        mime, ext = mimes[n % 4]
        image = {"identity": f"img-{n}", "name": f"img-{n}.{ext}", "mime": mime, "width": 9, "height": 9,
                 "bytes": size, "pages": [n + 1], "note": None, "crc32": None}
        data[f"img-{n}"] = bytes([n % 251]) * (size - 1) + b"\n"
        images.append(image)
    images[0]["mask"] = {"name": "img-0-mask.png", "mime": "image/png", "width": 9, "height": 9, "bytes": 3}
    data[mask_identity("img-0")] = b"MSK"
    pages = [{"page": n + 1, "text": f"page {n + 1} \ud800", "images": [f"img-{n}"]} for n in range(count)]
    return Collected(source="scan.pdf", mode="complete", page_count=count, pages=pages, images=images,
                     image_data=data, producer="pypdf 7.1.0")


class Recorder:
    """A BlobWriter that keeps only a hash of what it is given (so memory holds no result) and the
    largest number of literal bytes given in one append; a StoredPart is looked up in `parts`."""

    def __init__(self, parts: dict[str, bytes]):
        self.parts, self.digest, self.size, self.largest = parts, hashlib.sha256(), 0, 0

    async def append(self, pieces):
        self.largest = max(self.largest, sum(len(p) for p in pieces if isinstance(p, bytes)))
        for piece in pieces:
            data = self.parts[piece.key] if isinstance(piece, StoredPart) else piece
            self.digest.update(data)
            self.size += len(data)

    async def commit(self, key, mime, beside):
        raise AssertionError("write_zip leaves the commit to its caller")


def stored_parts(collected: Collected, *, crc: bool) -> tuple[dict[str, ImagePart], dict[str, bytes]]:
    parts, by_key = {}, {}
    for identity, data in collected.image_data.items():
        by_key[f"part:{identity}"] = data
        parts[identity] = ImagePart(StoredPart(f"part:{identity}", len(data)), zlib.crc32(data) if crc else None)
    return parts, by_key


async def write_recorded(write, data: Collected, *, crc: bool = True, limit: int = 4096, traced: bool = False):
    """`write` (write_zip or write_json) of `data` from its stored parts into a Recorder: (recorder,
    size returned, keys read, peak of traced memory in bytes when `traced`)."""
    parts, by_key = stored_parts(data, crc=crc)
    recorder, reads = Recorder(by_key), []

    async def read(part):
        reads.append(part.key)
        return by_key[part.key]

    cleaned = valid_collected(data)
    if traced:
        tracemalloc.start()
    try:
        size = await write(cleaned, parts, BufferedWriter(recorder, limit=limit), read)
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
    finally:
        if traced:
            tracemalloc.stop()
    return recorder, size, reads, peak


@pytest.mark.parametrize("crc", [True, False], ids=["crc recorded", "older parts without crc"])
async def test_the_zip_written_in_pieces_is_the_zip_zipfile_wrote(crc):
    data = many_images(9, 5000)
    recorder, size, _, _ = await write_recorded(write_zip, data, crc=crc)
    expected = zipfile_zip(data)
    assert build_zip(valid_collected(data)) == expected
    assert recorder.digest.digest() == hashlib.sha256(expected).digest() and size == recorder.size == len(expected)


async def test_writing_the_zip_holds_one_image_at_most_never_the_whole_result():
    size, count = 2_000_000, 24  # a 48 MB result
    recorder, _, reads, peak = await write_recorded(write_zip, many_images(count, size), limit=1 << 20, traced=True)
    assert reads == [f"part:img-{n}" for n in range(3, count, 4)]  # only the TIFFs, to deflate; PNG/JPEG never read
    assert recorder.largest <= (1 << 20) + size  # an append: at most the buffer and one piece
    assert peak < 3 * size  # one image read and its deflated copy, never the 48 MB of the result


# The JSON result in pieces ---------------------------------------------------------------------

async def test_the_json_written_in_pieces_is_the_document_built_in_memory():
    data = many_images(9, 5000)
    recorder, size, _, _ = await write_recorded(write_json, data)
    expected = build_json(valid_collected(data))
    assert json.loads(expected)["images"][0]["mask"]["data_base64"] == base64.b64encode(b"MSK").decode()
    assert recorder.digest.digest() == hashlib.sha256(expected).digest() and size == recorder.size == len(expected)


async def test_a_placeholder_found_in_the_documents_own_text_is_drawn_again(monkeypatch):
    data = many_images(2, 10)
    data.pages[0]["text"] = "cafe" * 8  # the first placeholder nonce drawn below
    drawn = iter(["cafe" * 8, "beef" * 8])
    monkeypatch.setattr("dataflow.executors.pdf.output.secrets.token_hex", lambda n: next(drawn))
    recorder, _, _, _ = await write_recorded(write_json, data)
    assert recorder.digest.digest() == hashlib.sha256(build_json(valid_collected(data))).digest()


async def test_writing_the_json_holds_one_image_at_most_never_every_image():
    size, count = 1_500_000, 24  # 36 MB of images, 48 MB of base64
    recorder, _, reads, peak = await write_recorded(write_json, many_images(count, size), limit=1 << 20, traced=True)
    assert len(reads) == count + 1  # each image (and the mask) read once, one at a time
    assert recorder.largest <= (1 << 20) + 4 * size // 3 + 4  # an append: at most the buffer and one piece
    assert peak < 3 * size  # one image's base64 and the buffer, never the 48 MB of the result
