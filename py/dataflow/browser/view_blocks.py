"""How the viewer draws the generic blocks of core/views.py that need no state of their own: facts,
notes, a tree, a table of records, grouped lists and counts as bars. Every string goes in as text
(`el(..., text=...)`, textContent); bar lengths are numbers set on the style. Long lists are
windowed: a few hundred items at a time, with a button for more. Browser ring; names no kind."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import js

from dataflow.browser.clipboard import copy_button, copy_control, start_copy, write_text
from dataflow.browser.dom import el, on
from dataflow.browser.ffi import is_null
from dataflow.core.views import Counts, Facts, Groups, Notes, Table, Tree, TreeNode, bar_percents, window

LIST_WINDOW = 200  # list items added at a time
TABLE_BATCH = 10  # table rows built between two yields to the browser
T = TypeVar("T")


def section(heading: str, *children: Any, cls: str = "") -> Any:
    return el("section", el("h3", text=heading), *children, cls=f"viewer-block {cls}".strip())


def windowed(tag: str, items: Sequence[T], render: Callable[[T], Any], *, cls: str, size: int = LIST_WINDOW) -> Any:
    """A list (`tag`: ul/ol) that shows `size` items and adds `size` more per click of its button."""
    listing = el(tag, cls=cls)
    more = el("button", type="button", cls="btn subtle list-more")
    shown = {"next": 0}

    def add(*_: Any) -> None:
        for index in window(len(items), shown["next"], size):
            listing.append(render(items[index]))
        shown["next"] = min(len(items), shown["next"] + size)
        left = len(items) - shown["next"]
        more.hidden = left <= 0
        more.textContent = f"Show more ({left:,} left)"
    on(more, "click", add)
    add()
    return el("div", listing, more, cls="windowed")


def facts(block: Facts) -> Any:
    rows = []
    for label, value in block.rows:
        rows += [el("dt", text=label), el("dd", text=value)]
    copy = copy_button("Copy", lambda: json.dumps(dict(block.rows), indent=2, ensure_ascii=False),
                       aria_label=f"Copy {block.heading.lower()}")
    return section(block.heading, copy, el("dl", *rows, cls="viewer-facts"))


def notes(block: Notes) -> Any:
    return section(block.heading, windowed("ul", block.items, lambda item: el("li", text=item), cls="viewer-notes"))


def tree(block: Tree) -> Any:
    return section(block.heading, el("ul", *[_node(node) for node in block.nodes], cls="viewer-tree", role="tree"),
                   cls="viewer-schema")


def _node(node: TreeNode) -> Any:
    line = el("span", el("span", cls="tree-label", text=node.label), el("span", cls="tree-detail", text=node.detail),
              cls="tree-line")
    children = el("ul", *[_node(child) for child in node.children], role="group") if node.children else None
    return el("li", line, children, role="treeitem", aria_expanded="true" if node.children else None)


def table(block: Table) -> Any:
    """The table, its rows added TABLE_BATCH at a time between yields to the browser; one listener
    serves every row's copy button."""
    head = el("tr", el("th", text="#", scope="col"), *[el("th", text=column, scope="col") for column in block.columns],
              el("th", el("span", cls="visually-hidden", text="Copy"), scope="col"))
    body = el("tbody")

    def copied(event: Any) -> None:
        button = event.target.closest("button.copy")
        line = event.target.closest("tr[data-row]")
        if not is_null(button) and not is_null(line):
            start_copy(button.parentElement, write_text(block.rows[int(line.dataset.row) - 1].copy))
    on(body, "click", copied)
    note = el("p", cls="viewer-muted", text=block.note) if block.note else None
    scroller = el("div", el("table", el("thead", head), body, cls="viewer-table"), cls="table-scroll",
                  tabindex="0", aria_label=block.heading)
    node = section(block.heading, note, scroller, cls="viewer-records")
    asyncio.ensure_future(_fill(body, block))
    return node


async def _fill(body: Any, block: Table) -> None:
    for start in range(0, len(block.rows), TABLE_BATCH):
        fragment = js.document.createDocumentFragment()
        for number in window(len(block.rows), start, TABLE_BATCH):
            row = block.rows[number]
            cells = [el("td", _cell(cell.text, cell.full)) for cell in row.cells]
            copy = copy_control("Copy JSON", aria_label=f"Copy {row.label} as JSON")
            fragment.append(el("tr", el("th", text=str(number + 1), scope="row"), *cells, el("td", copy),
                               data_row=number + 1))
        body.append(fragment)
        await asyncio.sleep(0)
    body.dataset.filled = "true"


def _cell(text: str, full: str | None) -> Any:
    if full is None:
        return el("span", text=text)
    return el("details", el("summary", text=text), el("pre", cls="cell-full", text=full))


def groups(block: Groups) -> Any:
    def render(group: Any) -> Any:
        more = group.count - len(group.items)
        items = [el("li", text=item) for item in group.items]
        if more > 0:
            items.append(el("li", cls="viewer-muted", text=f"… and {more:,} more"))
        return el("li", el("details", el("summary", el("code", text=group.title), f" ({group.count:,})"),
                           el("ul", *items)), data_group=group.title, data_count=group.count)
    return section(block.heading, windowed("ul", block.groups, render, cls="viewer-groups"))


def counts(block: Counts) -> Any:
    percents = bar_percents([count for _, count in block.items])
    rows = []
    for (label, count), percent in zip(block.items, percents, strict=True):
        bar = el("span", cls="bar")
        bar.style.width = f"{percent}%"
        rows.append(el("li", el("span", cls="bar-label", text=label), el("span", bar, cls="bar-track"),
                       el("span", cls="bar-count", text=f"{count:,}"), data_label=label, data_count=count))
    body = el("ul", *rows, cls="viewer-bars") if rows else el("p", cls="viewer-muted", text="None")
    return section(block.heading, body)
