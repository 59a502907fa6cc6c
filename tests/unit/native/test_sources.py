"""Input files are read where they lie: `file:path:...` keys come from the disk, never copied."""

import os
from pathlib import Path

import pytest

from dataflow.core.errors import InputUnreadableError
from dataflow.native.file_blob_store import FileBlobStore
from dataflow.native.sources import WithSourceFiles, path_file_id


async def test_source_files_are_read_from_disk_and_never_copied(tmp_path):
    source = tmp_path / "in" / "doc.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF-1.7 ...")
    store = WithSourceFiles(FileBlobStore(tmp_path / "blobs"))
    assert await store.get("file:" + path_file_id(source)) == b"%PDF-1.7 ..."
    assert await store.get("file:" + path_file_id(tmp_path / "gone.pdf")) is None
    assert not os.path.exists(tmp_path / "blobs")


async def test_a_source_file_that_cannot_be_read_raises_one_line_naming_it(tmp_path, monkeypatch):
    source = tmp_path / "secret.pdf"
    source.write_bytes(b"%PDF-1.7 ...")

    def denied(path: Path) -> bytes:  # as reading a chmod 000 file (root reads it anyway)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", denied)
    store = WithSourceFiles(FileBlobStore(tmp_path / "blobs"))
    with pytest.raises(InputUnreadableError) as caught:
        await store.get("file:" + path_file_id(source))
    assert str(caught.value) == f"{source} cannot be read (Permission denied); make it readable again, then retry it."
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


async def test_other_keys_go_to_the_blob_store(tmp_path):
    store = WithSourceFiles(FileBlobStore(tmp_path / "blobs"))
    await store.put("result:t1", b"r")
    await store.put_many([("part:t1:page:1", "p", None)])
    assert await store.get_many(["result:t1", "part:t1:page:1"]) == [b"r", "p"]
    assert await store.keys("") == ["part:t1:page:1", "result:t1"]
    await store.delete_prefix("part:")
    assert await store.keys("") == ["result:t1"]


def test_a_path_file_id_is_absolute():
    assert path_file_id("some/where.pdf") == "path:" + str(Path("some/where.pdf").resolve())
