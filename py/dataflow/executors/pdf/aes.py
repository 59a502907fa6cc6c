"""AES in pure Python, plugged into pypdf where no crypto library exists (the browser).

`cryptography` and `pycryptodome` have no wasm wheels, so pypdf under Pyodide cannot open AES
encrypted PDFs. This module implements AES-128/192/256 (FIPS-197, table-driven) with the ECB/CBC
helpers pypdf's encryption code calls, and `install()` puts them in place of pypdf's fallback
provider, which only raises. Slower than native code (about a megabyte a second in CPython), but
correct and only used for encrypted files. Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

import secrets
import struct

from pypdf._crypt_providers._base import CryptBase
from pypdf.errors import PdfStreamError


def _xtime(value: int) -> int:
    value <<= 1
    return value ^ 0x11B if value & 0x100 else value


def _multiply(a: int, b: int) -> int:
    result = 0
    while b:
        if b & 1:
            result ^= a
        a, b = _xtime(a), b >> 1
    return result


def _tables():
    inverse = [0] * 256
    for value in range(1, 256):
        inverse[value] = next(c for c in range(1, 256) if _multiply(value, c) == 1)

    def rotl8(x: int, shift: int) -> int:
        return ((x << shift) | (x >> (8 - shift))) & 0xFF

    sbox = [v ^ rotl8(v, 1) ^ rotl8(v, 2) ^ rotl8(v, 3) ^ rotl8(v, 4) ^ 0x63 for v in inverse]
    inv_sbox = [0] * 256
    for index, value in enumerate(sbox):
        inv_sbox[value] = index

    def rotations(first: list[int]) -> list[list[int]]:
        return [[((w >> (8 * n)) | (w << (32 - 8 * n))) & 0xFFFFFFFF for w in first] for n in range(4)]

    te = rotations([(_multiply(s, 2) << 24) | (s << 16) | (s << 8) | _multiply(s, 3) for s in sbox])
    td = rotations([(_multiply(s, 14) << 24) | (_multiply(s, 9) << 16) | (_multiply(s, 13) << 8) | _multiply(s, 11)
                    for s in inv_sbox])
    return sbox, inv_sbox, te, td


SBOX, INV_SBOX, (TE0, TE1, TE2, TE3), (TD0, TD1, TD2, TD3) = _tables()


class AES:
    """One AES key: encrypt_block / decrypt_block on 16 bytes."""

    def __init__(self, key: bytes):
        if len(key) not in (16, 24, 32):
            raise ValueError(f"AES keys are 16, 24 or 32 bytes, not {len(key)}")
        self.rounds = len(key) // 4 + 6
        self.enc = self._expand(key)
        self.dec = self._inverse(self.enc)

    def _expand(self, key: bytes) -> list[int]:
        nk = len(key) // 4
        words = [int.from_bytes(key[4 * i:4 * i + 4], "big") for i in range(nk)]
        rcon = 1
        for index in range(nk, 4 * (self.rounds + 1)):
            temp = words[index - 1]
            if index % nk == 0:
                temp = ((temp << 8) | (temp >> 24)) & 0xFFFFFFFF
                temp = _sub_word(temp) ^ (rcon << 24)
                rcon = _xtime(rcon)
            elif nk > 6 and index % nk == 4:
                temp = _sub_word(temp)
            words.append(words[index - nk] ^ temp)
        return words

    def _inverse(self, enc: list[int]) -> list[int]:
        rounds = self.rounds
        dec = enc[4 * rounds:4 * rounds + 4]
        for round_ in range(1, rounds):
            for w in enc[4 * (rounds - round_):4 * (rounds - round_) + 4]:
                dec.append(TD0[SBOX[w >> 24]] ^ TD1[SBOX[(w >> 16) & 255]] ^ TD2[SBOX[(w >> 8) & 255]]
                           ^ TD3[SBOX[w & 255]])
        return dec + enc[0:4]

    def encrypt_block(self, block: bytes) -> bytes:
        return struct.pack(">4I", *self.encrypt_words(*struct.unpack(">4I", block)))

    def decrypt_block(self, block: bytes) -> bytes:
        return struct.pack(">4I", *self.decrypt_words(*struct.unpack(">4I", block)))

    def encrypt_words(self, s0: int, s1: int, s2: int, s3: int) -> tuple[int, int, int, int]:
        """One block as four big-endian 32-bit words, in and out (FIPS-197 §5.1 with T-tables)."""
        k, te0, te1, te2, te3, sbox = self.enc, TE0, TE1, TE2, TE3, SBOX
        s0, s1, s2, s3 = s0 ^ k[0], s1 ^ k[1], s2 ^ k[2], s3 ^ k[3]
        for o in range(4, 4 * self.rounds, 4):
            s0, s1, s2, s3 = (
                te0[s0 >> 24] ^ te1[(s1 >> 16) & 255] ^ te2[(s2 >> 8) & 255] ^ te3[s3 & 255] ^ k[o],
                te0[s1 >> 24] ^ te1[(s2 >> 16) & 255] ^ te2[(s3 >> 8) & 255] ^ te3[s0 & 255] ^ k[o + 1],
                te0[s2 >> 24] ^ te1[(s3 >> 16) & 255] ^ te2[(s0 >> 8) & 255] ^ te3[s1 & 255] ^ k[o + 2],
                te0[s3 >> 24] ^ te1[(s0 >> 16) & 255] ^ te2[(s1 >> 8) & 255] ^ te3[s2 & 255] ^ k[o + 3],
            )
        o = 4 * self.rounds
        return ((sbox[s0 >> 24] << 24 | sbox[(s1 >> 16) & 255] << 16 | sbox[(s2 >> 8) & 255] << 8 | sbox[s3 & 255])
                ^ k[o],
                (sbox[s1 >> 24] << 24 | sbox[(s2 >> 16) & 255] << 16 | sbox[(s3 >> 8) & 255] << 8 | sbox[s0 & 255])
                ^ k[o + 1],
                (sbox[s2 >> 24] << 24 | sbox[(s3 >> 16) & 255] << 16 | sbox[(s0 >> 8) & 255] << 8 | sbox[s1 & 255])
                ^ k[o + 2],
                (sbox[s3 >> 24] << 24 | sbox[(s0 >> 16) & 255] << 16 | sbox[(s1 >> 8) & 255] << 8 | sbox[s2 & 255])
                ^ k[o + 3])

    def decrypt_words(self, s0: int, s1: int, s2: int, s3: int) -> tuple[int, int, int, int]:
        """The inverse of encrypt_words (FIPS-197 §5.3.5, the equivalent inverse cipher)."""
        k, td0, td1, td2, td3, inv = self.dec, TD0, TD1, TD2, TD3, INV_SBOX
        s0, s1, s2, s3 = s0 ^ k[0], s1 ^ k[1], s2 ^ k[2], s3 ^ k[3]
        for o in range(4, 4 * self.rounds, 4):
            s0, s1, s2, s3 = (
                td0[s0 >> 24] ^ td1[(s3 >> 16) & 255] ^ td2[(s2 >> 8) & 255] ^ td3[s1 & 255] ^ k[o],
                td0[s1 >> 24] ^ td1[(s0 >> 16) & 255] ^ td2[(s3 >> 8) & 255] ^ td3[s2 & 255] ^ k[o + 1],
                td0[s2 >> 24] ^ td1[(s1 >> 16) & 255] ^ td2[(s0 >> 8) & 255] ^ td3[s3 & 255] ^ k[o + 2],
                td0[s3 >> 24] ^ td1[(s2 >> 16) & 255] ^ td2[(s1 >> 8) & 255] ^ td3[s0 & 255] ^ k[o + 3],
            )
        o = 4 * self.rounds
        return ((inv[s0 >> 24] << 24 | inv[(s3 >> 16) & 255] << 16 | inv[(s2 >> 8) & 255] << 8 | inv[s1 & 255])
                ^ k[o],
                (inv[s1 >> 24] << 24 | inv[(s0 >> 16) & 255] << 16 | inv[(s3 >> 8) & 255] << 8 | inv[s2 & 255])
                ^ k[o + 1],
                (inv[s2 >> 24] << 24 | inv[(s1 >> 16) & 255] << 16 | inv[(s0 >> 8) & 255] << 8 | inv[s3 & 255])
                ^ k[o + 2],
                (inv[s3 >> 24] << 24 | inv[(s2 >> 16) & 255] << 16 | inv[(s1 >> 8) & 255] << 8 | inv[s0 & 255])
                ^ k[o + 3])


def _sub_word(word: int) -> int:
    return (SBOX[word >> 24] << 24 | SBOX[(word >> 16) & 255] << 16 | SBOX[(word >> 8) & 255] << 8
            | SBOX[word & 255])


def _words(data: bytes) -> tuple[int, ...]:
    """`data` as big-endian 32-bit words (ValueError unless whole 16-byte blocks)."""
    if len(data) % 16:
        raise ValueError(f"AES data must be a whole number of 16-byte blocks, not {len(data)} bytes")
    return struct.unpack(f">{len(data) // 4}I", data)


def _packed(words: list[int]) -> bytes:
    return struct.pack(f">{len(words)}I", *words)


def aes_ecb_encrypt(key: bytes, data: bytes) -> bytes:
    words, encrypt = _words(data), AES(key).encrypt_words
    out: list[int] = []
    for i in range(0, len(words), 4):
        out += encrypt(words[i], words[i + 1], words[i + 2], words[i + 3])
    return _packed(out)


def aes_ecb_decrypt(key: bytes, data: bytes) -> bytes:
    words, decrypt = _words(data), AES(key).decrypt_words
    out: list[int] = []
    for i in range(0, len(words), 4):
        out += decrypt(words[i], words[i + 1], words[i + 2], words[i + 3])
    return _packed(out)


def aes_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """CBC (NIST SP 800-38A §6.2) over whole blocks, the block chain kept as ints: the R6 key
    derivation (ISO 32000-2 Algorithm 2.B) encrypts ~25,000 blocks for one password."""
    words, encrypt = _words(data), AES(key).encrypt_words
    out: list[int] = []
    p0, p1, p2, p3 = struct.unpack(">4I", iv)
    for i in range(0, len(words), 4):
        p0, p1, p2, p3 = encrypt(words[i] ^ p0, words[i + 1] ^ p1, words[i + 2] ^ p2, words[i + 3] ^ p3)
        out += (p0, p1, p2, p3)
    return _packed(out)


def aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    words, decrypt = _words(data), AES(key).decrypt_words
    out: list[int] = []
    p0, p1, p2, p3 = struct.unpack(">4I", iv)
    for i in range(0, len(words), 4):
        c0, c1, c2, c3 = words[i], words[i + 1], words[i + 2], words[i + 3]
        d0, d1, d2, d3 = decrypt(c0, c1, c2, c3)
        out += (d0 ^ p0, d1 ^ p1, d2 ^ p2, d3 ^ p3)
        p0, p1, p2, p3 = c0, c1, c2, c3
    return _packed(out)


def _pad(data: bytes) -> bytes:
    count = 16 - len(data) % 16
    return data + bytes([count]) * count


class CryptAES(CryptBase):
    """pypdf's AES stream cipher interface (IV first, PKCS#7 padding), as its other providers do."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def encrypt(self, data: bytes) -> bytes:
        iv = secrets.token_bytes(16)
        return iv + aes_cbc_encrypt(self.key, iv, _pad(data))

    def decrypt(self, data: bytes, *, strict: bool = True) -> bytes:
        iv, body = data[:16], data[16:]
        if not body:
            return body
        if len(body) % 16:
            if strict:
                raise PdfStreamError("AES data is not a whole number of blocks")
            body = _pad(body)
        plain = aes_cbc_decrypt(self.key, iv, body)
        count = plain[-1]
        if not 1 <= count <= 16 or plain[-count:] != bytes([count]) * count:
            if strict:
                raise PdfStreamError("AES padding is invalid")
            return plain[:-count] if 1 <= count <= 16 else plain
        return plain[:-count]


def install() -> bool:
    """Use this AES in pypdf when pypdf has no crypto library (returns whether it did)."""
    import pypdf._encryption as encryption
    from pypdf._crypt_providers import crypt_provider

    if crypt_provider[0] != "local_crypt_fallback":
        return False
    encryption.CryptAES = CryptAES  # type: ignore[misc,assignment]  # ours replaces pypdf's fallback
    encryption.aes_cbc_decrypt = aes_cbc_decrypt
    encryption.aes_cbc_encrypt = aes_cbc_encrypt
    encryption.aes_ecb_decrypt = aes_ecb_decrypt
    encryption.aes_ecb_encrypt = aes_ecb_encrypt
    return True
