"""The result viewer: a modal dialog that shows a completed task's result as its kind describes it
(core/views.py blocks), read from the stored result in IndexedDB: no processing, no download, and
offline like the rest. Text goes in as textContent, images as blob URLs of their own MIME type;
nothing from a result is ever parsed as HTML. Long parts are windowed: one page of text at a time,
images and search hits a few dozen at a time. Browser ring; names no kind."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import js

from dataflow.browser import view_blocks
from dataflow.browser.blob_source import blob_source
from dataflow.browser.clipboard import copy_image_button
from dataflow.browser.dom import el, on
from dataflow.browser.ffi import is_null, to_js
from dataflow.browser.pager import Pager
from dataflow.browser.view_blocks import section, windowed
from dataflow.core.errors import DataflowError
from dataflow.core.kinds import KindRegistry
from dataflow.core.model import TaskState
from dataflow.core.text import display_name
from dataflow.core.views import (
    Counts,
    Facts,
    Gallery,
    Groups,
    Notes,
    Outline,
    OutlineItem,
    Pages,
    Picture,
    ResultView,
    Table,
    Tree,
    window,
)

GALLERY_WINDOW = 24  # thumbnails added at a time
SHOWN = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})  # browsers draw these
DRAWN = {Facts: view_blocks.facts, Notes: view_blocks.notes, Tree: view_blocks.tree, Table: view_blocks.table,
         Groups: view_blocks.groups, Counts: view_blocks.counts}


class Viewer:
    """`fetch(key)` reads a stored result (a JS Blob, or null); `notice` shows a message."""

    def __init__(self, *, kinds: KindRegistry, fetch: Callable[[str], Awaitable[Any]], notice: Callable[..., None]):
        self.kinds, self.fetch, self.notice = kinds, fetch, notice
        self.dialog: Any = None
        self.urls: list[str] = []
        self.opener: Any = None

    async def open(self, task: TaskState, opener: Any = None) -> bool:
        """Show the result of `task`; False (with a notice) when there is nothing to show."""
        kind = self.kinds.get(task.kind)
        target = kind.download(task) if kind is not None and kind.has_view(task) else None
        blob = await self.fetch(target.key) if target is not None else None
        if kind is None or target is None or is_null(blob):
            self.notice(f"The result of {display_name(task.name)} is no longer stored; retry the task to make it "
                        "again.", kind="error")
            return False
        self.close()
        self.opener = opener
        body = el("div", cls="viewer-body")
        self._dialog(f"Result of {display_name(task.name)}", body)
        try:
            view = await kind.view(task, blob_source(blob, self.fetch))
        except (ValueError, DataflowError) as error:
            body.append(el("p", cls="viewer-error", role="alert", text=f"This result cannot be shown: {error}"))
            self.dialog.removeAttribute("aria-busy")
            return True
        self._render(view, body)
        return True

    def close(self, *_: Any) -> None:
        if self.dialog is not None and self.dialog.open:
            self.dialog.close()

    # The dialog ------------------------------------------------------------------------------

    def _dialog(self, title: str, body: Any) -> None:
        heading = el("h2", id="viewer-title", text=title)
        close = el("button", type="button", cls="btn viewer-close", text="Close")
        dialog = el("dialog", el("div", heading, close, cls="viewer-head"), body, cls="viewer",
                    aria_labelledby="viewer-title", aria_busy="true")
        on(close, "click", self.close)
        on(dialog, "close", self._closed)
        js.document.body.append(dialog)
        self.dialog = dialog
        dialog.showModal()
        close.focus()

    def _closed(self, *_: Any) -> None:
        dialog, self.dialog = self.dialog, None
        for url in self.urls:
            js.URL.revokeObjectURL(url)
        self.urls = []
        if dialog is not None:
            dialog.remove()
        if self.opener is not None and not is_null(self.opener) and self.opener.isConnected:
            self.opener.focus()  # back to the row's View button

    # Blocks ----------------------------------------------------------------------------------

    def _render(self, view: ResultView, body: Any) -> None:
        pager: Pager | None = None
        for block in view.blocks:
            if isinstance(block, Pages):
                pager = Pager(block)
        for block in view.blocks:
            draw = DRAWN.get(type(block))
            if draw is not None:
                body.append(draw(block))
            elif isinstance(block, Outline):
                body.append(self._outline(block, pager))
            elif isinstance(block, Pages) and pager is not None:
                body.append(pager.node)
                asyncio.ensure_future(pager.show(1))
            elif isinstance(block, Gallery):
                body.append(self._gallery(block))
        if self.dialog is not None:
            self.dialog.removeAttribute("aria-busy")
            self.dialog.dataset.ready = "true"

    def _outline(self, block: Outline, pager: Pager | None) -> Any:
        def render(item: OutlineItem) -> Any:
            label = el("span", cls="outline-title", text=item.title)
            if item.page is not None and pager is not None:
                entry = el("button", label, el("span", cls="outline-page", text=f"p. {item.page}"), type="button",
                           cls="outline-link", data_page=item.page)
            else:
                entry = label
            li = el("li", entry)
            li.style.paddingInlineStart = f"{item.depth * 1.2}em"
            return li
        listing = windowed("ol", block.items, render, cls="viewer-outline")

        def jump(event: Any) -> None:
            button = event.target.closest("button[data-page]")
            if not is_null(button) and pager is not None:
                asyncio.ensure_future(pager.show(int(button.dataset.page), focus=True))
        on(listing, "click", jump)
        return section(block.heading, listing)

    def _gallery(self, block: Gallery) -> Any:
        grid = el("ul", cls="gallery")
        more = el("button", type="button", cls="btn gallery-more", text="Show more images")
        full = el("figure", cls="viewer-full", tabindex="-1", hidden=True)
        shown = {"next": 0}

        def add_window(*_: Any) -> None:
            for index in window(len(block.pictures), shown["next"], GALLERY_WINDOW):
                grid.append(self._thumbnail(block.pictures[index], full))
            shown["next"] = min(len(block.pictures), shown["next"] + GALLERY_WINDOW)
            more.hidden = shown["next"] >= len(block.pictures)
        on(more, "click", add_window)
        on(grid, "keydown", _arrow_between_thumbnails)
        add_window()
        count = el("p", cls="viewer-muted", text=f"{len(block.pictures)} image(s)")
        return section(block.heading, count, grid, more, full)

    def _thumbnail(self, picture: Picture, full: Any) -> Any:
        img = el("img", alt=picture.alt, decoding="async")
        button = el("button", img, type="button", cls="thumb", aria_label=f"Open {picture.alt} at full size")
        caption = el("div", *[el("span", text=line) for line in picture.caption], cls="thumb-caption")
        item = el("li", button, caption, cls="gallery-item", data_name=picture.name)
        asyncio.ensure_future(self._load(picture, img))
        on(button, "click", lambda event: asyncio.ensure_future(self._full(picture, full)))
        return item

    async def _url(self, picture: Picture) -> str | None:
        data = await picture.read() if picture.mime in SHOWN else None
        if data is None:
            return None
        blob = js.Blob.new(to_js([to_js(data)]), to_js({"type": picture.mime}))
        url = str(js.URL.createObjectURL(blob))
        self.urls.append(url)
        return url

    async def _load(self, picture: Picture, img: Any) -> None:
        url = await self._url(picture)
        if url is not None and self.dialog is not None:
            img.src = url
        else:
            img.replaceWith(el("span", cls="thumb-none", text=_not_shown(picture)))

    async def _full(self, picture: Picture, full: Any) -> None:
        url = await self._url(picture)
        back = el("button", type="button", cls="btn", text="Close image")
        image = el("img", alt=picture.alt, src=url) if url else el("p", text=_not_shown(picture))
        copy = copy_image_button("Copy image", lambda: self._image_bytes(picture), aria_label=f"Copy {picture.alt}")
        full.replaceChildren(image, el("figcaption", *[el("span", text=line) for line in picture.caption]),
                             el("div", back, copy if url else None, cls="full-actions"))
        full.hidden = False

        def hide(*_: Any) -> None:
            full.hidden = True
            full.replaceChildren()
        on(back, "click", hide)
        full.scrollIntoView()
        back.focus()

    @staticmethod
    async def _image_bytes(picture: Picture) -> tuple[bytes, str] | None:
        data = await picture.read()
        return (data, picture.mime) if data is not None else None


def _arrow_between_thumbnails(event: Any) -> None:
    """Left/right (and up/down) arrows move the focus to the previous/next thumbnail."""
    step = {"ArrowRight": 1, "ArrowDown": 1, "ArrowLeft": -1, "ArrowUp": -1}.get(str(event.key))
    current = event.target.closest("button.thumb")
    if step is None or is_null(current):
        return
    thumbs = list(event.currentTarget.querySelectorAll("button.thumb"))
    at = next((i for i, thumb in enumerate(thumbs) if thumb == current), None)
    if at is not None and 0 <= at + step < len(thumbs):
        event.preventDefault()
        thumbs[at + step].focus()


def _not_shown(picture: Picture) -> str:
    if picture.mime not in SHOWN:
        return f"{picture.mime} cannot be shown by a browser; it is in the download."
    return f"{picture.name} is not in the result."
