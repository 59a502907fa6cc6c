"""What comes out of a PDF besides images: page text, document metadata, outline, page sizes.

Each page is extracted on its own, so a damaged page is reported and skipped while the others go
on. Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

from typing import Any

from pypdf import PdfReader
from pypdf.generic import StreamObject

from dataflow.executors.pdf.decoding import DamagedData, decoded_data
from dataflow.executors.pdf.errors import PdfError
from dataflow.executors.pdf.reader import pdf_errors, reason

MAX_OUTLINE_DEPTH = 32
# ISO 32000 makes /MediaBox required (inheritable); without a usable one we assume US Letter, as
# pdf.js does, and say so in the page's entry.
DEFAULT_PAGE_SIZE = (612.0, 792.0)


def page_text(reader: PdfReader, index: int) -> str:
    """The text of page `index` (0-based); raises a PdfError naming the page if it cannot be read."""
    with pdf_errors(f"Page {index + 1}"):
        page = reader.pages[index]
        page.get_contents()  # decodes the content stream: pypdf's limits raise here, extract_text hides them
        return page.extract_text() or ""


def damaged_contents(reader: PdfReader, index: int) -> str | None:
    """Why page `index`'s content stream is damaged ("Page 3: its content stream 2 of 2 is damaged
    (...)"), or None. pypdf recovers such data byte by byte and only logs zlib's error, unattributed,
    so its text comes out empty or short with no trace on the page; this names the page."""
    try:
        contents = reader.pages[index].get("/Contents")
        contents = contents.get_object() if contents is not None else None
        streams = [item.get_object() for item in contents] if isinstance(contents, list) else [contents]
    except Exception:  # an unreadable /Contents is page_text's to report
        return None
    for number, stream in enumerate(streams, start=1):
        if not isinstance(stream, StreamObject):
            continue
        try:
            decoded_data(stream, stop_at_codec=False)
        except DamagedData as error:
            which = f" {number} of {len(streams)}" if len(streams) > 1 else ""
            return (f"Page {index + 1}: its content stream{which} is damaged ({error}); its text is missing or "
                    "incomplete.")
        except Exception:  # another filter or a limit: pypdf reports it through page_text
            continue
    return None


def page_size(reader: PdfReader, index: int) -> dict[str, Any]:
    """{"page", "width_pt", "height_pt", "rotation"} (points, degrees), plus "note" when the page has no
    usable /MediaBox and DEFAULT_PAGE_SIZE was assumed. Never raises for a bad box or rotation."""
    page = reader.pages[index]
    entry: dict[str, Any] = {"page": index + 1}
    try:
        box = page.mediabox
        width, height = abs(float(box.width)), abs(float(box.height))
        if not (width > 0 and height > 0 and width < 1e7 and height < 1e7):
            raise ValueError(f"an empty or absurd box ({width} × {height} pt)")
    except Exception as error:  # a missing, malformed or degenerate /MediaBox: use the default
        width, height = DEFAULT_PAGE_SIZE
        entry["note"] = (f"The page has no usable /MediaBox ({reason(error)}); US Letter "
                         f"(612 × 792 pt) is assumed, as pdf.js does.")
    try:
        rotation = int(page.rotation or 0)
    except Exception:  # a malformed /Rotate: the spec's default
        rotation = 0
    entry.update(width_pt=round(width, 2), height_pt=round(height, 2), rotation=rotation)
    return {key: entry[key] for key in ("page", "width_pt", "height_pt", "rotation", "note") if key in entry}


def document_metadata(reader: PdfReader) -> dict[str, str]:
    """The document information dictionary as plain strings (keys without the leading slash)."""
    try:
        info: Any = reader.metadata or {}
        items = list(info.items())
    except Exception as error:  # a broken /Info must not cost the rest of the document
        return {"_error": f"The document information could not be read: {reason(error)}"}
    values = {}
    for key, value in items:
        try:
            values[str(key).lstrip("/")] = str(value.get_object() if hasattr(value, "get_object") else value)
        except Exception:  # one unreadable entry: skip it, keep the others
            continue
    return values


def document_outline(reader: PdfReader) -> list[dict[str, Any]]:
    """Bookmarks as a tree: [{"title", "page" (1-based or None), "children": [...]}]."""
    try:
        return _outline_items(reader, reader.outline, 0)
    except PdfError:
        raise
    except Exception:  # an unreadable outline is not worth failing the document for
        return []


def _outline_items(reader: PdfReader, items: list, depth: int) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    if depth > MAX_OUTLINE_DEPTH:
        return result
    for item in items:
        if isinstance(item, list):
            if result:
                result[-1]["children"] = _outline_items(reader, item, depth + 1)
            continue
        try:
            number = reader.get_destination_page_number(item)
        except Exception:  # a destination that points nowhere
            number = None
        page = number + 1 if number is not None and number >= 0 else None
        result.append({"title": str(getattr(item, "title", "") or ""), "page": page, "children": []})
    return result
