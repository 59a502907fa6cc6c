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
