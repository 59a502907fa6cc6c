"""One contract for every Storage: the in-memory twin and the localStorage adapter over a fake."""

import pytest

from dataflow.browser.ffi import is_null
from dataflow.browser.local_storage import LocalStorage
from dataflow.core.errors import StorageFullError
from dataflow.core.storage import MemoryStorage, entries
from tests.unit.fakes import FakeWebStorage, JsNull


def _bulk_local_storage(quota=None):
    fake = FakeWebStorage(quota=quota)
    return LocalStorage(fake, pairs=lambda: [[key, value] for key, value in fake.items.items()])


class KeysOnly:
    """A Storage with no `items`: `entries` reads it key by key."""

    def __init__(self, quota=None):
        self.inner = MemoryStorage(quota=quota)
        self.get, self.set, self.remove, self.keys = (self.inner.get, self.inner.set, self.inner.remove,
                                                      self.inner.keys)


BACKENDS = {
    "memory": lambda quota=None: MemoryStorage(quota=quota),
    "localStorage": lambda quota=None: LocalStorage(FakeWebStorage(quota=quota)),
    "localStorage, one read": _bulk_local_storage,
    "keys only": KeysOnly,
}


@pytest.fixture(params=list(BACKENDS))
def make_storage(request):
    return BACKENDS[request.param]


def test_missing_key_reads_as_none(make_storage):
    assert make_storage().get("absent") is None


def test_set_then_get_returns_the_string(make_storage):
    storage = make_storage()
    storage.set("k", '{"a": "é"}')
    assert storage.get("k") == '{"a": "é"}'


def test_set_overwrites(make_storage):
    storage = make_storage()
    storage.set("k", "1")
    storage.set("k", "2")
    assert storage.get("k") == "2"


def test_remove_forgets_and_tolerates_absent_keys(make_storage):
    storage = make_storage()
    storage.set("k", "1")
    storage.remove("k")
    storage.remove("never-there")
    assert storage.get("k") is None
    assert storage.keys() == []


def test_keys_lists_every_key(make_storage):
    storage = make_storage()
    for key in ("a", "b", "c"):
        storage.set(key, key)
    assert sorted(storage.keys()) == ["a", "b", "c"]


def test_full_quota_raises_storage_full_and_keeps_the_old_value(make_storage):
    storage = make_storage(quota=20)
    storage.set("k", "small")
    with pytest.raises(StorageFullError):
        storage.set("k", "x" * 100)
    assert storage.get("k") == "small"


def test_entries_are_the_pairs_under_a_prefix_sorted_by_key(make_storage):
    storage = make_storage()
    for key in ("t.b", "t.a", "other", "t.c"):
        storage.set(key, key.upper())
    storage.remove("t.c")
    assert sorted(entries(storage, "t.")) == [("t.a", "T.A"), ("t.b", "T.B")]


def test_js_null_is_recognised():
    assert is_null(None) and is_null(JsNull()) and not is_null("")


def test_other_browser_errors_pass_through():
    class Broken(FakeWebStorage):
        def setItem(self, key, value):  # noqa: N802
            raise RuntimeError("SecurityError: access denied")

    with pytest.raises(RuntimeError, match="SecurityError"):
        LocalStorage(Broken()).set("k", "v")
