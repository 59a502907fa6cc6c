"""Where a PDF task's extracted parts live in the store, and how its records are read back.

One `PdfService.process` call (a chunk of pages) stores its packs, the bytes of the images (and
masks) first seen in the chunk, a few megabytes a value (`pack_key`), then its record, one JSON value
{"pages": [page record, ...], "images": [image record, ...]} (`chunk_key`), in one write with the last
pack (one IndexedDB transaction in the app). An image record names its pack, the pack's size and its
offsets in it. Packs, not one value per image: IndexedDB spends about as long on each of ~80 small
values as on the chunk's megabytes of images (`bench/image_bench.py`). A pack is written as soon as it
is full, while the chunk's next pages are extracted; the record only after every pack it names.

Earlier versions stored a record per page (`page_key`) and per image (`image_meta_key`), and before
packs each image's and mask's bytes under `image_key`, `image_mask_key`: those are read too, so a task
interrupted under an earlier version finishes under this one with the same result.

A chunk run again (after a reload, from the last checkpoint) may store a page's record a second time;
records of one page are equal whichever run extracted it, so the first found is used. Standard
library and the core only.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from dataflow.core.blobs import BlobStore, Entry, Value, parts_prefix, put_many_started


def page_key(task_id: str, page: int) -> str:
    """A page's record, as versions before chunk records stored it."""
    return f"{page_prefix(task_id)}{page:06d}"


def page_prefix(task_id: str) -> str:
    return f"{parts_prefix(task_id)}page:"


def image_key(task_id: str, identity: str) -> str:
    """An image's bytes, as versions before packs stored them."""
    return f"{parts_prefix(task_id)}image:{identity}"


def image_mask_key(task_id: str, identity: str) -> str:
    """An image's mask's bytes, as versions before packs stored them."""
    return f"{parts_prefix(task_id)}imagemask:{identity}"


def image_meta_key(task_id: str, identity: str) -> str:
    """An image's record, as versions before chunk records stored it."""
    return f"{parts_prefix(task_id)}imagemeta:{identity}"


def pack_key(task_id: str, identity: str) -> str:
    """Where the images (and masks) first stored in one chunk live together, named by its first image:
    an image is recorded in one pack only (its record is written with its pack or after it, and a
    recorded image is never stored again), so a pack a record names is never replaced by other bytes.
    A pack written before a reload that came before its record names no image: the chunk's rerun may
    write it again, with the same bytes or, if its time budget ends it sooner, fewer."""
    return f"{parts_prefix(task_id)}pack:{identity}"


def chunk_key(task_id: str, first: int, last: int, identity: str | None = None) -> str:
    """The record of the chunk of pages `first`..`last` (numbered from 1) whose pack is named by
    `identity` (None: the chunk stored no image). A chunk run again with the same pages either stores
    the same record under the same key or, when its images were stored by the earlier run, a record
    without them under another key: a record of stored images is never replaced."""
    return f"{chunk_prefix(task_id)}{first:06d}-{last:06d}" + (f":{identity}" if identity else "")


def chunk_prefix(task_id: str) -> str:
    return f"{parts_prefix(task_id)}chunk:"


JSON = "application/json"


@dataclass
class ChunkWrites:
    """What one `process` call stores: its packs (the chunk's new image and mask bytes, several
    megabytes a value: IndexedDB keeps each stored Blob as a file of its own, and hundreds of small
    ones were 3-5x slower to write than a few large ones), then the chunk's record with the last one."""

    task_id: str
    pieces: list[bytes] = field(default_factory=list)
    size: int = 0  # bytes in the pack being filled
    identity: str | None = None  # the first image of the pack being filled: it names the pack
    first: str | None = None  # the chunk's first new image: it names the record
    images: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    named: int = 0  # images[:named] have their pack named: the packs they are in are handed out

    def place(self, identity: str, data: bytes) -> int:
        """Add `data` to the pack being filled; returns its offset there."""
        self.identity = self.identity or identity
        self.first = self.first or identity
        offset, self.size = self.size, self.size + len(data)
        self.pieces.append(data)
        return offset

    def pack(self) -> list[Entry]:
        """The entry (key, bytes, MIME type) of the pack being filled, or none when it is empty."""
        if self.identity is None:
            return []
        return [(pack_key(self.task_id, self.identity), b"".join(self.pieces), "application/octet-stream")]

    def flush(self) -> list[Entry]:
        """The pack being filled, handed out to be stored before the record (its entry, as `pack`); its
        images' records name it from now on and the next image starts a new pack."""
        entry = self.pack()
        self.images[self.named:] = self._naming(self.images[self.named:])
        self.named = len(self.images)
        self.pieces, self.size, self.identity = [], 0, None
        return entry

    def _naming(self, images: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Copies of `images` (of the pack being filled) whose stored bytes name that pack."""
        if self.identity is None:
            return images
        where = {"key": pack_key(self.task_id, self.identity), "bytes": self.size}
        return [image | {"stored": image["stored"] | where} if "stored" in image else image for image in images]

    def record(self) -> tuple[str, str]:
        """(key, JSON) of the chunk's record, its image records naming their packs ("stored": "key",
        "bytes"). Raises ValueError when no page was added."""
        key, value = self.record_value()
        return key, json.dumps(value)

    def record_value(self) -> tuple[str, dict[str, Any]]:
        """(key, value) of the chunk's record: what `record` stores as JSON (equal to it decoded)."""
        if not self.pages:
            raise ValueError("a chunk record needs at least one page")
        images = self.images[:self.named] + self._naming(self.images[self.named:])
        key = chunk_key(self.task_id, self.pages[0]["page"], self.pages[-1]["page"], self.first)
        return key, {"pages": self.pages, "images": images}


class PackWrites:
    """A chunk's full packs being written, one at a time: the store writes one while the next fills
    (core.blobs.put_many_started), so at most one pack is in flight besides the one being filled."""

    def __init__(self, store: BlobStore):
        self.store = store
        self.pending: Awaitable[None] | None = None

    async def start(self, entries: list[Entry]) -> None:
        """Write `entries` once the pack before is stored; StorageFullError (or the store's error) of that one."""
        await self.settle()
        self.pending = put_many_started(self.store, entries)

    async def settle(self) -> None:
        """Wait for the pack in flight; raises its write's error."""
        pending, self.pending = self.pending, None
        if pending is not None:
            await pending

    async def abandon(self) -> None:
        """Wait for the pack in flight, ignoring its outcome: the chunk failed for another reason."""
        with suppress(Exception):
            await self.settle()


@dataclass
class StoredRecords:
    """A task's stored records: one per page, in page order, and one per image, in the order stored."""

    pages: list[dict[str, Any]]
    images: list[dict[str, Any]]


async def stored_records(store: BlobStore, task_id: str, keys: list[str], known: dict[str, Any]) -> StoredRecords:
    """The records among the stored `keys` (a listing of the task's parts): chunk records, and the page
    and image records of earlier versions. Values in `known` (key -> the record, as JSON or decoded:
    what this worker stored or read before) are neither read nor decoded again; the others are read in
    one call and added to `known` decoded. A value that went missing or is not a record of its kind is
    left out, so the pages it held count as missing. The records returned are those of `known`: copy
    one before changing it."""
    wanted = [key for key in keys if key.startswith(_prefixes(task_id))]
    unknown = [key for key in wanted if key not in known]
    if unknown:
        known.update((key, _decoded(value)) for key, value in zip(unknown, await store.get_many(unknown), strict=True)
                     if isinstance(value, str))
    pages: dict[int, dict[str, Any]] = {}
    images: dict[str, dict[str, Any]] = {}
    chunk, page, _ = _prefixes(task_id)
    for key in wanted:
        value = _decoded(known.get(key))
        if key.startswith(chunk) and isinstance(value, dict):
            _add(pages, images, value.get("pages"), value.get("images"))
        elif key.startswith(page):
            _add(pages, images, [value], [])
        else:
            _add(pages, images, [], [value])
    return StoredRecords([pages[number] for number in sorted(pages)], list(images.values()))


def _prefixes(task_id: str) -> tuple[str, str, str]:
    """The key prefixes of chunk records, and of page and image records of earlier versions."""
    return chunk_prefix(task_id), page_prefix(task_id), image_meta_key(task_id, "")


def _decoded(value: Value | dict[str, Any] | None) -> Any:
    """A record from its JSON (None if it is not JSON); one already decoded as it is."""
    if isinstance(value, dict):
        return value
    try:
        return json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _add(pages: dict[int, dict[str, Any]], images: dict[str, dict[str, Any]], page_records: Any,
         image_records: Any) -> None:
    for record in page_records if isinstance(page_records, list) else []:
        if isinstance(record, dict) and isinstance(record.get("page"), int):
            pages.setdefault(record["page"], record)
    for record in image_records if isinstance(image_records, list) else []:
        if isinstance(record, dict) and isinstance(record.get("identity"), str):
            images.setdefault(record["identity"], record)

