"""The streams of an AES-encrypted PDF decrypted ahead, outside this interpreter.

pypdf decrypts each object as it reads it, and where no crypto library exists (the browser) with
the pure-Python AES of aes.py: about 2.7 s a megabyte in Pyodide, so a few megabytes of encrypted
content streams or images cost more than extracting them. A `Decrypter` decrypts AES-CBC elsewhere
(in the browser: WebCrypto, static/webcrypto.js). `decrypted_ahead` reads every stream of the file as
it is stored (a second reader, with pypdf's decryption overridden), derives its key as pypdf does
(`Encryption._make_crypt_filter`: ISO 32000-2 §7.6.3.2 Algorithm 1 for AESV2, the file key for AESV3)
and decrypts them in batches; inside `taking(decrypted)`, aes.CryptAES takes a stream's plaintext
from there, once (memory goes down as pages are read). pypdf still decides what is decrypted with
which key: a value it asks for that is not there is decrypted by aes.py, as before. Executors ring:
pypdf and the standard library only.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from dataflow.executors.pdf.aes import CryptAES
from dataflow.executors.pdf.kdf import unverified

Job = tuple[bytes, bytes, bytes]  # (key, IV, ciphertext)
Decrypter = Callable[[list[Job]], Awaitable[list[bytes | None]]]  # plaintexts, padding removed; None: refused
Identity = tuple[bytes, bytes, bytes, int]  # (key, IV, last block, length): a stored value under CBC
Decrypted = dict[Identity, bytes]

BATCH_BYTES = 8 << 20  # ciphertext decrypted per call (and held at once before it)
BUDGET_SECONDS = 10.0  # reading the streams ahead stops after this long (the open call's limit is 60 s)


def identity(key: bytes, stored: bytes) -> Identity:
    """What names an encrypted value (IV first, then whole blocks) without keeping it: under CBC the
    last block depends on every block before it, so key, IV, last block and length tell values apart."""
    return key, stored[:16], stored[-16:], len(stored)


async def decrypted_ahead(data: bytes, reader: PdfReader, decrypter: Decrypter, *,
                          monotonic: Callable[[], float], seconds: float = BUDGET_SECONDS) -> Decrypted:
    """The plaintext of each AES-encrypted stream of `data` (an encrypted file `reader` has opened, its
    key known), keyed by `identity`; {} for a file that is not encrypted, and what was decrypted so far
    where reading or the decrypter fails or `seconds` have passed (by `monotonic`): opening is one worker
    call, with a time limit, and a file of many thousand objects takes long to read; pypdf decrypts the
    rest itself, as pages need it."""
    started = monotonic()
    encryption = reader._encryption
    decrypted: Decrypted = {}
    if encryption is None or not encryption.is_decrypted():
        return decrypted
    batch: list[tuple[bytes, bytes]] = []
    size = 0
    try:
        with unverified():
            raw = PdfReader(io.BytesIO(data), strict=False)
        raw._override_encryption = True  # what pypdf itself sets to read the /Encrypt dictionary as stored
        for generation, entries in list(raw.xref.items()):
            for number in list(entries):
                stored = _stream_data(raw, number, generation)
                crypt = encryption._make_crypt_filter(number, generation).stm_crypt if stored else None
                if not isinstance(crypt, CryptAES) or len(stored) < 32 or len(stored) % 16:
                    continue
                batch.append((crypt.key, stored))
                size += len(stored)
                if size >= BATCH_BYTES:
                    await _decrypt(batch, decrypter, decrypted)
                    batch, size = [], 0
                    raw.resolved_objects.clear()  # this reader's copies of what was decrypted
                if monotonic() - started >= seconds:
                    raise TimeoutError(f"decrypting ahead stopped after {seconds:g} s")
        await _decrypt(batch, decrypter, decrypted)
    except TimeoutError:
        await _decrypt(batch, decrypter, decrypted)  # what was read is decrypted; the rest by aes.py
    except Exception:  # a damaged object, no WebCrypto: what is decrypted is kept, aes.py does the rest
        pass
    return decrypted


def _stream_data(raw: PdfReader, number: int, generation: int) -> bytes:
    """The stored data of object `number` if it is a stream, else b"" (a damaged object too)."""
    try:
        found = raw.get_object(IndirectObject(number, generation, raw))
    except Exception:
        return b""
    return found._data if isinstance(found, StreamObject) and isinstance(found._data, bytes) else b""


async def _decrypt(batch: list[tuple[bytes, bytes]], decrypter: Decrypter, into: Decrypted) -> None:
    if batch:
        plain = await decrypter([(key, stored[:16], stored[16:]) for key, stored in batch])
        for (key, stored), value in zip(batch, plain, strict=True):
            if value is not None:
                into[identity(key, stored)] = value


@contextmanager
def taking(decrypted: Decrypted) -> Iterator[None]:
    """aes.CryptAES (pypdf's AES while installed) takes a value's plaintext from `decrypted`, and
    removes it there, while inside."""
    original = CryptAES.decrypt

    def decrypt(self: CryptAES, data: bytes, *, strict: bool = True) -> bytes:
        found = decrypted.pop(identity(self.key, data), None) if len(data) >= 32 else None
        return found if found is not None else original(self, data, strict=strict)

    CryptAES.decrypt = decrypt  # type: ignore[method-assign]
    try:
        yield
    finally:
        CryptAES.decrypt = original  # type: ignore[method-assign]
