"""AES-256 password hashes computed before pypdf asks: the same hash as pypdf's, asked in pypdf's order,
and taken by pypdf instead of its own slow computation."""

from pathlib import Path

import pypdf._encryption as encryption
import pytest
from pypdf._encryption import AlgV5

from dataflow.executors.pdf import kdf
from dataflow.executors.pdf.aes import aes_cbc_encrypt
from dataflow.executors.pdf.errors import PasswordRequiredError, WrongPasswordError
from dataflow.executors.pdf.options import PdfOptions
from dataflow.executors.pdf.reader import open_pdf
from tests import pdfs

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
OPTIONS = PdfOptions.from_dict({})


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class CountingHasher:
    """Algorithm 2.B in this process (the pure-Python AES), counting what it is asked."""

    def __init__(self):
        self.asked: list[tuple[bytes, bytes, bytes]] = []

    async def __call__(self, password: bytes, salt: bytes, udata: bytes) -> bytes:
        self.asked.append((password, salt, udata))
        return kdf.hash_2b(password, salt, udata, aes_cbc_encrypt)


@pytest.fixture
def no_slow_path(monkeypatch):
    """pypdf's own hash computation fails the test if it runs."""
    def refuse(*_):
        raise AssertionError("pypdf computed a hash itself")
    monkeypatch.setattr(encryption, "aes_cbc_encrypt", refuse)


@pytest.mark.parametrize(("password", "salt", "udata"), [(b"", b"12345678", b""), (b"secret", b"\0" * 8, b"u" * 48),
                                                         (("é" * 70).encode()[:127], b"abcdefgh", b"")])
def test_algorithm_2b_gives_pypdfs_hash(password, salt, udata):
    assert kdf.hash_2b(password, salt, udata, aes_cbc_encrypt) == AlgV5.calculate_hash(6, password, salt, udata)


async def test_opening_with_the_user_password_asks_the_empty_ones_then_its_own_and_pypdf_takes_them(no_slow_path):
    hasher = CountingHasher()
    hashes = await kdf.password_hashes(fixture("aes256-password.pdf"), "secret", hasher)
    assert [password for password, _, _ in hasher.asked] == [b"", b"", b"secret", b"secret", b"secret"]
    with kdf.precomputed(hashes):
        assert len(open_pdf(fixture("aes256-password.pdf"), OPTIONS, password="secret").reader.pages) == 2


async def test_a_wrong_or_missing_password_is_refused_as_before_from_the_hashes(no_slow_path):
    for password, error in (("nope", WrongPasswordError), (None, PasswordRequiredError)):
        hashes = await kdf.password_hashes(fixture("aes256-password.pdf"), password, CountingHasher())
        with kdf.precomputed(hashes), pytest.raises(error):
            open_pdf(fixture("aes256-password.pdf"), OPTIONS, password=password)


async def test_a_file_that_opens_without_a_password_needs_only_the_empty_ones(no_slow_path):
    hasher = CountingHasher()
    hashes = await kdf.password_hashes(fixture("aes256.pdf"), None, hasher)
    assert {password for password, _, _ in hasher.asked} == {b""} and len(hasher.asked) <= 3
    with kdf.precomputed(hashes):
        open_pdf(fixture("aes256.pdf"), OPTIONS)


async def test_files_without_revision_6_ask_nothing():
    hasher = CountingHasher()
    for data in (pdfs.text_pdf(2), pdfs.encrypted_pdf(), fixture("aes128.pdf"), b"%PDF-1.7 /Encrypt damaged"):
        assert await kdf.password_hashes(data, "secret", hasher) == {}
    assert hasher.asked == []


def test_a_hash_not_computed_before_is_computed_by_pypdf_and_the_original_comes_back():
    original = AlgV5.__dict__["calculate_hash"]
    with kdf.precomputed({}):
        assert len(open_pdf(fixture("aes256-password.pdf"), OPTIONS, password="secret").reader.pages) == 2
    assert AlgV5.__dict__["calculate_hash"] is original


async def test_a_hasher_that_fails_leaves_the_hashes_to_pypdf():
    async def failing(*_):
        raise TypeError("crypto.subtle is undefined")  # WebCrypto outside a secure context
    hashes = await kdf.password_hashes(fixture("aes256-password.pdf"), "secret", failing)
    assert hashes == {}
    with kdf.precomputed(hashes):
        assert len(open_pdf(fixture("aes256-password.pdf"), OPTIONS, password="secret").reader.pages) == 2


async def test_a_revision_past_6_is_hashed_ahead_as_pypdf_hashes_it(no_slow_path):
    data = fixture("aes256-password.pdf").replace(b"/R 6", b"/R 7", 1)
    assert data != fixture("aes256-password.pdf")
    hashes = await kdf.password_hashes(data, "secret", CountingHasher())
    assert {key[0] for key in hashes} == {7}
    with kdf.precomputed(hashes):
        assert len(open_pdf(data, OPTIONS, password="secret").reader.pages) == 2
