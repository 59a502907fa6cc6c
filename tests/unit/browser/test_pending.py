"""PendingFiles and UnloadGuard: the files being stored are written down in the tab's storage, and
the page asks before unloading only while any is (never all the time: that costs the back/forward
cache)."""

from dataflow.browser.local_storage import LocalStorage
from dataflow.browser.pending import PENDING_KEY, PendingFiles, UnloadGuard
from dataflow.core.storage import MemoryStorage
from tests.unit.fakes import FakeWebStorage


class FakeWindow:
    def __init__(self):
        self.listeners: dict[str, list] = {}

    def addEventListener(self, name, listener):  # noqa: N802 - the browser's name
        self.listeners.setdefault(name, []).append(listener)

    def removeEventListener(self, name, listener):  # noqa: N802
        self.listeners[name].remove(listener)

    def unload(self) -> bool:
        """True when a listener asked to stay (the browser would prompt)."""
        event = FakeEvent()
        for listener in self.listeners.get("beforeunload", []):
            listener(event)
        return event.prevented


class FakeEvent:
    prevented = False

    def preventDefault(self):  # noqa: N802
        self.prevented = True


def make(storage=None):
    window = FakeWindow()
    return PendingFiles(storage if storage is not None else MemoryStorage(), UnloadGuard(window, proxy=lambda f: f)), \
        window


def test_the_page_asks_before_unloading_only_while_files_are_pending():
    pending, window = make()
    assert not window.unload() and window.listeners.get("beforeunload", []) == []
    pending.hold({"a": {"n": 1}, "b": {"n": 2}})
    pending.hold({"c": {"n": 3}})
    assert window.unload() and len(window.listeners["beforeunload"]) == 1
    pending.release(["a", "b"])
    assert window.unload()  # c is still being stored
    pending.release(["c"])
    assert not window.unload() and window.listeners["beforeunload"] == []


def test_what_a_reload_cut_off_is_left_for_the_next_page_and_released_once_accounted_for():
    storage = MemoryStorage()
    before, _ = make(storage)
    before.hold({"a": {"n": 1}, "b": {"n": 2}})
    before.release(["a"])
    after, window = make(storage)  # the page after a reload of the tab
    assert after.left() == {"b": {"n": 2}} and not window.unload()  # not being stored by this page
    after.hold({"c": {"n": 3}})
    assert after.left() == {"b": {"n": 2}}  # this page's own files are not what a reload left
    after.release(["b"])
    assert window.unload()  # c still holds the prompt
    after.release(["c"])
    assert PENDING_KEY not in storage.data


def test_an_unreadable_record_leaves_nothing_pending():
    for text in ("not json", "[1, 2]", '{"a": 3}'):
        storage = MemoryStorage()
        storage.set(PENDING_KEY, text)
        assert make(storage)[0].left() == {}


def test_a_storage_that_refuses_the_record_still_lets_the_page_ask_before_unloading():
    pending, window = make(LocalStorage(FakeWebStorage(quota=10)))
    pending.hold({"a": {"name": "a long name that does not fit"}})
    assert window.unload()
    pending.release(["a"])
    assert not window.unload()
