"""The PDF result's view, built from a real ZIP result read through the lazy BlobSource."""

import asyncio

from dataflow.browser.blob_source import BlobSource
from dataflow.core.views import Facts, Gallery, Notes, Outline, Pages
from dataflow.executors.pdf.output import Collected, build_zip
from dataflow.executors.pdf.view import page_size_groups, pdf_view


def source_of(data: bytes) -> BlobSource:
    reads = []

    async def read_range(start: int, end: int) -> bytes:
        reads.append((start, end))
        return data[start:end]
    source = BlobSource(len(data), read_range)
    source.reads = reads  # type: ignore[attr-defined]
    return source


def collected() -> Collected:
    pages = [{"page": n, "text": f"<script>page {n}</script>", "images": ["i1"] if n == 2 else []} for n in (1, 2)]
    pages.append({"page": 3, "text": None, "skipped": "too big"})
    return Collected(source="doc.pdf", mode="complete", page_count=3, pages=pages,
                     images=[{"identity": "i1", "name": "img-1.png", "mime": "image/png", "width": 2, "height": 3,
                              "pages": [2], "bytes": 4, "note": "soft mask applied"}],
                     image_data={"i1": b"\x89PNG"}, warnings=["repaired"],
                     details={"document_info": {"Title": "<img src=x>"},
                              "outline": [{"title": "One", "page": 1, "children": [{"title": "Two", "page": 2}]}],
                              "page_sizes": [{"page": n, "width_pt": 612, "height_pt": 792, "rotation": 0}
                                             for n in (1, 2, 3)]})


def test_the_view_lists_facts_outline_pages_images_and_notes_from_the_zip():
    view = asyncio.run(pdf_view({}, source_of(build_zip(collected())), "doc.zip"))
    kinds = [type(block) for block in view.blocks]
    assert kinds == [Facts, Facts, Outline, Pages, Gallery, Notes]
    assert view.title == "<img src=x>"
    outline = view.blocks[2]
    assert [(i.title, i.page, i.depth) for i in outline.items] == [("One", 1, 0), ("Two", 2, 1)]
    pages = view.blocks[3]
    assert asyncio.run(pages.read(2)) == "<script>page 2</script>"
    assert asyncio.run(pages.read(3)) is None and "too big" in pages.missing(3)
    picture = view.blocks[4].pictures[0]
    assert asyncio.run(picture.read()) == b"\x89PNG" and "soft mask applied" in picture.caption
    assert "Page 3 skipped: too big" in view.blocks[5].items


def test_page_sizes_are_grouped_into_ranges():
    sizes = [{"page": n, "width_pt": 612, "height_pt": 792} for n in (1, 2, 3, 5)]
    sizes.append({"page": 4, "width_pt": 842, "height_pt": 595, "rotation": 90})
    assert page_size_groups(sizes) == ["612 × 792 pt: pages 1–3, 5", "842 × 595 pt, rotated 90°: page 4"]


def test_an_image_on_many_pages_is_captioned_with_page_ranges():
    shared = collected()
    shared.pages = [{"page": n, "text": "", "images": ["i1"] if n != 5 else []} for n in range(1, 121)]
    shared.page_count = 120
    shared.images[0]["pages"] = [n for n in range(1, 121) if n != 5]
    shared.details = {}
    view = asyncio.run(pdf_view({}, source_of(build_zip(shared)), "doc.zip"))
    [gallery] = [block for block in view.blocks if isinstance(block, Gallery)]
    assert "img-1.png · pages 1–4, 6–120" in gallery.pictures[0].caption
