"""The PDF service: open a stored PDF, extract pages chunk by chunk into the store, assemble the
result. It runs where pypdf runs: in a Web Worker in the app, in-process in tests.

Each chunk's pages and new images are stored as soon as they are extracted, in one write (see
records.py), so a chunk run again after a reload stores the same records and the final result is
identical to an uninterrupted run. Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

import json
import logging
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pypdf
from pypdf import apply_configuration, get_configuration

from dataflow.core.blobs import (
    BlobStore,
    BufferedWriter,
    PartMissingError,
    StoredPart,
    parts_prefix,
    read_part,
    writer_of,
)
from dataflow.core.runs import stored_file, stored_summary
from dataflow.core.zipdir import local_header
from dataflow.executors.pdf.ahead import Decrypted, Decrypter, decrypted_ahead, taking
from dataflow.executors.pdf.errors import FileMissingError, MissingPartsError, PdfError, PdfWorkerError
from dataflow.executors.pdf.extract import damaged_contents, document_metadata, document_outline, page_size, page_text
from dataflow.executors.pdf.images import convert_image, page_image_streams
from dataflow.executors.pdf.kdf import Hasher, as_stored, may_be_encrypted, password_hashes, precomputed
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.output import (
    RAW_MIMES,
    Collected,
    ImagePart,
    image_entry_name,
    mask_identity,
    stem,
    valid_collected,
    write_json,
    write_zip,
)
from dataflow.executors.pdf.reader import open_pdf, pdf_errors, reason
from dataflow.executors.pdf.records import (
    JSON,
    ChunkWrites,
    PackWrites,
    image_key,
    image_mask_key,
    pack_key,
    stored_records,
)
from dataflow.executors.pdf.store import run_result_key, summary_key
from dataflow.executors.pdf.text import normalise_message


@dataclass
class OpenDocument:
    reader: pypdf.PdfReader
    options: PdfOptions
    source: str
    warnings: list[str]
    pypdf_messages: list[str] = field(default_factory=list)
    stored_images: set[str] | None = None  # identities whose parts this worker knows are stored
    records: dict[str, Any] = field(default_factory=dict)  # key -> record (decoded): what this worker stored or read
    decrypted: Decrypted = field(default_factory=dict)  # AES streams decrypted ahead (ahead.py), taken once


MAX_PYPDF_MESSAGES = 20


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(normalise_message(record.getMessage()))
        except Exception:  # a message that cannot be formatted is not worth a document
            self.messages.append(normalise_message(str(record.msg)))


@contextmanager
def pypdf_messages(into: list[str]) -> Iterator[None]:
    """Keep pypdf's warnings with the document (for its metadata) instead of the console, without
    memory addresses (see text.normalise_message), so identical input gives identical output."""
    logger = logging.getLogger("pypdf")
    handler, propagate = _Collect(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        for message in handler.messages:
            if message not in into and len(into) < MAX_PYPDF_MESSAGES:
                into.append(message)


PACK_BYTES = 4 << 20  # a pack is written once its images (and masks) reach this many bytes


def streams_up_to(options: PdfOptions) -> AbstractContextManager[Any]:
    """pypdf reads a stream whose declared /Length is up to the largest file the options take (its own
    limit is 75 MB, a scanned page's one image can be more): a stream cannot hold more than its file,
    and a file is refused above that size before it is read (reader.check_file)."""
    pypdfs = get_configuration().maximum_declared_stream_length
    return apply_configuration(maximum_declared_stream_length=max(options.max_file_bytes, pypdfs))




class PdfService:
    """Stateful per worker: it keeps each open document's reader between chunk calls."""

    def __init__(self, store: BlobStore, *, monotonic: Callable[[], float] = time.monotonic,
                 hasher: Hasher | None = None, decrypter: Decrypter | None = None):
        """`hasher`: Algorithm 2.B computed outside this interpreter (kdf.py), for AES-256 passwords;
        `decrypter`: AES-CBC outside it, for the streams of AES-encrypted files (ahead.py). None: pypdf
        does it with aes.py (seconds a megabyte in the browser)."""
        self.store = store
        self.monotonic = monotonic
        self.hasher = hasher
        self.decrypter = decrypter
        self.documents: dict[str, OpenDocument] = {}

    async def open(self, task_id: str, file_id: str, options: dict[str, Any], *, source: str = "document.pdf",
                   password: str | None = None) -> dict[str, Any]:
        """Read the stored file and open it; returns {"pages": n, "encrypted": bool}."""
        parsed = PdfOptions.from_dict(options)
        data = await stored_file(self.store, file_id, missing=FileMissingError, encoding="latin-1")
        messages: list[str] = []
        stored = None  # the file as stored (kdf.as_stored), read once for the hashes and the streams ahead
        with pypdf_messages(messages):  # the same warnings as opening gives: kept once, with the document
            if self.hasher is not None and may_be_encrypted(data):
                stored = as_stored(data)
                hashes = await password_hashes(data, password, self.hasher, stored_reader=stored)
            else:
                hashes = {}
        with pypdf_messages(messages), precomputed(hashes), streams_up_to(parsed):
            opened = open_pdf(data, parsed, password=password)
        document = OpenDocument(opened.reader, parsed, source, opened.warnings, messages)
        if self.decrypter is not None and opened.reader.is_encrypted:
            with pypdf_messages(messages), streams_up_to(parsed):
                document.decrypted = await decrypted_ahead(data, opened.reader, self.decrypter,
                                                           monotonic=self.monotonic, stored_reader=stored)
        self.documents[task_id] = document
        return {"pages": len(opened.reader.pages), "encrypted": bool(opened.reader.is_encrypted),
                "warnings": opened.warnings}

    async def process(self, task_id: str, start: int, end: int, budget: float | None = None) -> dict[str, Any]:
        """Extract pages [start, end) into the store; returns how far it got ("next_page": `end`, or,
        with a `budget` (seconds), earlier once its pages took that long: the page that crosses it is
        the chunk's last) and the image count. Each pack is written once it holds PACK_BYTES (memory
        stays bounded on scanned pages) while the next pages are extracted; the chunk's record is
        written with its last pack, once the others are stored, and all before this returns."""
        started = self.monotonic()
        document = self._document(task_id)
        end = min(end, len(document.reader.pages))
        if document.options.wants_images and document.stored_images is None:  # listed once per opening
            document.stored_images = set(await self._stored_images(task_id, document))
        images = set(document.stored_images or ())
        writes, writing = ChunkWrites(task_id), PackWrites(self.store)
        try:
            with taking(document.decrypted), streams_up_to(document.options):
                for index in range(start, end):
                    self._page(task_id, document, index, images, writes)
                    if writes.size >= PACK_BYTES:
                        await writing.start(writes.flush())
                    if budget is not None and self.monotonic() - started >= budget:
                        end = index + 1  # a chunk's time bounded on any document: the rest next call
                        break
            await writing.settle()
        except BaseException:
            await writing.abandon()
            raise
        if writes.pages:  # (none past the last page)
            key, record = writes.record_value()
            await self.store.put_many([*writes.pack(), (key, json.dumps(record), JSON)])  # one transaction
            document.records[key] = record  # stored: finish takes it from here, not decoded again
        if document.options.wants_images:
            document.stored_images = images  # known stored only once written
        return {"next_page": end, "images": len(images)}

    def _page(self, task_id: str, document: OpenDocument, index: int, images: set[str],
              writes: ChunkWrites) -> None:
        """One page into the store; its pypdf messages go into its own record, so the result does not
        depend on which run (before or after a reload) extracted which page."""
        record: dict[str, Any] = {"page": index + 1, "text": None, "images": [], "skipped": None, "image_error": None,
                  "messages": []}
        with pypdf_messages(record["messages"]):
            if document.options.wants_text:
                try:
                    record["text"] = page_text(document.reader, index)
                except PdfError as error:
                    record["skipped"] = str(error)
                    _forget_half_read(document.reader)
                except Exception as error:  # whatever one page raises, the others and the result go on
                    record["skipped"] = f"Page {index + 1}: its text could not be read ({reason(error)})."
                    _forget_half_read(document.reader)
                record["skipped"] = record["skipped"] or damaged_contents(document.reader, index)
            if document.options.wants_images:
                self._page_images(task_id, document, index, record, images, writes)
        writes.pages.append(record)

    async def finish(self, task_id: str, run: str = "1") -> dict[str, Any]:
        """Assemble and store the result of run `run`; returns its summary (result key, file name, MIME
        type, size, and the page and image counts of the pages packaged). Safe to call again after an
        interruption: a result this run already stored is reused; the parts stay (the janitor deletes
        them once the task's completion is saved). Raises MissingPartsError, stores no result and
        deletes the remaining parts when a page or image of the document has no stored part."""
        document = self._document(task_id)
        key = run_result_key(task_id, run)
        stored = await stored_summary(self.store, key)
        if stored is not None:
            return stored
        collected, parts = await self._collect(task_id, document)
        writer = writer_of(self.store)
        try:
            _check_complete(collected, parts)
            as_json = document.options.format == "json"
            write = write_json if as_json else write_zip
            filename, mime = (f"{stem(collected.source)}.json", "application/json") if as_json else \
                (f"{stem(collected.source)}.zip", "application/zip")
            read = partial(read_part, self.store)
            size = await write(valid_collected(collected), parts, BufferedWriter(writer), read)
        except MissingPartsError:
            await self.store.delete_prefix(parts_prefix(task_id))  # the next run starts clean (same image order)
            raise
        except PartMissingError as error:  # a part went (or changed) between listing and writing
            await self.store.delete_prefix(parts_prefix(task_id))
            raise _missing(str(error).capitalize()) from error
        skipped = [page["page"] for page in collected.pages if page.get("skipped")]
        info = collected.details.get("document_info") or document_metadata(document.reader)  # read once
        title = info.get("Title", "").strip()
        summary = {"result_key": key, "filename": filename, "mime": mime, "size": size, "title": title or None,
                   "pages": len(collected.pages), "images": len(collected.images), "skipped_pages": skipped,
                   "warnings": collected.warnings + _over_limit_warning(collected, document.options)}
        await writer.commit(key, mime, [(summary_key(key), json.dumps(summary), "application/json")])
        return summary

    def forget(self, task_id: str) -> None:
        self.documents.pop(task_id, None)

    # ---------------------------------------------------------------------------------------

    def _document(self, task_id: str) -> OpenDocument:
        try:
            return self.documents[task_id]
        except KeyError:
            raise PdfWorkerError(f"task {task_id} has no open document in this worker (it was restarted)") from None

    async def _stored_images(self, task_id: str, document: OpenDocument) -> list[str]:
        stored = await stored_records(self.store, task_id, await self.store.keys(parts_prefix(task_id)),
                                      document.records)
        return [image["identity"] for image in stored.images]

    def _page_images(self, task_id: str, document: OpenDocument, index: int, record: dict,
                     images: set[str], writes: ChunkWrites) -> None:
        try:
            with pdf_errors(f"Images of page {index + 1}"):
                found = list(page_image_streams(document.reader.pages[index], index + 1))
        except PdfError as error:
            record["image_error"] = str(error)
            _forget_half_read(document.reader)
            return
        except Exception as error:  # whatever one page raises, the others and the result go on
            record["image_error"] = f"Images of page {index + 1}: they could not be listed ({reason(error)})."
            _forget_half_read(document.reader)
            return
        for position, (identity, stream) in enumerate(found):
            if identity not in images:
                if len(images) >= document.options.max_images:
                    record.setdefault("over_limit", []).append(identity)  # counted once however many pages
                    continue
                self._store_image(task_id, identity, stream, index + 1, position, writes)
                images.add(identity)
            record["images"].append(identity)

    @staticmethod
    def _store_image(task_id: str, identity: str, stream, page: int, position: int, writes: ChunkWrites) -> None:
        meta: dict[str, Any] = {"identity": identity, "first_page": page, "position": position}
        try:
            image = convert_image(identity, stream)
        except Exception as error:  # one unreadable image is listed with its reason, never dropped silently
            meta.update(name=f"{identity}.error", mime=None, width=None, height=None, bytes=0,
                        note=f"This image could not be extracted: {type(error).__name__}: {error}")
        else:
            meta.update(name=image.name, mime=image.mime, width=image.width, height=image.height,
                        bytes=len(image.data), note=image.note, crc32=zlib.crc32(image.data), stored={})
            _place(writes, identity, image, meta["crc32"], meta, "image")
            if image.mask is not None:  # transparency the image file cannot carry, written beside it
                mask = image.mask
                meta["mask"] = {"name": mask.name, "mime": mask.mime, "width": mask.width, "height": mask.height,
                                "bytes": len(mask.data)}
                meta["mask_crc32"] = zlib.crc32(mask.data)  # beside "mask", whose fields metadata.json lists
                _place(writes, identity, mask, meta["mask_crc32"], meta, "mask")
        writes.images.append(meta)

    async def _collect(self, task_id: str, document: OpenDocument) -> tuple[Collected, dict[str, ImagePart]]:
        """The stored pages and image records, and where each stored image and mask is (their bytes
        are read only while the result is written, one at a time)."""
        stored = await self.store.keys(parts_prefix(task_id))
        records = await stored_records(self.store, task_id, stored, document.records)
        pages, metas = records.pages, records.images
        data_keys = set(_suffixes(stored, image_key(task_id, "")))
        mask_keys = set(_suffixes(stored, image_mask_key(task_id, "")))
        images: list[dict[str, Any]] = []
        parts: dict[str, ImagePart] = {}
        on_pages = _pages_of_images(pages)
        packs = {key for key in stored if key.startswith(pack_key(task_id, ""))}
        for record in metas:
            identity = record["identity"]
            meta = record | {"pages": on_pages.get(identity, [])}  # the record itself stays as it was stored
            images.append(meta)
            image_part, mask_part = _stored_parts(task_id, identity, meta, packs, data_keys, mask_keys)
            if image_part is not None:
                parts[identity] = image_part
            if mask_part is not None:
                parts[mask_identity(identity)] = mask_part
        images.sort(key=lambda meta: (meta["first_page"], meta["position"]))
        messages = list(document.pypdf_messages)
        with pypdf_messages(messages), streams_up_to(document.options):
            details = self._details(document) if document.options.wants_details else {}
        for page in pages:
            messages += [m for m in page.get("messages", []) if m not in messages]
        return Collected(source=document.source, mode=document.options.mode, page_count=len(document.reader.pages),
                         pages=pages, images=images, image_data={},
                         images_over_limit=_over_limit(pages), details=details,
                         producer=f"pypdf {pypdf.__version__}", warnings=list(document.warnings),
                         pypdf_messages=sorted(set(messages))[:MAX_PYPDF_MESSAGES]), parts

    @staticmethod
    def _details(document: OpenDocument) -> dict[str, Any]:
        """Document info, outline and page sizes; a part that raises is replaced by an empty value and
        listed in "detail_errors" ({"detail", "page" (or None), "reason"}), never fatal."""
        reader = document.reader
        errors: list[dict[str, Any]] = []

        def guarded(detail: str, make, empty, page: int | None = None):
            try:
                return make()
            except Exception as error:
                errors.append({"detail": detail, "page": page, "reason": reason(error)})
                return empty

        details: dict[str, Any] = {
            "document_info": guarded("document_info", lambda: document_metadata(reader), {}),
            "outline": guarded("outline", lambda: document_outline(reader), []),
            "page_sizes": [guarded("page_size", lambda i=index: page_size(reader, i), {"page": index + 1}, index + 1)
                           for index in range(len(reader.pages))],
        }
        if errors:
            details["detail_errors"] = errors
        return details


def _forget_half_read(reader: pypdf.PdfReader) -> None:
    """pypdf leaves an object it failed to read marked as being read (PdfReader._known_objects, its
    guard against an object that contains itself), so reading it again reports such a loop instead of
    what failed: forget the marks after a page's failure, so the next page that needs the object gives
    the real reason."""
    known = getattr(reader, "_known_objects", None)
    if isinstance(known, set):
        known.clear()


# Finishing ----------------------------------------------------------------------------------

def _place(writes: ChunkWrites, identity: str, image: Any, crc: int, meta: dict[str, Any], role: str) -> None:
    """Put an image's (role "image") or mask's bytes (CRC-32 `crc`) into the chunk's pack, recording
    their offset in meta["stored"] ("image_at", "mask_at"); one kept as is in the ZIP result is preceded
    by its ZIP local header ("image_header", "mask_header": [offset, CRC-32 of the header]), so the
    result is written from the pack's ranges without a header between them (output.ImagePart.framed)."""
    stored = meta["stored"]
    if image.mime in RAW_MIMES:
        header = local_header(image_entry_name(image.name), crc=crc, size=len(image.data))
        stored[f"{role}_header"] = [writes.place(identity, header), zlib.crc32(header)]
    stored[f"{role}_at"] = writes.place(identity, image.data)


def _over_limit_warning(collected: Collected, options: PdfOptions) -> list[str]:
    """The row's word on images left out for max_images (metadata.json counts them too)."""
    count = collected.images_over_limit
    if not count:
        return []
    return [f"{count:,} image{'s' if count != 1 else ''} over the limit of {options.max_images:,} "
            f"(Maximum images) {'were' if count != 1 else 'was'} not extracted."]


def _over_limit(pages: list[dict[str, Any]]) -> int:
    """How many distinct images were not extracted for the options' max_images (page records of
    versions before this one count placements, an int: added as they are)."""
    distinct: set[str] = set()
    placements = 0
    for page in pages:
        over = page.get("over_limit", 0)
        if isinstance(over, list):
            distinct.update(over)
        else:
            placements += int(over)
    return len(distinct) + placements


def _pages_of_images(pages: list[dict[str, Any]]) -> dict[str, list[int]]:
    """identity -> the numbers of the pages that show it, in page order, once each (one pass over the
    pages, not one per image: a document with hundreds of each spent seconds here under Pyodide)."""
    found: dict[str, list[int]] = {}
    for page in pages:
        for identity in dict.fromkeys(page.get("images", [])):
            found.setdefault(identity, []).append(page["page"])
    return found


def _stored_parts(task_id: str, identity: str, meta: dict[str, Any], packs: set[str], data_keys: set[str],
                  mask_keys: set[str]) -> tuple[ImagePart | None, ImagePart | None]:
    """Where an image's bytes and its mask's are stored, from its record: slices of its pack (see
    ChunkWrites and _place), or values of their own (parts stored by versions before packs); None
    where absent."""
    size = int(meta.get("bytes") or 0)
    mask_size = int(meta["mask"].get("bytes") or 0) if meta.get("mask") else None
    crc, mask_crc = meta.get("crc32"), meta.get("mask_crc32")
    stored = meta.get("stored")
    if isinstance(stored, dict):
        key = str(stored.get("key"))
        if key not in packs:
            return None, None
        whole = int(stored.get("bytes") or 0)
        image = ImagePart(StoredPart(key, size, int(stored.get("image_at") or 0), whole), crc,
                          _header(stored.get("image_header")))
        mask = (ImagePart(StoredPart(key, mask_size, int(stored.get("mask_at") or 0), whole), mask_crc,
                          _header(stored.get("mask_header")))
                if mask_size is not None and "mask_at" in stored else None)
        return image, mask
    old_image = ImagePart(StoredPart(image_key(task_id, identity), size), crc) if identity in data_keys else None
    old_mask = (ImagePart(StoredPart(image_mask_key(task_id, identity), mask_size), mask_crc)
                if mask_size is not None and identity in mask_keys else None)
    return old_image, old_mask


def _header(recorded: Any) -> tuple[int, int] | None:
    """A stored ZIP header's [offset, CRC-32] from an image record (None when absent or damaged)."""
    if isinstance(recorded, list) and len(recorded) == 2 and all(isinstance(n, int) for n in recorded):
        return recorded[0], recorded[1]
    return None


def _suffixes(keys: list[str], prefix: str) -> list[str]:
    """What follows `prefix` in those of `keys` that start with it, in order."""
    return [key[len(prefix):] for key in keys if key.startswith(prefix)]


def _check_complete(collected: Collected, parts: Mapping[str, ImagePart]) -> None:
    """Raise MissingPartsError unless every page of the document and every image its pages name has
    its stored part: a result is never packaged short (its row would claim pages it lacks)."""
    expected = set(range(1, collected.page_count + 1))
    pages = {int(page["page"]) for page in collected.pages}
    listed = {image["identity"]: image for image in collected.images}
    named = {identity for page in collected.pages for identity in page.get("images", [])}
    lost_images = [i for i in named if i not in listed or (listed[i].get("mime") and i not in parts)]
    if pages != expected or lost_images:
        missing = len(expected - pages)
        raise _missing(f"Only {len(pages & expected)} of {collected.page_count} pages"
                       + (f" and {len(named) - len(lost_images)} of {len(named)} images" if lost_images else "")
                       + " were found in storage" + (f" ({missing} missing)" if missing else ""))


def _missing(what: str) -> MissingPartsError:
    return MissingPartsError(f"{what} while packaging the result; nothing was saved, and the pages will be "
                             "extracted again.")
