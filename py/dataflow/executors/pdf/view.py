"""What the result viewer shows of a PDF task: the document's facts, page sizes and metadata, its
outline, its text page by page, its images as a gallery, and its warnings and skipped pages. Read
from the stored result (ZIP: metadata.json first, then one entry when it is shown; JSON: the one
document). Executors ring, pure: the page renders the blocks (core/views.py)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from dataflow.core.text import plural, size_text
from dataflow.core.views import (
    Block,
    Facts,
    Gallery,
    Notes,
    Outline,
    OutlineItem,
    Pages,
    Picture,
    ResultSource,
    ResultView,
    load_object,
)
from dataflow.executors.pdf.output import image_entry_name

MAX_OUTLINE = 2000  # bookmarks listed (a deeper or longer outline is cut, with a note)


def text_entry(page: int) -> str:
    """The ZIP entry of a page's text (output.build_zip writes it)."""
    return f"text/page-{page:04d}.txt"


async def pdf_view(result: dict[str, Any], source: ResultSource, filename: str) -> ResultView:
    """The view of a PDF result; ValueError when its metadata cannot be read."""
    if filename.lower().endswith(".json"):
        document = load_object(await source.whole(), filename)
        return _build(document, _json_pages(document), _json_image(document))
    meta = await source.read("metadata.json")
    if meta is None:
        raise ValueError(f"{filename} has no metadata.json: it is not a result of this app")
    document = load_object(meta, "metadata.json")
    names = set(await source.names())

    async def read_page(page: int) -> str | None:
        name = text_entry(page)
        data = await source.read(name) if name in names else None
        return data.decode("utf-8", errors="replace") if data is not None else None

    def read_image(name: str) -> Callable[[], Any]:
        async def read() -> bytes | None:
            return await source.read(image_entry_name(name))
        return read

    return _build(document, read_page, read_image)


def _json_pages(document: dict[str, Any]) -> Callable[[int], Any]:
    texts = {int(p["page"]): p.get("text") for p in document.get("pages") or [] if isinstance(p, dict)}

    async def read_page(page: int) -> str | None:
        text = texts.get(page)
        return text if isinstance(text, str) else None
    return read_page


def _json_image(document: dict[str, Any]) -> Callable[[str], Callable[[], Any]]:
    encoded = {str(i.get("name")): i.get("data_base64") for i in document.get("images") or [] if isinstance(i, dict)}

    def read_image(name: str) -> Callable[[], Any]:
        async def read() -> bytes | None:
            data = encoded.get(name)
            return base64.b64decode(data) if isinstance(data, str) else None
        return read
    return read_image


def _build(doc: dict[str, Any], read_page: Callable[[int], Any],
           read_image: Callable[[str], Callable[[], Any]]) -> ResultView:
    found = doc.get("document_info")
    info: dict[str, Any] = found if isinstance(found, dict) else {}
    title = str(info.get("Title") or doc.get("source") or "PDF result")
    count = int(doc.get("page_count") or 0)
    skipped = {int(s["page"]): str(s.get("reason", "")) for s in doc.get("skipped_pages") or [] if isinstance(s, dict)}
    blocks: list[Block] = [Facts("Document", tuple(_facts(doc, title, count)))]
    if info:
        blocks.append(Facts("Metadata", tuple((str(key), str(value)) for key, value in info.items())))
    outline = tuple(_outline(doc.get("outline") or [], 0))
    if outline:
        blocks.append(Outline("Outline", outline[:MAX_OUTLINE]))
    if doc.get("mode") != "images" and count:
        def missing(page: int) -> str:
            return f"Page {page} was skipped: {skipped[page]}" if page in skipped else f"Page {page} has no text."
        blocks.append(Pages("Text", count, read_page, missing))
    pictures = tuple(_picture(image, read_image) for image in doc.get("images") or [] if isinstance(image, dict))
    if pictures:
        blocks.append(Gallery("Images", pictures))
    notes = tuple(_notes(doc, skipped, len(outline)))
    if notes:
        blocks.append(Notes("Warnings and skipped pages", notes))
    return ResultView(title=title, blocks=tuple(blocks))


def _facts(doc: dict[str, Any], title: str, count: int) -> list[tuple[str, str]]:
    rows = [("Title", title), ("Source file", str(doc.get("source", ""))), ("Pages", str(count))]
    sizes = page_size_groups(doc.get("page_sizes") or [])
    if sizes:
        rows.append(("Page sizes", "; ".join(sizes)))
    images = doc.get("images") or []
    rows.append(("Images", str(len(images)) + (f" (+{doc['images_over_limit']} over the limit)"
                                               if doc.get("images_over_limit") else "")))
    rows.append(("Extracted", f"{doc.get('mode', '')} with {doc.get('extracted_with', '')}".strip()))
    if doc.get("replaced_characters"):
        rows.append(("Replaced characters", str(doc["replaced_characters"])))
    return rows


def page_size_groups(sizes: list[Any]) -> list[str]:
    """Page sizes grouped: ["612 × 792 pt: pages 1–3, 5", "842 × 595 pt, rotated 90°: page 4"]."""
    groups: dict[str, list[int]] = {}
    for entry in sizes:
        if not isinstance(entry, dict) or "width_pt" not in entry:
            continue
        label = f"{entry['width_pt']:g} × {entry['height_pt']:g} pt"
        if entry.get("rotation"):
            label += f", rotated {entry['rotation']}°"
        groups.setdefault(label, []).append(int(entry.get("page", 0)))
    return [f"{label}: {_ranges(pages)}" for label, pages in groups.items()]


def _ranges(pages: list[int]) -> str:
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][1] + 1:
            runs[-1][1] = page
        else:
            runs.append([page, page])
    word = "page" if len(pages) == 1 else "pages"
    return word + " " + ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


def _outline(items: list[Any], depth: int) -> list[OutlineItem]:
    found: list[OutlineItem] = []
    for item in items:
        if isinstance(item, dict):
            page = item.get("page")
            found.append(OutlineItem(str(item.get("title", "")), page if isinstance(page, int) else None, depth))
            found += _outline(item.get("children") or [], depth + 1)
    return found


def _picture(image: dict[str, Any], read_image: Callable[[str], Callable[[], Any]]) -> Picture:
    name = str(image.get("name", ""))
    pages = [page for page in image.get("pages") or [] if isinstance(page, int)]
    where = _ranges(pages) if pages else "no page"  # "pages 1–120", not 120 numbers
    caption = [f"{name} · {where}", f"{image.get('width')} × {image.get('height')} px · {image.get('mime', '')}"
               + (f" · {size_text(int(image['bytes']))}" if image.get("bytes") else "")]
    if image.get("note"):
        caption.append(str(image["note"]))
    if isinstance(image.get("mask"), dict):
        caption.append(f"Transparency in {image['mask'].get('name', '')}")
    return Picture(name=name, mime=str(image.get("mime") or "application/octet-stream"), caption=tuple(caption),
                   alt=f"{name}, {where}", read=read_image(name))


def _notes(doc: dict[str, Any], skipped: dict[int, str], outline_count: int) -> list[str]:
    notes = [str(warning) for warning in doc.get("warnings") or []]
    notes += [f"Page {page} skipped: {reason}" for page, reason in sorted(skipped.items())]
    notes += [f"Images of page {e.get('page')} not extracted: {e.get('reason')}" for e in doc.get("image_errors") or []
              if isinstance(e, dict)]
    notes += [f"{e.get('detail')}" + (f" of page {e['page']}" if e.get("page") else "")
              + f" not read: {e.get('reason')}" for e in doc.get("detail_errors") or [] if isinstance(e, dict)]
    if doc.get("images_over_limit"):
        notes.append(f"{plural(int(doc['images_over_limit']), 'image')} over the limit not extracted")
    if outline_count > MAX_OUTLINE:
        notes.append(f"The outline has {outline_count} entries; the first {MAX_OUTLINE} are listed")
    notes += [f"pypdf: {message}" for message in doc.get("pypdf_messages") or []]
    return notes
