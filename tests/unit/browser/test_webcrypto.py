"""The WebCrypto adapters over a fake of static/webcrypto.js (test_webcrypto_js runs the module itself in
Node's WebCrypto, and the e2e AES-256 test in Chromium)."""

from dataflow.browser.webcrypto import WebCryptoDecrypter, WebCryptoHasher
from dataflow.executors.pdf import kdf
from dataflow.executors.pdf.aes import aes_cbc_encrypt
from tests.unit.browser.test_blob_store import FakeBytes
from tests.unit.fakes import JsNull


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


class FakeCryptoModule:
    async def decryptMany(self, jobs):  # noqa: N802 - the JS module's name
        self.jobs = jobs
        return [FakeBytes(data[::-1]) if key else JsNull() for cipher, key, iv, data in jobs]


async def test_the_decrypter_passes_each_job_and_returns_none_where_webcrypto_refused():
    module = FakeCryptoModule()
    decrypter = WebCryptoDecrypter(module, to_js=lambda value: value)
    found = await decrypter([("AES-CBC", b"k" * 16, b"i" * 16, b"abc"), ("RC4", b"", b"", b"def")])
    assert module.jobs == [["AES-CBC", b"k" * 16, b"i" * 16, b"abc"], ["RC4", b"", b"", b"def"]]
    assert found == [b"cba", None]
