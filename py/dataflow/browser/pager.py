"""The text part of the result viewer: one page at a time with page navigation, a copy button, and
a search that counts matches over every page (read in batches, yielding between them, so a 2,000-page
result never holds the main thread) and highlights them with <mark> elements built as text nodes.
Left and right arrows turn the page (unless typing in a box). `data-page` names the page only once
its text is in place. Browser ring; the counting and cutting are core/views.py's."""

from __future__ import annotations

import asyncio
from typing import Any

from dataflow.browser.clipboard import copy_button
from dataflow.browser.dom import el, on
from dataflow.browser.ffi import is_null
from dataflow.core.views import Pages, clamp_page, count_matches, segments, window

SEARCH_BATCH = 25  # pages read between two yields to the browser
HITS_WINDOW = 50  # pages with matches listed at a time


class Pager:
    def __init__(self, block: Pages):
        self.block = block
        self.page, self.query, self.text = 1, "", ""
        self.cache: dict[int, str | None] = {}
        self.generation = 0  # a newer page supersedes an older one still reading
        self.searches = 0  # and a newer search an older one
        self.hits: list[tuple[int, int]] = []
        self.number = el("input", type="number", min="1", max=str(block.count), value="1", cls="page-number",
                         aria_label="Page number")
        self.previous = el("button", type="button", cls="btn", text="Previous page")
        self.next = el("button", type="button", cls="btn", text="Next page")
        copy_page = copy_button("Copy page text", lambda: self.text)
        self.search_box = el("input", type="search", cls="search-box", aria_label="Search the text",
                             placeholder="Search the text")
        search_form = el("form", self.search_box, el("button", type="submit", cls="btn", text="Search"),
                         cls="viewer-search", role="search")
        self.count = el("p", cls="search-count", aria_live="polite")
        self.hit_list = el("ul", cls="search-hits")
        self.more_hits = el("button", type="button", cls="btn subtle", text="More pages", hidden=True)
        self.status = el("p", cls="page-status", aria_live="polite")
        self.body = el("pre", cls="page-text", tabindex="0", aria_label="Page text")
        nav = el("div", self.previous, el("label", "Page ", self.number, f" of {block.count}"), self.next, copy_page,
                 cls="pager-nav")
        self.node = el("section", el("h3", text=block.heading), search_form, self.count, self.hit_list,
                       self.more_hits, nav, self.status, self.body, cls="viewer-block viewer-pages",
                       data_count=str(block.count))
        on(self.previous, "click", lambda event: self._go(self.page - 1))
        on(self.next, "click", lambda event: self._go(self.page + 1))
        on(self.number, "change", lambda event: self._go(_int(self.number.value, self.page)))
        on(self.node, "keydown", self._key)
        on(search_form, "submit", self._submitted)
        on(self.hit_list, "click", self._hit_clicked)
        on(self.more_hits, "click", lambda event: self._list_hits(len(self.hit_list.children)))

    def _go(self, page: int) -> None:
        asyncio.ensure_future(self.show(page))

    async def read(self, page: int) -> str | None:
        if page not in self.cache:
            self.cache[page] = await self.block.read(page)
        return self.cache[page]

    async def show(self, page: int, *, focus: bool = False) -> None:
        """Show page `page` (clamped), its matches of the current search highlighted."""
        page = clamp_page(page, self.block.count)
        self.generation += 1
        ticket = self.generation
        text = await self.read(page)
        if ticket != self.generation:
            return  # another page was asked for meanwhile
        self.page, self.text = page, text or ""
        self.number.value = str(page)
        self.previous.disabled = page <= 1
        self.next.disabled = page >= self.block.count
        self.status.textContent = self.block.missing(page) if text is None else ""
        self._highlight()
        self.node.dataset.page = str(page)  # only now: a test (or a person) reading it finds its text
        if focus:
            self.node.scrollIntoView()
            self.body.focus()

    def _highlight(self) -> None:
        # Plain pieces become text nodes (replaceChildren takes strings as text), matches <mark>s.
        self.body.replaceChildren(*[el("mark", text=piece) if match else piece
                                    for piece, match in segments(self.text, self.query)])

    def _key(self, event: Any) -> None:
        step = {"ArrowLeft": -1, "ArrowRight": 1}.get(str(event.key))
        if step is None or str(event.target.tagName) in ("INPUT", "TEXTAREA") or event.altKey or event.ctrlKey:
            return
        event.preventDefault()
        asyncio.ensure_future(self.show(self.page + step))

    def _submitted(self, event: Any) -> None:
        event.preventDefault()
        asyncio.ensure_future(self.search(str(self.search_box.value)))

    async def search(self, query: str) -> None:
        """Count `query` over every page, then show the first page that has it."""
        self.query = query.strip()
        self.hits = []
        self.hit_list.replaceChildren()
        self.more_hits.hidden = True
        if not self.query:
            self.count.textContent = ""
            self.count.dataset.count = "0"
            self._highlight()
            return
        self.searches += 1
        ticket, total = self.searches, 0
        for page in range(1, self.block.count + 1):
            found = count_matches(await self.read(page) or "", self.query)
            if found:
                self.hits.append((page, found))
                total += found
            if page % SEARCH_BATCH == 0:
                self.count.textContent = f"Searching… {total} match(es) in pages 1–{page}"
                await asyncio.sleep(0)
            if ticket != self.searches:
                return
        self.count.textContent = (f"{total} match{'es' if total != 1 else ''} on {len(self.hits)} "
                                  f"page{'s' if len(self.hits) != 1 else ''}" if total else "No matches")
        self.count.dataset.count = str(total)
        self._list_hits(0)
        await self.show(self.hits[0][0] if self.hits else self.page)

    def _list_hits(self, start: int) -> None:
        for index in window(len(self.hits), start, HITS_WINDOW):
            page, found = self.hits[index]
            self.hit_list.append(el("li", el("button", type="button", cls="btn subtle", data_page=page,
                                             text=f"Page {page} ({found})")))
        self.more_hits.hidden = len(self.hit_list.children) >= len(self.hits)

    def _hit_clicked(self, event: Any) -> None:
        button = event.target.closest("button[data-page]")
        if not is_null(button):
            asyncio.ensure_future(self.show(int(button.dataset.page), focus=True))


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default
