"""The BlobStore interface over IndexedDB (static/idb.js), for the main thread and the PDF worker.

Browser ring. Bytes cross into JS as one Uint8Array copy (`to_js`) and back with `to_bytes()`,
never element by element. The JS module is handed in, so the adapter runs over a fake in tests.
"""

from __future__ import annotations

from typing import Any

from dataflow.browser.local_storage import is_null, is_quota_error
from dataflow.core.errors import StorageFullError

Value = bytes | str


def _to_js(value: bytes) -> Any:
    from pyodide.ffi import to_js

    return to_js(value)


class IdbBlobStore:
    def __init__(self, idb: Any, *, to_js=_to_js):
        self.idb = idb
        self._to_js = to_js

    async def get(self, key: str) -> Value | None:
        value = await self.idb.getBytes(key)
        if is_null(value):
            return None
        if isinstance(value, str):
            return value
        return bytes(value.to_bytes())

    async def put(self, key: str, value: Value, mime: str | None = None) -> None:
        payload = value if isinstance(value, str) else self._to_js(bytes(value))
        try:
            await self.idb.put(key, payload, mime or "application/octet-stream")
        except Exception as error:  # a JsException: sort it by its DOMException name
            if is_quota_error(error):
                raise StorageFullError(f"the browser's storage is full ({len(value):,} bytes refused); remove "
                                       "finished tasks and try again") from error
            raise

    async def keys(self, prefix: str) -> list[str]:
        found = await self.idb.keys(prefix)
        return sorted(str(key) for key in (found.to_py() if hasattr(found, "to_py") else found))

    async def delete_prefix(self, prefix: str) -> None:
        await self.idb.deletePrefix(prefix)
