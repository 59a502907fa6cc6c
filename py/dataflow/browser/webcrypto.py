"""Ciphers for a worker's executor, static/webcrypto.js, instead of its pure-Python ones: the password
hash of ISO 32000-2 §7.6.4.3.4 (Algorithm 2.B, AES-256 passwords; a `Hasher`) and AES-CBC and RC4
decryption of many values at once (a `Decrypter`). Browser ring, worker side; the JS module is handed in, so the
adapters run over a fake in tests."""

from __future__ import annotations

from typing import Any

from dataflow.browser.ffi import is_null, to_js


class _Adapter:
    def __init__(self, module: Any, *, to_js=to_js):
        self.module = module
        self._to_js = to_js


class WebCryptoHasher(_Adapter):
    """Calls `module.hash2B(password, salt, udata)` (Uint8Arrays in, a Uint8Array of 32 bytes out)."""

    async def __call__(self, password: bytes, salt: bytes, udata: bytes) -> bytes:
        found = await self.module.hash2B(self._to_js(password), self._to_js(salt), self._to_js(udata))
        return bytes(found.to_bytes())


class WebCryptoDecrypter(_Adapter):
    """Calls `module.decryptMany([[cipher, key, iv, data], ...])` ("AES-CBC" by WebCrypto, "RC4" in
    JavaScript): the plaintexts, None where one could not be decrypted."""

    async def __call__(self, jobs: list[tuple[str, bytes, bytes, bytes]]) -> list[bytes | None]:
        found = await self.module.decryptMany(self._to_js([list(job) for job in jobs]))
        return [None if is_null(value) else bytes(value.to_bytes()) for value in found]


def _module() -> Any:
    from polyscript import js_modules  # not `pyscript`: importing it in a worker without SAB warns

    return js_modules.webcrypto


def webcrypto_hasher() -> WebCryptoHasher:
    """The hasher over static/webcrypto.js, as loaded into this worker (pyscript.toml's js_modules.worker)."""
    return WebCryptoHasher(_module())


def webcrypto_decrypter() -> WebCryptoDecrypter:
    """The decrypter over static/webcrypto.js, as loaded into this worker."""
    return WebCryptoDecrypter(_module())
