"""The BlobStore interface over IndexedDB (static/idb.js), for the main thread and the workers.

Browser ring. Bytes cross into JS as a view of the interpreter's memory that static/idb.js copies
once into the Blob it stores (ffi.Lender; short values as one Uint8Array copy) and back with
`to_bytes()`, never element by element. The JS module is handed in, so the adapter runs over a fake in tests.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from dataflow.browser.ffi import Lender, is_null, to_js
from dataflow.browser.local_storage import is_quota_error
from dataflow.core.blobs import Entry, PartMissingError, Piece, StoredPart
from dataflow.core.errors import StorageFullError

Value = bytes | str


def _from_js(value: Any) -> Value | None:
    if is_null(value):
        return None
    if isinstance(value, str):
        return value
    return bytes(value.to_bytes())


def storage_full_message(size: int) -> str:
    """What a write of `size` bytes refused for want of space says (to the user, in a row or notice)."""
    return (f"the browser's storage is full ({size:,} bytes could not be saved). Free space by removing "
            "finished tasks (Clear finished), then try again")


class IdbBlobStore:
    def __init__(self, idb: Any, *, to_js=to_js, proxy: Any = None):
        """`to_js` and `proxy` (pyodide.ffi's to_js and create_proxy by default) are handed in by tests."""
        self.idb = idb
        self._to_js, self._proxy = to_js, proxy

    def lender(self) -> Lender:
        return Lender(proxy=self._proxy, to_js=self._to_js)

    async def get(self, key: str) -> Value | None:
        return _from_js(await self.idb.getBytes(key))

    async def get_range(self, key: str, start: int, end: int) -> tuple[int, bytes] | None:
        """See core.blobs.RangeStore: a slice of the stored Blob is read, not the Blob."""
        found = await self.idb.getRange(key, start, end)
        if is_null(found):
            return None
        size, data = found.to_py(depth=1) if hasattr(found, "to_py") else found
        return int(size), bytes(data.to_bytes())

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        lend = self.lender()
        try:
            await self._write(self.idb.put(key, lend(value), mime or "application/octet-stream"), len(value))
        finally:
            lend.release()

    async def put_file(self, key: str, file: Any, mime: str) -> None:
        """Store a browser File (or Blob) as it is, its bytes never copied through Python; a full
        storage raises StorageFullError."""
        await self._write(self.idb.put(key, file, mime), int(file.size))

    async def put_files(self, entries: list[tuple[str, Any, str]]) -> None:
        """Store browser Files (key, File, mime) as they are, in one transaction: all or none; a full
        storage raises StorageFullError (then none is stored)."""
        if not entries:
            return
        rows = self._to_js([self._to_js([key, file, mime]) for key, file, mime in entries])
        await self._write(self.idb.putMany(rows), sum(int(file.size) for _, file, _ in entries))

    async def stored_size(self, key: str) -> int | None:
        """The size in bytes of the Blob (a file) stored under `key`, or None when none is; no byte is read."""
        found = await self.get_range(key, 0, 0)
        return None if found is None else found[0]

    async def put_many(self, entries: list[tuple[str, Value, str | None]]) -> None:
        if not entries:
            return
        lend = self.lender()
        try:
            await self._write(self.idb.putMany(self._rows(entries, lend)), sum(len(value) for _, value, _ in entries))
        finally:
            lend.release()

    def put_many_now(self, entries: list[Entry]) -> Awaitable[None]:
        """core.blobs.StartingStore: the Blobs are made and the transaction is started and committed
        before this returns (static/idb.js `putManyNow`), so the browser writes while this thread
        extracts on; await the result for the outcome (StorageFullError when over quota)."""
        lend = self.lender()
        try:
            pending = self.idb.putManyNow(self._rows(entries, lend)) if entries else None
        finally:
            lend.release()
        return self._write(pending, sum(len(value) for _, value, _ in entries))

    async def get_many(self, keys: list[str]) -> list[Value | None]:
        if not keys:
            return []
        return [_from_js(value) for value in await self.idb.getMany(self._to_js(list(keys)))]

    def _rows(self, entries: list[Entry], lend: Lender):
        return self._to_js([self._to_js([key, lend(value), mime or "application/octet-stream"])
                            for key, value, mime in entries])

    def drop_kept(self, prefix: str) -> None:
        """Let static/idb.js drop the Blobs it keeps of this context's writes under keys that start
        with `prefix` (its `dropWritten`; see `keepWritten`): their bytes are no longer held for it."""
        self.idb.dropWritten(prefix)

    def writer(self) -> IdbWriter:
        """A BlobWriter whose pieces become Blobs at once (out of this interpreter's memory) and whose
        stored parts are the stored Blobs themselves, never read: static/idb.js `builder()`."""
        return IdbWriter(self, self.idb.builder())

    @staticmethod
    async def _write(pending, size: int) -> None:
        if pending is None:
            return
        try:
            await pending
        except Exception as error:  # a JsException: sort it by its DOMException name
            if is_quota_error(error):
                raise StorageFullError(storage_full_message(size)) from error
            raise

    async def keys(self, prefix: str) -> list[str]:
        found = await self.idb.keys(prefix)
        return sorted(str(key) for key in (found.to_py() if hasattr(found, "to_py") else found))

    async def delete_prefix(self, prefix: str) -> None:
        await self.idb.deletePrefix(prefix)

    async def delete_keys(self, keys: list[str]) -> None:
        if keys:
            await self.idb.deleteKeys(self._to_js(list(keys)))


class IdbWriter:
    """The IndexedDB store's BlobWriter (see IdbBlobStore.writer and core.blobs.BlobWriter)."""

    def __init__(self, store: IdbBlobStore, builder: Any):
        self.store, self.builder = store, builder
        self.size = 0

    async def append(self, pieces: list[Piece]) -> None:
        for piece in pieces:
            if isinstance(piece, StoredPart) and not piece.valid():
                raise PartMissingError(f"the stored part {piece.key} cannot hold {piece.size:,} bytes at "
                                       f"{piece.offset:,} (a damaged record)")
        lend = self.store.lender()
        try:
            payload = [self.store._to_js([piece.key, piece.stored_size, piece.offset, piece.size])
                       if isinstance(piece, StoredPart) else lend(piece) for piece in pieces]
            bad = int(await self.builder.append(self.store._to_js(payload)))
        finally:
            lend.release()
        if bad >= 0:
            part = pieces[bad]
            raise PartMissingError(f"the stored part {getattr(part, 'key', bad)} is missing or not "
                                   f"{getattr(part, 'stored_size', 0):,} bytes of data")
        self.size += sum(piece.size if isinstance(piece, StoredPart) else len(piece) for piece in pieces)

    async def commit(self, key: str, mime: str | None, beside: list[Entry]) -> None:
        lend = self.store.lender()
        try:
            await self.store._write(self.builder.commit(key, mime or "application/octet-stream",
                                                        self.store._rows(beside, lend)), self.size)
        finally:
            lend.release()
