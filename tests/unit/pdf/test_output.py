"""Result assembly: file names, ZIP layout and JSON shape, byte-for-byte deterministic."""

import base64
import io
import json
import zipfile

import pytest

from dataflow.executors.pdf.output import Collected, build_output, stem


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
