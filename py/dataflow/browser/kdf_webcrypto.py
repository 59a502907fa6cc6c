"""A worker's password hasher: the hash of ISO 32000-2 §7.6.4.3.4 (Algorithm 2.B, AES-256
passwords) by WebCrypto, static/kdf.js, for an executor that takes a `Hasher` instead of computing it
in pure Python. Browser ring, worker side; the JS module is handed in, so the adapter runs over a fake
in tests."""

from __future__ import annotations

from typing import Any

from dataflow.browser.ffi import to_js


class WebCryptoHasher:
    """Calls `module.hash2B(password, salt, udata)` (Uint8Arrays in, a Uint8Array of 32 bytes out)."""

    def __init__(self, module: Any, *, to_js=to_js):
        self.module = module
        self._to_js = to_js

    async def __call__(self, password: bytes, salt: bytes, udata: bytes) -> bytes:
        found = await self.module.hash2B(self._to_js(password), self._to_js(salt), self._to_js(udata))
        return bytes(found.to_bytes())


def webcrypto_hasher() -> WebCryptoHasher:
    """The hasher over static/kdf.js, as loaded into this worker (pyscript.toml's js_modules.worker)."""
    from polyscript import js_modules  # not `pyscript`: importing it in a worker without SAB warns

    return WebCryptoHasher(js_modules.kdf)
