"""write_atomically replaces a file in one step, with the permissions open() would give."""

import os
import stat

from dataflow.native.atomic import FILE_MODE, write_atomically


def test_writes_creates_directories_and_replaces(tmp_path):
    target = tmp_path / "a" / "b" / "out.zip"
    write_atomically(target, b"one")
    write_atomically(target, b"two", durable=False)
    assert target.read_bytes() == b"two" and os.listdir(target.parent) == ["out.zip"]


def test_the_file_gets_the_umask_mode_not_mkstemps_private_one(tmp_path):
    target = tmp_path / "out.json"
    write_atomically(target, b"{}")
    assert stat.S_IMODE(target.stat().st_mode) == FILE_MODE
