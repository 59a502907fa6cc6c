"""zstd through our interface, with the zstandard package (pinned in tests/requirements.txt);
Python 3.14's compression.zstd takes its place in the browser (Pyodide 314)."""

import pytest

from dataflow.executors.json import zstd
from dataflow.executors.json.errors import CorruptZstError, FileTooLargeError, ZstdUnavailableError

zstandard = pytest.importorskip("zstandard", reason="zstandard is pinned in tests/requirements.txt: run make venv")
DATA = b'{"id": 1, "text": "hello"}\n' * 5000


@pytest.fixture
def codec():
    return zstd.ZstandardZstd(zstandard)


def test_compressed_data_starts_with_the_zstd_magic_and_round_trips(codec):
    packed = codec.compress(DATA, 19)
    assert zstd.is_zstd(packed) and len(packed) < len(DATA) // 20
    assert codec.decompress(packed, len(DATA)) == DATA


def test_compression_is_deterministic(codec):
    assert codec.compress(DATA, 19) == codec.compress(DATA, 19)


def test_concatenated_frames_decompress_to_the_concatenated_data(codec):
    assert codec.decompress(codec.compress(DATA, 3) + codec.compress(b"tail", 3), 10**9) == DATA + b"tail"


def test_the_zstd_cli_format_is_read():
    packed = zstandard.ZstdCompressor(level=3, write_content_size=False).compress(DATA)
    assert zstd.ZstandardZstd(zstandard).decompress(packed, 10**9) == DATA


@pytest.mark.parametrize("cut", [0.5, 0.99])
def test_a_truncated_file_is_reported_as_truncated(codec, cut):
    packed = codec.compress(DATA, 3)
    with pytest.raises(CorruptZstError, match="truncated"):
        codec.decompress(packed[:int(len(packed) * cut)], 10**9)


def test_damaged_data_is_reported(codec):
    packed = codec.compress(DATA, 3)
    with pytest.raises(CorruptZstError, match="damaged"):
        codec.decompress(packed[:4] + b"\xff" * 40, 10**9)


def test_a_bomb_stops_at_the_limit_without_holding_it_all(codec):
    import tracemalloc

    bomb = codec.compress(b"\0" * 100_000_000, 19)
    tracemalloc.start()
    try:
        with pytest.raises(FileTooLargeError, match="more than 4 MB, the limit"):
            codec.decompress(bomb, 4 * 1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024


def test_the_standard_library_module_is_preferred_when_present(monkeypatch):
    class FakeStdlib:
        pass

    monkeypatch.setattr(zstd.importlib, "import_module",
                        lambda name: FakeStdlib if name == "compression.zstd" else zstandard)
    assert zstd.available().name == "compression.zstd"


def test_without_any_zstd_module_the_error_says_what_is_needed(monkeypatch):
    def missing(name):
        raise ImportError(name)

    monkeypatch.setattr(zstd.importlib, "import_module", missing)
    assert zstd.available() is None
    with pytest.raises(ZstdUnavailableError, match="compression.zstd"):
        zstd.require()


