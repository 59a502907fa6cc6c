"""Copy with one click: text or an image onto the clipboard (navigator.clipboard), with a visible
status beside the button ("Copied", or why the browser refused). Browser ring."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import js

from dataflow.browser.dom import el, on
from dataflow.browser.ffi import to_js

REFUSED = ("The browser refused the clipboard (it needs permission and a focused page); "
           "select the text and copy it instead.")


def copy_button(label: str, what: Callable[[], str], *, aria_label: str | None = None) -> Any:
    """A "Copy" button and its status, in one span: a click puts `what()` on the clipboard as text."""
    return _button(label, aria_label, lambda: write_text(what())())


def copy_image_button(label: str, read: Callable[[], Awaitable[tuple[bytes, str] | None]],
                      *, aria_label: str | None = None) -> Any:
    """A button that copies an image: `read()` gives its (bytes, MIME type); browsers take PNG only,
    so another type is drawn onto a canvas and copied as PNG."""
    async def copy() -> None:
        found = await read()
        if found is None:
            raise ValueError("the image is not in the result")
        data, mime = found
        blob = js.Blob.new(to_js([to_js(data)]), to_js({"type": mime}))
        if mime != "image/png":
            blob = await _as_png(blob)
        item = js.ClipboardItem.new(to_js({"image/png": blob}))
        await js.navigator.clipboard.write(to_js([item]))
    return _button(label, aria_label, copy)


def _button(label: str, aria_label: str | None, action: Callable[[], Awaitable[None]]) -> Any:
    holder = copy_control(label, aria_label)
    on(holder.firstChild, "click", lambda event: start_copy(holder, action))
    return holder


def copy_control(label: str, aria_label: str | None = None) -> Any:
    """A copy button and its status, with no handler: for a list whose one listener calls start_copy."""
    button = el("button", type="button", cls="btn subtle copy", text=label, aria_label=aria_label)
    status = el("span", cls="copy-status", role="status", aria_live="polite")
    return el("span", button, status, cls="copy-holder")


def start_copy(holder: Any, action: Callable[[], Awaitable[None]]) -> None:
    """Run a copy `action` and show its outcome in the status of `holder` (a copy_control)."""
    status = holder.lastChild

    async def run() -> None:
        status.textContent, status.dataset.state = "Copying…", "busy"
        try:
            await action()
        except Exception as error:  # noqa: BLE001 - a refused clipboard is a message, not a crash
            status.textContent = REFUSED if _refused(error) else f"Not copied: {error}"
            status.dataset.state = "refused"
            return
        status.textContent, status.dataset.state = "Copied", "copied"
    asyncio.ensure_future(run())


def write_text(text: str) -> Callable[[], Awaitable[None]]:
    """The copy action that puts `text` on the clipboard."""
    async def write() -> None:
        await js.navigator.clipboard.writeText(text)
    return write


def _refused(error: Exception) -> bool:
    text = str(error)
    return any(word in text for word in ("NotAllowedError", "denied", "not allowed", "permission", "focus"))


async def _as_png(blob: Any) -> Any:
    bitmap = await js.createImageBitmap(blob)
    canvas = js.OffscreenCanvas.new(bitmap.width, bitmap.height)
    canvas.getContext("2d").drawImage(bitmap, 0, 0)
    return await canvas.convertToBlob(to_js({"type": "image/png"}))
