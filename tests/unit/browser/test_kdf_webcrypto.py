"""The WebCrypto hasher adapter over a fake of static/kdf.js (test_kdf_js runs the module itself in
Node's WebCrypto, and the e2e AES-256 test in Chromium)."""

from dataflow.browser.kdf_webcrypto import WebCryptoHasher
from dataflow.executors.pdf import kdf
from dataflow.executors.pdf.aes import aes_cbc_encrypt
from tests.unit.browser.test_blob_store import FakeBytes


class FakeKdfModule:
    def __init__(self):
        self.calls = []

    async def hash2B(self, password, salt, udata):  # noqa: N802 - the JS module's name
        self.calls.append((password, salt, udata))
        return FakeBytes(kdf.hash_2b(password, salt, udata, aes_cbc_encrypt))


async def test_the_hasher_passes_the_bytes_to_the_module_and_returns_its_32_bytes():
    module = FakeKdfModule()
    hasher = WebCryptoHasher(module, to_js=lambda value: value)
    found = await hasher(b"secret", b"saltsalt", b"u" * 48)
    assert module.calls == [(b"secret", b"saltsalt", b"u" * 48)]
    assert found == kdf.hash_2b(b"secret", b"saltsalt", b"u" * 48, aes_cbc_encrypt) and len(found) == 32
