"""AES in pure Python, plugged into pypdf where no crypto library exists (the browser).

`cryptography` and `pycryptodome` have no wasm wheels, so pypdf under Pyodide cannot open AES
encrypted PDFs. This module implements AES-128/192/256 (FIPS-197, table-driven) with the ECB/CBC
helpers pypdf's encryption code calls, and `install()` puts them in place of pypdf's fallback
provider, which only raises. Slower than native code (about a megabyte a second in CPython), but
correct and only used for encrypted files. Executors ring: pypdf and the standard library only.
"""

from __future__ import annotations

import secrets

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
        k = self.enc
        s0, s1, s2, s3 = (int.from_bytes(block[i:i + 4], "big") ^ k[i // 4] for i in (0, 4, 8, 12))
        for r in range(1, self.rounds):
            o = 4 * r
            s0, s1, s2, s3 = (
                TE0[s0 >> 24] ^ TE1[(s1 >> 16) & 255] ^ TE2[(s2 >> 8) & 255] ^ TE3[s3 & 255] ^ k[o],
                TE0[s1 >> 24] ^ TE1[(s2 >> 16) & 255] ^ TE2[(s3 >> 8) & 255] ^ TE3[s0 & 255] ^ k[o + 1],
                TE0[s2 >> 24] ^ TE1[(s3 >> 16) & 255] ^ TE2[(s0 >> 8) & 255] ^ TE3[s1 & 255] ^ k[o + 2],
                TE0[s3 >> 24] ^ TE1[(s0 >> 16) & 255] ^ TE2[(s1 >> 8) & 255] ^ TE3[s2 & 255] ^ k[o + 3],
            )
        o = 4 * self.rounds
        return b"".join(
            ((SBOX[a >> 24] << 24 | SBOX[(b >> 16) & 255] << 16 | SBOX[(c >> 8) & 255] << 8 | SBOX[d & 255])
             ^ k[o + n]).to_bytes(4, "big")
            for n, (a, b, c, d) in enumerate(((s0, s1, s2, s3), (s1, s2, s3, s0), (s2, s3, s0, s1), (s3, s0, s1, s2))))

    def decrypt_block(self, block: bytes) -> bytes:
        k = self.dec
        s0, s1, s2, s3 = (int.from_bytes(block[i:i + 4], "big") ^ k[i // 4] for i in (0, 4, 8, 12))
        for r in range(1, self.rounds):
            o = 4 * r
            s0, s1, s2, s3 = (
                TD0[s0 >> 24] ^ TD1[(s3 >> 16) & 255] ^ TD2[(s2 >> 8) & 255] ^ TD3[s1 & 255] ^ k[o],
                TD0[s1 >> 24] ^ TD1[(s0 >> 16) & 255] ^ TD2[(s3 >> 8) & 255] ^ TD3[s2 & 255] ^ k[o + 1],
                TD0[s2 >> 24] ^ TD1[(s1 >> 16) & 255] ^ TD2[(s0 >> 8) & 255] ^ TD3[s3 & 255] ^ k[o + 2],
                TD0[s3 >> 24] ^ TD1[(s2 >> 16) & 255] ^ TD2[(s1 >> 8) & 255] ^ TD3[s0 & 255] ^ k[o + 3],
            )
        o = 4 * self.rounds
        return b"".join(
            ((INV_SBOX[a >> 24] << 24 | INV_SBOX[(b >> 16) & 255] << 16 | INV_SBOX[(c >> 8) & 255] << 8
              | INV_SBOX[d & 255]) ^ k[o + n]).to_bytes(4, "big")
            for n, (a, b, c, d) in enumerate(((s0, s3, s2, s1), (s1, s0, s3, s2), (s2, s1, s0, s3), (s3, s2, s1, s0))))


def _sub_word(word: int) -> int:
    return (SBOX[word >> 24] << 24 | SBOX[(word >> 16) & 255] << 16 | SBOX[(word >> 8) & 255] << 8
            | SBOX[word & 255])


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(16, "big")


def _blocks(data: bytes) -> list[bytes]:
    if len(data) % 16:
        raise ValueError(f"AES data must be a whole number of 16-byte blocks, not {len(data)} bytes")
    return [data[i:i + 16] for i in range(0, len(data), 16)]


def aes_ecb_encrypt(key: bytes, data: bytes) -> bytes:
    cipher = AES(key)
    return b"".join(cipher.encrypt_block(block) for block in _blocks(data))


def aes_ecb_decrypt(key: bytes, data: bytes) -> bytes:
    cipher = AES(key)
    return b"".join(cipher.decrypt_block(block) for block in _blocks(data))


def aes_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    cipher, previous, out = AES(key), iv, []
    for block in _blocks(data):
        previous = cipher.encrypt_block(_xor(block, previous))
        out.append(previous)
    return b"".join(out)


def aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    cipher, previous, out = AES(key), iv, []
    for block in _blocks(data):
        out.append(_xor(cipher.decrypt_block(block), previous))
        previous = block
    return b"".join(out)


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
