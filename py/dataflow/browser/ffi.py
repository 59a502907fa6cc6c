"""The interpreter-specific interop, wrapped once (as PyScript's own `pyscript.ffi` does): JS null,
Python bytes to a Uint8Array. Browser ring. Imports of `pyodide` happen on use, so modules that
import these helpers still load under CPython, where tests hand them fakes."""

from __future__ import annotations

from typing import Any


def is_null(value: Any) -> bool:
    """JS null reaches Python as None or as Pyodide's JsNull, depending on the path it took."""
    return value is None or type(value).__name__ == "JsNull"


def to_js(value: Any) -> Any:
    """One copy into JS: bytes become a Uint8Array, lists arrays, dicts plain objects."""
    import js
    from pyodide.ffi import to_js as convert

    return convert(value, dict_converter=js.Object.fromEntries)


def create_proxy(function: Any) -> Any:
    """A JS function that stays valid as long as the page (for listeners and callbacks)."""
    from pyodide.ffi import create_proxy as proxy

    return proxy(function)


LEND_BYTES = 64 * 1024  # bytes values at least this long are lent to JS, not copied into a Uint8Array


class Lender:
    """Hands bytes to JS for one call: a value of LEND_BYTES or more goes as a PyProxy whose
    `getBuffer("u8")` is a view of this interpreter's memory (static/idb.js copies it once, into the
    Blob it stores), a shorter one as a Uint8Array copy (`to_js`); strings as they are. `release()`
    destroys the proxies once JS no longer uses them (after the call's promise settles). Pyodide's
    pyodide.ffi.PyBuffer.getBuffer: https://pyodide.org/en/stable/usage/api/js-api.html"""

    def __init__(self, *, proxy: Any = None, to_js: Any = to_js):
        self._proxy, self._to_js = proxy, to_js
        self.lent: list[Any] = []

    def __call__(self, value: bytes | bytearray | str) -> Any:
        if isinstance(value, str):
            return value
        if len(value) < LEND_BYTES:
            return self._to_js(bytes(value))
        if self._proxy is None:
            from pyodide.ffi import create_proxy as proxy

            self._proxy = proxy
        lent = self._proxy(value)
        self.lent.append(lent)
        return lent

    def release(self) -> None:
        lent, self.lent = self.lent, []
        for proxy in lent:
            proxy.destroy()
