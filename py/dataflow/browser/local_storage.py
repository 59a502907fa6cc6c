"""The Storage interface over the browser's Web Storage (`window.localStorage`).

Browser ring. The adapter wraps whatever object it is given (anything with getItem, setItem,
removeItem, key and length), so it runs over a fake under CPython; only `browser_local_storage`
touches `js`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from dataflow.browser.ffi import is_null
from dataflow.core.errors import StorageFullError

QUOTA_ERROR_NAMES = ("QuotaExceededError", "NS_ERROR_DOM_QUOTA_REACHED")


def is_quota_error(error: BaseException) -> bool:
    name = str(getattr(error, "name", "") or "")
    return name in QUOTA_ERROR_NAMES or any(marker in str(error) for marker in QUOTA_ERROR_NAMES)


class LocalStorage:
    """Storage over a Web Storage object; a full quota raises StorageFullError. `pairs()`, when
    given, lists every [key, value] in one call (a JS array: `items` then converts only the values
    under its prefix, one by one as they are reached; thousands of saved tasks are read at start-up)."""

    def __init__(self, web_storage: Any, *, pairs: Callable[[], Any] | None = None):
        self._storage = web_storage
        self._pairs = pairs

    def get(self, key: str) -> str | None:
        value = self._storage.getItem(key)
        return None if is_null(value) else str(value)

    def set(self, key: str, value: str) -> None:
        try:
            self._storage.setItem(key, value)
        except Exception as error:  # the browser's exception type is a JsException; sort by name
            if is_quota_error(error):
                raise StorageFullError(f"the browser's storage quota is used up ({len(value)} characters refused)") \
                    from error
            raise

    def remove(self, key: str) -> None:
        self._storage.removeItem(key)

    def keys(self) -> list[str]:
        keys = (self._storage.key(index) for index in range(int(self._storage.length)))
        return [str(key) for key in keys if not is_null(key)]

    def items(self, prefix: str) -> Iterator[tuple[str, str]]:
        """Every (key, value) whose key starts with `prefix`, each value converted when it is reached."""
        if self._pairs is None:
            for key in self.keys():
                value = self.get(key) if key.startswith(prefix) else None
                if value is not None:
                    yield key, value
            return
        for pair in self._pairs():
            key = str(pair[0])
            if key.startswith(prefix):
                yield key, str(pair[1])


def browser_local_storage() -> LocalStorage:
    """The adapter over this page's `window.localStorage`."""
    import js

    storage = js.window.localStorage
    return LocalStorage(storage, pairs=lambda: js.Object.entries(storage))
