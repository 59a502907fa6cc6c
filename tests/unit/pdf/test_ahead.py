"""AES streams decrypted ahead: every stream pypdf reads comes from there, the result is the same bytes,
and a value or decrypter that fails leaves the work to aes.py."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf._crypt_providers._fallback import CryptRC4

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.pdf import aes
from dataflow.executors.pdf.aes import aes_cbc_decrypt  # bound here: the counting below leaves it alone
from dataflow.executors.pdf.ahead import decrypted_ahead, identity, taking
from dataflow.executors.pdf.service import PdfService
from tests import pdfs

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


async def python_decrypter(jobs):
    """The in-memory twin of the WebCrypto decrypter: aes.py (padding removed, None where invalid) and
    RC4 from its scheduled state."""
    out = []
    for cipher, key, iv, data in jobs:
        if cipher == "RC4":
            out.append(rc4_from_state(key, data))
            continue
        plain = aes_cbc_decrypt(key, iv, data)
        count = plain[-1]
        out.append(plain[:-count] if 1 <= count <= 16 and plain.endswith(bytes([count]) * count) else None)
    return out


def rc4_from_state(state: bytes, data: bytes) -> bytes:
    """RC4's output from its state after key scheduling (ISO 32000-2 §7.6.3.2 uses RC4 as RSA defined it)."""
    s, out, i, j = bytearray(state), bytearray(len(data)), 0, 0
    for k, byte in enumerate(data):
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out[k] = byte ^ s[(s[i] + s[j]) & 255]
    return bytes(out)


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
async def test_every_aes_stream_pypdf_reads_comes_decrypted_ahead_and_the_result_is_the_same(algorithm, slow_bytes):
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
        largest = max(range(len(jobs)), key=lambda index: len(jobs[index][3]))
        refused.append(len(jobs[largest][3]))
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


@pytest.mark.parametrize("algorithm", ["RC4-40", "RC4-128"])
async def test_every_rc4_stream_pypdf_reads_comes_decrypted_ahead_and_the_result_is_the_same(algorithm,
                                                                                            monkeypatch):
    data = encrypted(pdfs.images_pdf(), algorithm)
    _, expected = await run(data)
    sizes: list[int] = []
    original = CryptRC4.encrypt  # pypdf's RC4 decrypts by encrypting

    def counting(self, data):
        sizes.append(len(data))
        return original(self, data)
    monkeypatch.setattr(CryptRC4, "encrypt", counting)
    service, result = await run(data, python_decrypter)
    assert result == expected and service.documents["t"].decrypted == {}
    assert max(sizes) <= 32  # only the password checks' 32-byte values and short strings: no stream


async def test_a_file_that_is_not_encrypted_decrypts_nothing_ahead():
    data = pdfs.text_pdf(2)
    assert await decrypted_ahead(data, PdfReader(io.BytesIO(data)), python_decrypter, monotonic=lambda: 0.0) == {}


async def test_the_password_protected_fixture_is_decrypted_ahead_once_opened():
    service, _ = await run((FIXTURES / "aes256-password.pdf").read_bytes(), python_decrypter, "secret")
    assert service.documents["t"].reader.is_encrypted


def test_a_value_is_taken_by_its_key_and_bytes_and_only_once():
    key = bytes(range(16))
    crypt = aes.CryptAES(key)
    stored = crypt.encrypt(b"x" * 20)
    held = {identity(key, stored): b"plain"}
    with taking(held):
        aes.CryptAES(bytes(16)).decrypt(stored, strict=False)  # another key: not taken
        assert identity(key, stored) in held
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
