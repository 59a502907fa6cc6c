"""The password hash of AES-256 PDFs (revision 6), computed before pypdf asks for it.

ISO 32000-2 §7.6.4.3.4, Algorithm 2.B: every check of a password runs 64 or more rounds, each
encrypting a few kilobytes with AES-128-CBC and hashing them with SHA-2, so in a pure-Python AES
(aes.py, all the browser's Python has) one check takes seconds, and opening a file checks up to two
passwords' hashes (owner, then user) and derives the key with a third. A `Hasher` computes Algorithm
2.B elsewhere, asynchronously (in the browser: WebCrypto, static/webcrypto.js); `password_hashes` asks it,
in pypdf's order, for the hashes that opening the file with that password will need, and
`precomputed` makes pypdf's `AlgV5.calculate_hash` take them. pypdf still decides: a hash it asks for
that was not computed (another version of pypdf asking other questions) is computed by pypdf itself,
slowly but correctly. Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from pypdf import PasswordType, PdfReader
from pypdf._encryption import AlgV5, Encryption

Hasher = Callable[[bytes, bytes, bytes], Awaitable[bytes]]  # (password, salt, user data) -> 32 bytes
Hashes = dict[tuple[int, bytes, bytes, bytes], bytes]  # (R, password, salt, user data) -> hash

HASHES = (hashlib.sha256, hashlib.sha384, hashlib.sha512)
TRAILER_BYTES = 1 << 20  # bytes at each end of a file searched for /Encrypt


def hash_2b(password: bytes, salt: bytes, udata: bytes, encrypt_cbc: Callable[[bytes, bytes, bytes], bytes]) -> bytes:
    """Algorithm 2.B (revision 6) with `encrypt_cbc(key, iv, data)` as AES-128-CBC without padding:
    32 bytes. As pypdf's AlgV5.calculate_hash, which follows qpdf's QPDF_encryption.cc."""
    k = hashlib.sha256(password + salt + udata).digest()
    count = 0
    while True:
        count += 1
        e = encrypt_cbc(k[:16], k[16:32], (password + k + udata) * 64)
        k = HASHES[sum(e[:16]) % 3](e).digest()
        if count >= 64 and e[-1] <= count - 32:
            return k[:32]


def as_stored(data: bytes) -> PdfReader | None:
    """A reader of `data` as it is stored: its /Encrypt dictionary read, no password tried, nothing
    decrypted (pypdf's own `_override_encryption`, which it sets to read /Encrypt); None when pypdf
    cannot read the file (opening it then says why). Opening an encrypted file needs one: for the
    hashes here, and for the streams decrypted ahead (ahead.py), which share it."""
    try:
        with unverified():
            reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception:  # a damaged file
        return None
    reader._override_encryption = True
    return reader


async def password_hashes(data: bytes, password: str | None, hasher: Hasher, *,
                          stored_reader: PdfReader | None = None) -> Hashes:
    """The Algorithm 2.B hashes (revision 6, or later as pypdf treats it) that opening `data` with
    `password` will ask for, computed by `hasher`: pypdf's PdfReader tries the empty password as it
    reads the file, then `unlock` tries `password` (None: the empty one again); each try checks the
    owner password's hash, then the user password's, then derives the key of whichever matched (pypdf's
    Encryption.verify_v5). `stored_reader`: `as_stored(data)` when the caller has it already. {} for a file
    that is not AES-256 of revision 6 or later, or not readable here (opening it then says why). An
    unencrypted file costs two short searches, not a parse."""
    if not may_be_encrypted(data):
        return {}
    try:
        encryption = getattr(stored_reader or as_stored(data), "_encryption", None)
        if encryption is None or encryption.V < 5 or encryption.R < 6:  # R 5 is one SHA-256: nothing to gain
            return {}
        revision = int(encryption.R)  # pypdf runs Algorithm 2.B for any R from 6 on
        secrets = dict.fromkeys([b"", encryption._encode_password(password or "")[:127]])
        owner, user = bytes(encryption.values.O), bytes(encryption.values.U)
    except Exception:  # a damaged file: pypdf's own open reports it
        return {}
    hashes: Hashes = {}
    try:
        for secret in secrets:
            await _ask_in_pypdfs_order(revision, secret, owner, user, hasher, hashes)
    except Exception:  # no hasher here (WebCrypto needs a secure context: https or localhost): pypdf computes
        pass
    return hashes


async def _ask_in_pypdfs_order(revision: int, secret: bytes, owner: bytes, user: bytes, hasher: Hasher,
                               hashes: Hashes) -> None:
    """Into `hashes`, what pypdf's verify_v5 asks for `secret`: the owner check, then the owner key if
    it matched, else the user check, then the user key if that matched."""
    async def ask(salt: bytes, udata: bytes) -> bytes:
        key = (revision, secret, salt, udata)
        if key not in hashes:
            hashes[key] = await hasher(secret, salt, udata)
        return hashes[key]

    if await ask(owner[32:40], user[:48]) == owner[:32]:
        await ask(owner[40:48], user[:48])
    elif await ask(user[32:40], b"") == user[:32]:
        await ask(user[40:48], b"")


@contextmanager
def unverified() -> Iterator[None]:
    """PdfReader reads an encrypted file's /Encrypt dictionary without trying a password."""
    original = Encryption.__dict__["verify"]
    Encryption.verify = lambda self, password, *, strict=False: PasswordType.NOT_DECRYPTED  # type: ignore[method-assign]
    try:
        yield
    finally:
        Encryption.verify = original  # type: ignore[method-assign]


def may_be_encrypted(data: bytes) -> bool:
    """Whether a trailer may name an /Encrypt dictionary (ISO 32000-2 §7.5.5): the last trailer or
    cross-reference stream is near the end, a linearized file's first one near the start. A file
    this misses is still opened right, pypdf computing the hashes itself."""
    return b"/Encrypt" in data[:TRAILER_BYTES] or b"/Encrypt" in data[-TRAILER_BYTES:]


@contextmanager
def precomputed(hashes: Hashes) -> Iterator[None]:
    """pypdf's AlgV5.calculate_hash answers from `hashes` where it can while inside."""
    original = AlgV5.__dict__["calculate_hash"]
    compute = original.__func__

    def calculate_hash(R: int, password: bytes, salt: bytes, udata: bytes) -> bytes:
        found = hashes.get((R, bytes(password), bytes(salt), bytes(udata)))
        return found if found is not None else compute(R, password, salt, udata)

    AlgV5.calculate_hash = staticmethod(calculate_hash)  # type: ignore[method-assign]
    try:
        yield
    finally:
        AlgV5.calculate_hash = original  # type: ignore[method-assign]
