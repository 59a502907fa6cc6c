"""The streams of an encrypted PDF decrypted ahead, outside this interpreter.

pypdf decrypts each object as it reads it, and where no crypto library exists (the browser) in pure
Python: AES with aes.py at about 2.7 s a megabyte in Pyodide, RC4 with pypdf's own at about 0.4 s, so
a few megabytes of encrypted content streams or images cost more than extracting them. A `Decrypter`
decrypts elsewhere (in the browser: WebCrypto's AES-CBC and a JavaScript RC4, static/webcrypto.js).
`decrypted_ahead` reads every stream of the file as it is stored (a second reader, with pypdf's
decryption overridden), takes its cipher from pypdf itself (`Encryption._make_crypt_filter`: the key
of ISO 32000-2 §7.6.3.2 Algorithm 1 for RC4 and AESV2, the file key for AESV3) and decrypts them in
batches; inside `taking(decrypted)`, the AES and RC4 ciphers take a stream's plaintext from there,
once (memory goes down as pages are read). pypdf still decides what is decrypted with which key: a
value it asks for that is not there is decrypted in Python, as before. Executors ring: pypdf and the
standard library only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from pypdf import PdfReader
from pypdf._crypt_providers._fallback import CryptRC4
from pypdf.generic import IndirectObject, StreamObject

from dataflow.executors.pdf.aes import CryptAES
from dataflow.executors.pdf.kdf import as_stored

AES, RC4 = "AES-CBC", "RC4"
# (AES: "AES-CBC", key, IV, ciphertext without its IV; RC4: "RC4", its 256-byte state after key scheduling, b"",
# the data)
Job = tuple[str, bytes, bytes, bytes]
Decrypter = Callable[[list[Job]], Awaitable[list[bytes | None]]]  # plaintexts (AES: unpadded); None: refused
Identity = tuple[bytes, int, int]  # (key or RC4 state, length, hash of the stored bytes)
Decrypted = dict[Identity, bytes]

BATCH_BYTES = 8 << 20  # ciphertext decrypted per call (and held at once before it)
BUDGET_SECONDS = 10.0  # reading the streams ahead stops after this long (the open call's limit is 60 s)


def identity(key: bytes, stored: bytes) -> Identity:
    """What names an encrypted value without keeping it: its key, length and hash (Python's, keyed
    per process)."""
    return key, len(stored), hash(stored)


async def decrypted_ahead(data: bytes, reader: PdfReader, decrypter: Decrypter, *,
                          monotonic: Callable[[], float], seconds: float = BUDGET_SECONDS,
                          stored_reader: PdfReader | None = None) -> Decrypted:
    """The plaintext of each AES or RC4-encrypted stream of `data` (an encrypted file `reader` has
    opened, its key known), keyed by `identity`, read through `stored_reader` (kdf.as_stored(data), made here
    when not given); {} for a file that is not encrypted, and what was decrypted so far where reading or
    the decrypter fails or `seconds` have passed (by `monotonic`): opening is one worker call, with a
    time limit, and a file of many thousand objects takes long to read; pypdf decrypts the rest itself,
    as pages need it."""
    started = monotonic()
    encryption = reader._encryption
    decrypted: Decrypted = {}
    if encryption is None or not encryption.is_decrypted():
        return decrypted
    batch: list[tuple[str, bytes, bytes]] = []
    size = 0
    raw = stored_reader or as_stored(data)
    if raw is None:
        return decrypted
    try:
        for generation, entries in list(raw.xref.items()):
            for number in list(entries):
                stored = _stream_data(raw, number, generation)
                crypt = encryption._make_crypt_filter(number, generation).stm_crypt if stored else None
                job = _job(crypt, stored)
                if job is None:
                    continue
                batch.append(job)
                size += len(stored)
                if size >= BATCH_BYTES:
                    await _decrypt(batch, decrypter, decrypted)
                    batch, size = [], 0
                    raw.resolved_objects.clear()  # this reader's copies of what was decrypted
                if monotonic() - started >= seconds:
                    raise TimeoutError(f"decrypting ahead stopped after {seconds:g} s")
        await _decrypt(batch, decrypter, decrypted)
    except TimeoutError:
        await _decrypt(batch, decrypter, decrypted)  # what was read is decrypted; pypdf does the rest
    except Exception:  # a damaged object, no WebCrypto: what is decrypted is kept, pypdf does the rest
        pass
    return decrypted


def _stream_data(raw: PdfReader, number: int, generation: int) -> bytes:
    """The stored data of object `number` if it is a stream, else b"" (a damaged object too)."""
    try:
        found = raw.get_object(IndirectObject(number, generation, raw))
    except Exception:
        return b""
    return found._data if isinstance(found, StreamObject) and isinstance(found._data, bytes) else b""


def _job(crypt: object, stored: bytes) -> tuple[str, bytes, bytes] | None:
    """(cipher, key, stored bytes) for a stream `crypt` decrypts, when it is one of ours to take."""
    if isinstance(crypt, CryptAES) and len(stored) >= 32 and len(stored) % 16 == 0:
        return AES, crypt.key, stored
    if isinstance(crypt, CryptRC4) and stored:
        return RC4, bytes(crypt.s), stored
    return None


async def _decrypt(batch: list[tuple[str, bytes, bytes]], decrypter: Decrypter, into: Decrypted) -> None:
    if batch:
        plain = await decrypter([(cipher, key, stored[:16], stored[16:]) if cipher == AES
                                 else (cipher, key, b"", stored) for cipher, key, stored in batch])
        for (_, key, stored), value in zip(batch, plain, strict=True):
            if value is not None:
                into[identity(key, stored)] = value


@contextmanager
def taking(decrypted: Decrypted) -> Iterator[None]:
    """aes.CryptAES (pypdf's AES while installed) and pypdf's pure-Python RC4 take a value's plaintext
    from `decrypted`, and remove it there, while inside."""
    aes, rc4 = CryptAES.decrypt, CryptRC4.decrypt

    def aes_decrypt(self: CryptAES, data: bytes, *, strict: bool = True) -> bytes:
        found = decrypted.pop(identity(self.key, data), None) if decrypted else None
        return found if found is not None else aes(self, data, strict=strict)

    def rc4_decrypt(self: CryptRC4, data: bytes, *, strict: bool = True) -> bytes:
        found = decrypted.pop(identity(bytes(self.s), data), None) if decrypted else None
        return found if found is not None else rc4(self, data, strict=strict)

    CryptAES.decrypt, CryptRC4.decrypt = aes_decrypt, rc4_decrypt  # type: ignore[method-assign]
    try:
        yield
    finally:
        CryptAES.decrypt, CryptRC4.decrypt = aes, rc4  # type: ignore[method-assign]
