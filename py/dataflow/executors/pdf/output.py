"""Assembling the result of a PDF task: a ZIP (text files, images/, metadata.json) or one JSON
document (images as base64). Deterministic: the same pages give byte-identical output, whatever
chunks or interruptions produced them. Standard library only."""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from dataflow.core.blobs import BufferedWriter, Piece, StoredPart
from dataflow.core.zipdir import STORED, ZipWriter
from dataflow.executors.pdf.text import valid_tree

RAW_MIMES = ("image/jpeg", "image/png")  # kept as they are in the ZIP (already compressed)


@dataclass
class Collected:
    source: str
    mode: str
    page_count: int
    pages: list[dict[str, Any]]  # {"page", "text", "images": [identity], "skipped", "image_error"}
    images: list[dict[str, Any]]  # {"identity", "name", "mime", "width", "height", "note", "pages"}
    image_data: dict[str, bytes]  # identity -> bytes (and mask_identity(identity) -> the mask's bytes)
    images_over_limit: int = 0
    details: dict[str, Any] = field(default_factory=dict)  # complete mode: info, outline, page_sizes
    producer: str = ""
    warnings: list[str] = field(default_factory=list)
    pypdf_messages: list[str] = field(default_factory=list)
    replaced_characters: int = 0  # lone surrogates and the like, replaced by U+FFFD (see text.py)


def mask_identity(identity: str) -> str:
    """The key of an image's separate mask file in Collected.image_data."""
    return identity + "#mask"


def stem(source: str) -> str:
    base = source.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    base = base[:-4] if base.lower().endswith(".pdf") else base
    return base or "document"


def unread_warning(collected: Collected) -> list[str]:
    """A warning when no page's text could be read (each page is in "skipped_pages"): the result is
    empty because of errors, not because the document is."""
    skipped = [page for page in collected.pages if page.get("skipped")]
    if not collected.pages or len(skipped) < len(collected.pages):
        return []
    count = f"{len(skipped)} page{'s' if len(skipped) != 1 else ''}"
    return [f"No page's text could be read ({count}, each listed in skipped_pages with its reason): "
            "the result holds no text because of these errors."]


def summary(collected: Collected) -> dict[str, Any]:
    """metadata.json. Besides the counts and lists: "replaced_characters" (characters UTF-8 could not
    encode, replaced by U+FFFD), each image's "note" (why it is not a plain PNG/JPEG, or what was
    assumed) and "mask" ({"name", "mime", "width", "height", "bytes"} of its transparency written as a
    second file), and in complete mode "detail_errors" ([{"detail", "page", "reason"}]) for parts of
    the details that could not be read, and a page size's "note" when a default size was assumed."""
    names = {image["identity"]: image["name"] for image in collected.images}
    data = {
        "source": collected.source,
        "mode": collected.mode,
        "page_count": collected.page_count,
        "extracted_with": collected.producer,
        "warnings": collected.warnings + unread_warning(collected),
        "replaced_characters": collected.replaced_characters,
        "pypdf_messages": collected.pypdf_messages,
        "skipped_pages": [{"page": p["page"], "reason": p["skipped"]} for p in collected.pages if p.get("skipped")],
        "image_errors": [{"page": p["page"], "reason": p["image_error"]} for p in collected.pages
                         if p.get("image_error")],
        "images": [_image_entry(image) for image in collected.images],
        "images_over_limit": collected.images_over_limit,
        "page_images": {str(p["page"]): [names[i] for i in p.get("images", []) if i in names]
                        for p in collected.pages if p.get("images")},
    }
    data.update(collected.details)
    return data


def _image_entry(image: dict[str, Any]) -> dict[str, Any]:
    entry = {k: image.get(k) for k in ("name", "mime", "width", "height", "bytes", "pages", "note")}
    if image.get("mask"):  # transparency written as its own file beside the image
        entry["mask"] = dict(image["mask"])
    return entry


@dataclass(frozen=True)
class ZipItem:
    """One file of the ZIP result, in archive order: text and metadata.json carry their `data`; an
    image or mask names its `identity` (a key of Collected.image_data, or of the stored parts)."""

    name: str
    stored: bool  # written as is (JPEG, PNG) rather than deflated
    data: bytes | None = None
    identity: str | None = None


def image_entry_name(name: str) -> str:
    """The ZIP entry of an image (or mask) file named `name`."""
    return f"images/{name}"


def zip_items(collected: Collected, has: Callable[[str], bool]) -> Iterator[ZipItem]:
    """The files of the ZIP result in order: each page's text, each image (and its mask) for which
    `has(identity)`, then metadata.json (made last, from everything before it)."""
    for page in collected.pages:
        if page.get("text") is not None:
            yield ZipItem(f"text/page-{page['page']:04d}.txt", False, data=page["text"].encode("utf-8"))
    for image in collected.images:
        if has(image["identity"]):
            yield ZipItem(image_entry_name(image["name"]), image["mime"] in RAW_MIMES, identity=image["identity"])
        mask, mask_id = image.get("mask"), mask_identity(image["identity"])
        if mask and has(mask_id):
            yield ZipItem(image_entry_name(mask["name"]), mask["mime"] in RAW_MIMES, identity=mask_id)
    yield ZipItem("metadata.json", False, data=json.dumps(summary(collected), indent=2, ensure_ascii=False).encode())


def build_zip(collected: Collected) -> bytes:
    """The ZIP result as one value, from Collected.image_data (see write_zip for the result in pieces)."""
    writer = ZipWriter()
    pieces: list[bytes] = []
    for item in zip_items(collected, collected.image_data.__contains__):
        data = item.data if item.data is not None else collected.image_data[cast(str, item.identity)]
        pieces += writer.entry(item.name, data, stored=item.stored)
    return b"".join(pieces) + writer.close()


@dataclass(frozen=True)
class ImagePart:
    """Where an image's (or mask's) bytes are stored, and their CRC-32 when extraction recorded it
    (parts stored by older versions have none: they are read to compute it). `header`: (offset, CRC-32)
    of its ZIP local header when extraction stored one right before the bytes in the same value, so
    the two go into the archive as one range (none from older versions, or for deflated images)."""

    part: StoredPart
    crc: int | None
    header: tuple[int, int] | None = None

    def framed(self, header: bytes) -> StoredPart | None:
        """The stored range holding `header` then the part, if the stored header is those very bytes."""
        if self.header is None or self.part.within is None:
            return None
        at, crc = self.header
        if at + len(header) != self.part.offset or zlib.crc32(header) != crc:
            return None
        return StoredPart(self.part.key, len(header) + self.part.size, at, self.part.within)


async def write_zip(collected: Collected, parts: Mapping[str, ImagePart], out: BufferedWriter,
                    read: Callable[[StoredPart], Awaitable[bytes]]) -> int:
    """Write the ZIP result into `out` piece by piece (the same bytes as build_zip): an image kept
    as is goes in as its StoredPart, never read; one to deflate is read alone (`read`), so memory
    holds at most one image besides the texts. Returns the archive's size in bytes; PartMissingError
    (from `out` or `read`) when a part is not as recorded."""
    writer = ZipWriter()
    for item in zip_items(collected, parts.__contains__):
        if item.data is None:
            image = parts[cast(str, item.identity)]
            if item.stored and image.crc is not None:
                size = image.part.size
                header = writer.header(item.name, method=STORED, crc=image.crc, size=size, compressed_size=size)
                framed = image.framed(header)
                pieces: list[Piece] = [framed] if framed else [header, image.part]
                for piece in pieces:
                    await out.write(piece)
                continue
            data = await read(image.part)
        else:
            data = item.data
        for piece in writer.entry(item.name, data, stored=item.stored):
            await out.write(piece)
    await out.write(writer.close())
    await out.close()
    return writer.offset


def json_document(collected: Collected, encoded: Callable[[str], str | None]) -> dict[str, Any]:
    """The JSON result as a value: metadata.json's fields, "pages", and each image's (and mask's)
    "data_base64" from `encoded(identity)` (None: its bytes are not stored)."""
    document = summary(collected)
    names = {image["identity"]: image["name"] for image in collected.images}
    document["pages"] = [{"page": p["page"], "text": p.get("text"),
                          "images": [names[i] for i in p.get("images", []) if i in names],
                          "skipped": p.get("skipped")} for p in collected.pages]
    document["images_encoding"] = "base64"
    for image, entry in zip(collected.images, document["images"], strict=True):
        entry["identity"] = image["identity"]
        entry["data_base64"] = encoded(image["identity"])
        if "mask" in entry:
            entry["mask"]["data_base64"] = encoded(mask_identity(image["identity"]))
    return document


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def build_json(collected: Collected) -> bytes:
    """The JSON result as one value, from Collected.image_data (see write_json for it in pieces)."""
    data = collected.image_data

    def encoded(identity: str) -> str | None:
        return base64.b64encode(data[identity]).decode("ascii") if identity in data else None
    return json_text(json_document(collected, encoded)).encode("utf-8")


BASE64_PIECE = 3 * (1 << 18)  # bytes of an image encoded at a time (a multiple of 3: the pieces join)


def _with_placeholders(collected: Collected, parts: Mapping[str, ImagePart]) -> tuple[list[str], list[str]]:
    """(identities in document order, the document's text split around their placeholders: text at
    even indexes, the index into identities at odd ones). Each placeholder is "NONCE<n>NONCE" with a
    random NONCE; if the document's own text contains it, another is drawn."""
    while True:
        nonce, order = secrets.token_hex(16), cast(list[str], [])

        def placeholder(identity: str, nonce: str = nonce, order: list[str] = order) -> str | None:
            if identity not in parts:
                return None
            order.append(identity)
            return f"{nonce}{len(order) - 1}{nonce}"
        pieces = json_text(json_document(collected, placeholder)).split(nonce)
        if len(pieces) == 2 * len(order) + 1:
            return order, pieces


async def write_json(collected: Collected, parts: Mapping[str, ImagePart], out: BufferedWriter,
                     read: Callable[[StoredPart], Awaitable[bytes]]) -> int:
    """Write the JSON result into `out` piece by piece (the same bytes as build_json): the document is
    made with a placeholder for each image's base64, then written with every placeholder replaced by
    its image, read one at a time (`read`), so memory holds the document's text and one image, never
    every image. Returns the size in bytes; PartMissingError (from `out` or `read`) when a part is not
    as recorded. Base64 needs no JSON escaping, so the bytes are those json.dumps gives."""
    order, pieces = _with_placeholders(collected, parts)
    size = 0
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            chunks: Iterator[bytes] = iter([piece.encode("utf-8")])
        else:
            data = memoryview(await read(parts[order[int(piece)]].part))
            chunks = (base64.b64encode(data[start:start + BASE64_PIECE]) for start in range(0, len(data), BASE64_PIECE))
        for chunk in chunks:
            await out.write(chunk)
            size += len(chunk)
    await out.close()
    return size


def valid_collected(collected: Collected) -> Collected:
    """A copy whose every string UTF-8 can encode, with the number of characters replaced."""
    fields = ("source", "pages", "images", "details", "warnings", "pypdf_messages")
    cleaned, replaced = valid_tree([getattr(collected, name) for name in fields])
    return replace(collected, **dict(zip(fields, cleaned, strict=True)),
                   replaced_characters=collected.replaced_characters + replaced)


def build_output(collected: Collected, output_format: str) -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) of the result. Text is always valid UTF-8: characters that cannot
    be encoded are replaced by U+FFFD and counted in "replaced_characters"."""
    collected = valid_collected(collected)
    if output_format == "json":
        return build_json(collected), f"{stem(collected.source)}.json", "application/json"
    return build_zip(collected), f"{stem(collected.source)}.zip", "application/zip"
