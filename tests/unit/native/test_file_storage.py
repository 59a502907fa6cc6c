"""FileStorage passes the Storage contract, writes atomically and keeps the page's record format."""

import os

import pytest

from dataflow.core import ManualClock, TaskState
from dataflow.core.persistence import TaskStore, encode
from dataflow.native import atomic
from dataflow.native.file_storage import FileStorage, file_name_for, key_for
from tests.unit.test_storage_contract import (  # noqa: F401 - the contract, collected here for this backend
    test_full_quota_raises_storage_full_and_keeps_the_old_value,
    test_keys_lists_every_key,
    test_missing_key_reads_as_none,
    test_remove_forgets_and_tolerates_absent_keys,
    test_set_overwrites,
    test_set_then_get_returns_the_string,
)


@pytest.fixture
def make_storage(tmp_path):
    return lambda quota=None: FileStorage(tmp_path / "state", quota=quota)


def test_each_key_is_one_json_file_holding_exactly_the_stored_string(tmp_path):
    storage = FileStorage(tmp_path)
    task = TaskState(id="abc", name="report.pdf", kind="pdf", created_at=1.0, last_updated=1.0)
    storage.set("dataflow.task.abc", encode(task))
    assert os.listdir(tmp_path) == ["dataflow.task.abc.json"]
    assert (tmp_path / "dataflow.task.abc.json").read_text() == encode(task)  # what localStorage holds


@pytest.mark.parametrize("key", ["a/b", "../escape", ".hidden", "é ü", "x%2Fy", "k.json", ""])
def test_awkward_keys_stay_inside_the_directory_and_round_trip(tmp_path, key):
    storage = FileStorage(tmp_path / "s")
    storage.set(key, "v")
    assert storage.keys() == [key] and storage.get(key) == "v"
    assert "/" not in file_name_for(key) and not file_name_for(key).startswith(".")
    assert key_for(file_name_for(key)) == key


def test_a_failed_write_leaves_the_old_value_and_no_temporary_file(tmp_path, monkeypatch):
    storage = FileStorage(tmp_path)
    storage.set("k", "old")

    def crash(*args):
        raise OSError("the process died here")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError):
        storage.set("k", "new")
    assert storage.get("k") == "old" and os.listdir(tmp_path) == ["k.json"]


def test_a_full_disk_is_storage_full(tmp_path, monkeypatch):
    from dataflow.core.errors import StorageFullError

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    with pytest.raises(StorageFullError, match="disk is full"):
        FileStorage(tmp_path).set("k", "v")


def test_temporary_and_foreign_files_are_not_keys(tmp_path):
    (tmp_path / ".tmp-123.part").write_text("half")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "blobs").mkdir()
    assert FileStorage(tmp_path).keys() == []


def test_a_missing_directory_has_no_keys_until_the_first_write(tmp_path):
    storage = FileStorage(tmp_path / "later")
    assert storage.keys() == [] and storage.get("k") is None
    storage.set("k", "v")
    assert storage.keys() == ["k"]


def test_a_corrupt_record_file_is_set_aside_by_the_task_store(tmp_path):
    storage = FileStorage(tmp_path)
    (tmp_path / "dataflow.task.bad.json").write_text("{not json")
    loaded = TaskStore(storage, ManualClock()).load()
    assert loaded.tasks == [] and "could not be read" in loaded.warnings[0]
    assert storage.get("dataflow.backup.dataflow.task.bad") == "{not json"
