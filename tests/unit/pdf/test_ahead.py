"""AES streams decrypted ahead: every stream pypdf reads comes from there, the result is the same bytes,
and a value or decrypter that fails leaves the work to aes.py."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfStreamError

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.pdf import aes
from dataflow.executors.pdf.aes import aes_cbc_decrypt  # bound here: the counting below leaves it alone
from dataflow.executors.pdf.ahead import decrypted_ahead, identity, taking
from dataflow.executors.pdf.service import PdfService
from tests import pdfs

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


async def python_decrypter(jobs):
    """The in-memory twin of the WebCrypto decrypter: aes.py, padding removed, None where invalid."""
    out = []
    for key, iv, data in jobs:
        plain = aes_cbc_decrypt(key, iv, data)
        count = plain[-1]
        out.append(plain[:-count] if 1 <= count <= 16 and plain.endswith(bytes([count]) * count) else None)
    return out


def encrypted(data: bytes, algorithm: str, password: str = "") -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt(user_password=password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def slow_bytes(monkeypatch):
    """The bytes aes.py decrypts itself, counted."""
    counted = [0]
    original = aes.aes_cbc_decrypt

    def counting(key, iv, data):
        counted[0] += len(data)
        return original(key, iv, data)
    monkeypatch.setattr(aes, "aes_cbc_decrypt", counting)
    return counted


async def run(data: bytes, decrypter=None, password=None) -> tuple[PdfService, bytes]:
    store = MemoryBlobStore()
    await store.put(file_key("f"), data)
    service = PdfService(store, decrypter=decrypter)
    info = await service.open("t", "f", {}, source="doc.pdf", password=password)
    await service.process("t", 0, info["pages"])
    return service, store.data[(await service.finish("t"))["result_key"]]


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
async def test_every_stream_pypdf_reads_comes_decrypted_ahead_and_the_result_is_the_same(algorithm, slow_bytes):
    data = encrypted(pdfs.images_pdf(), algorithm)
    _, expected = await run(data)
    slow_bytes[0] = 0
    service, result = await run(data, python_decrypter)
    assert result == expected
    assert slow_bytes[0] < 2_000  # strings only (titles, dates): each stream came from ahead
    assert service.documents["t"].decrypted == {}  # taken once each: nothing left held


async def test_a_stream_the_decrypter_refuses_is_decrypted_by_aes_py(slow_bytes):
    data = encrypted(pdfs.images_pdf(), "AES-256")
    _, expected = await run(data)
    refused: list[int] = []

    async def refusing_the_largest(jobs):
        found = await python_decrypter(jobs)
        largest = max(range(len(jobs)), key=lambda index: len(jobs[index][2]))
        refused.append(len(jobs[largest][2]))
        found[largest] = None
        return found
    slow_bytes[0] = 0
    assert (await run(data, refusing_the_largest))[1] == expected and slow_bytes[0] >= refused[0] > 500


async def test_a_decrypter_that_fails_leaves_every_stream_to_aes_py():
    data = encrypted(pdfs.text_pdf(2), "AES-128")
    _, expected = await run(data)

    async def failing(jobs):
        raise TypeError("crypto.subtle is undefined")
    assert (await run(data, failing))[1] == expected


async def test_files_that_are_not_aes_encrypted_decrypt_nothing_ahead():
    for data in (pdfs.text_pdf(2), pdfs.encrypted_pdf("pw")):
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("pw")
        assert await decrypted_ahead(data, reader, python_decrypter, monotonic=lambda: 0.0) == {}


async def test_the_password_protected_fixture_is_decrypted_ahead_once_opened():
    service, _ = await run((FIXTURES / "aes256-password.pdf").read_bytes(), python_decrypter, "secret")
    assert service.documents["t"].reader.is_encrypted


def test_a_value_is_taken_by_its_key_iv_last_block_and_length_and_only_once():
    key = bytes(range(16))
    crypt = aes.CryptAES(key)
    stored = crypt.encrypt(b"x" * 20)
    held = {identity(key, stored): b"plain"}
    with taking(held):
        with pytest.raises(PdfStreamError):  # another key: not taken; aes.py finds its padding wrong
            aes.CryptAES(bytes(16)).decrypt(stored)
        assert crypt.decrypt(stored) == b"plain"
        assert crypt.decrypt(stored) == b"x" * 20 and held == {}  # taken: aes.py decrypts it now
    assert crypt.decrypt(stored) == b"x" * 20


async def test_reading_ahead_stops_at_its_time_budget_and_keeps_what_it_read():
    data = encrypted(pdfs.images_pdf(), "AES-256")
    reader = PdfReader(io.BytesIO(data))
    everything = await decrypted_ahead(data, reader, python_decrypter, monotonic=lambda: 0.0)
    ticks = iter(range(1000))
    cut = await decrypted_ahead(data, reader, python_decrypter, monotonic=lambda: float(next(ticks)), seconds=3)
    assert 0 < len(cut) < len(everything) and cut.items() <= everything.items()
