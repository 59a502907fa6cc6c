"""Files chosen in this tab whose bytes are still being written to IndexedDB. While any is, the page
asks before it unloads (the browser's own `beforeunload` prompt), and they are written down in the
tab's sessionStorage, which a reload of the tab keeps (closing it does not), as the tasks they are
to become: the page after a reload makes each of them a task (see `Intake.recover`).

Browser ring. Both parts run over what they are given (a Storage, an event target), so they are
unit-tested under CPython with fakes; only `browser_pending` touches `js`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from dataflow.browser.ffi import create_proxy
from dataflow.core.storage import MemoryStorage, Storage

PENDING_KEY = "dataflow.intake.pending"  # namespaced: every project site of a GitHub account shares the origin


class UnloadGuard:
    """A `beforeunload` listener on `target` (the window), present only while `hold` is on: present
    all the time, it would keep the page out of the back/forward cache and ask for nothing."""

    def __init__(self, target: Any, *, proxy: Callable[[Callable[[Any], None]], Any] = create_proxy):
        self.target = target
        self.active = False
        self._listener = proxy(self._ask)

    def hold(self, on: bool) -> None:
        """Listen (`on`) or stop listening; a second call with the same value changes nothing."""
        if on and not self.active:
            self.target.addEventListener("beforeunload", self._listener)
        elif self.active and not on:
            self.target.removeEventListener("beforeunload", self._listener)
        self.active = on

    @staticmethod
    def _ask(event: Any) -> None:
        # the standard way to ask (the browser shows its own text; Chromium 119+ honours it)
        event.preventDefault()


class PendingFiles:
    """The tasks of files being stored, by file id, as JSON under PENDING_KEY in `storage` (the tab's
    sessionStorage), with `guard` held while any written in this page is pending.

    An entry is whatever JSON object the intake gives (a NewTask and whether its file is being
    stored). A storage that refuses the write (full, or none in this browser) loses only the
    record: the guard still holds. `left()` read at start, before any hold, is what a reload left."""

    def __init__(self, storage: Storage, guard: UnloadGuard):
        self.storage, self.guard = storage, guard
        self._mine: set[str] = set()  # ids written by this page (not those a reload left)

    def hold(self, entries: dict[str, dict[str, Any]]) -> None:
        """Write `entries` (file id -> task entry) down and hold the guard until they are released."""
        if not entries:
            return
        self._mine |= set(entries)
        self.guard.hold(True)
        self._save(self._read() | entries)

    def release(self, file_ids: Iterable[str]) -> None:
        """Forget the entries of `file_ids` (their tasks were made, or their files refused); the guard
        is released with the last of this page's entries."""
        ids = set(file_ids)
        left = {file_id: entry for file_id, entry in self._read().items() if file_id not in ids}
        self._save(left)
        self._mine -= ids
        self.guard.hold(bool(self._mine))

    def left(self) -> dict[str, dict[str, Any]]:
        """The entries a page before this one (in this tab, before a reload) did not release, by file
        id; an unreadable record is left out (never fatal)."""
        return {file_id: entry for file_id, entry in self._read().items() if file_id not in self._mine}

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.storage.get(PENDING_KEY) or "{}")
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(file_id): entry for file_id, entry in data.items() if isinstance(entry, dict)}

    def _save(self, entries: dict[str, dict[str, Any]]) -> None:
        try:
            if entries:
                self.storage.set(PENDING_KEY, json.dumps(entries, separators=(",", ":")))
            else:
                self.storage.remove(PENDING_KEY)
        except Exception:  # full (StorageFullError), or refused by the browser: a JsException
            pass  # the prompt before unloading still guards these files; only a reload's account of them is lost


def browser_pending() -> PendingFiles:
    """PendingFiles over this tab's `window.sessionStorage`, guarding `window`."""
    import js

    from dataflow.browser.local_storage import LocalStorage

    try:
        storage: Storage = LocalStorage(js.window.sessionStorage)
    except Exception:  # a sandboxed frame refuses it (SecurityError): the prompt alone guards the files
        storage = MemoryStorage()
    return PendingFiles(storage, UnloadGuard(js.window))
