"""The pure-Python AES: FIPS-197 and SP 800-38A vectors, padding, and its place in pypdf."""

import pytest
from pypdf.errors import PdfStreamError

from dataflow.executors.pdf.aes import (
    AES,
    CryptAES,
    aes_cbc_decrypt,
    aes_cbc_encrypt,
    aes_ecb_decrypt,
    aes_ecb_encrypt,
    install,
)

PLAIN = bytes.fromhex("00112233445566778899aabbccddeeff")


@pytest.mark.parametrize(("size", "cipher"), [(16, "69c4e0d86a7b0430d8cdb78070b4c55a"),
                                              (24, "dda97ca4864cdfe06eaf70a0ec0d7191"),
                                              (32, "8ea2b7ca516745bfeafc49904b496089")])
def test_fips_197_appendix_c_vectors(size, cipher):
    key = AES(bytes(range(size)))
    assert key.encrypt_block(PLAIN).hex() == cipher
    assert key.decrypt_block(bytes.fromhex(cipher)) == PLAIN
    assert aes_ecb_decrypt(bytes(range(size)), bytes.fromhex(cipher)) == PLAIN


def test_sp_800_38a_cbc_vector():
    key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
    iv = bytes(range(16))
    plain = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
    cipher = bytes.fromhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
    assert aes_cbc_encrypt(key, iv, plain) == cipher
    assert aes_cbc_decrypt(key, iv, cipher) == plain


def test_sp_800_38a_ecb_vector_and_a_partial_block_refused():
    key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
    plain = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
    cipher = bytes.fromhex("3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf")
    assert aes_ecb_encrypt(key, plain) == cipher
    assert aes_ecb_decrypt(key, cipher) == plain
    with pytest.raises(ValueError, match="whole number of 16-byte blocks"):
        aes_cbc_encrypt(key, bytes(16), plain[:20])


def test_stream_cipher_round_trips_with_padding_and_rejects_bad_padding():
    crypt = CryptAES(bytes(range(32)))
    for message in (b"", b"x", b"sixteen bytes!!!", bytes(1000)):
        assert crypt.decrypt(crypt.encrypt(message)) == message
    unpadded = bytes(16) + aes_cbc_encrypt(bytes(range(32)), bytes(16), b"no padding here!")  # ends in 0x21
    with pytest.raises(PdfStreamError):
        crypt.decrypt(unpadded)


def test_wrong_key_sizes_are_refused():
    with pytest.raises(ValueError, match="16, 24 or 32"):
        AES(b"short")


def test_installed_in_pypdf_only_when_it_has_no_crypto_library():
    import pypdf._encryption as encryption
    from pypdf._crypt_providers import crypt_provider

    assert install() == (crypt_provider[0] == "local_crypt_fallback")
    if crypt_provider[0] == "local_crypt_fallback":
        assert encryption.CryptAES is CryptAES
