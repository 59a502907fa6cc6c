"""Small DOM helpers for the panel. Browser ring.

Every user-controlled string goes in through `textContent` or `setAttribute`, never through
`innerHTML`: a file named `<img onerror=...>.txt` shows as those characters and runs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import js

from dataflow.browser.ffi import create_proxy

_handlers: list[Any] = []  # proxies live as long as the page; the panel's elements do too


def el(tag: str, *children: Any, cls: str | None = None, text: str | None = None, **attrs: Any) -> Any:
    """Create an element. `attrs` become attributes (`data_task_id` -> `data-task-id`, `aria_label`
    -> `aria-label`); None and False leave an attribute out, True sets it empty."""
    node = js.document.createElement(tag)
    if cls:
        node.className = cls
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        node.setAttribute(name.rstrip("_").replace("_", "-"), "" if value is True else str(value))
    if text is not None:
        node.textContent = text
    for child in children:
        if child is None:
            continue
        node.append(js.document.createTextNode(child) if isinstance(child, str) else child)
    return node


def on(node: Any, event: str, handler: Callable[[Any], Any]) -> None:
    proxy = create_proxy(handler)
    _handlers.append(proxy)
    node.addEventListener(event, proxy)


def set_text(node: Any, value: str) -> None:
    if node.textContent != value:
        node.textContent = value


def show(node: Any, visible: bool) -> None:
    node.hidden = not visible


def page_query() -> dict[str, list[str]]:
    """The page's query as `urllib.parse.parse_qs` gives it ({"workers": ["2"]}, blank values left
    out), read with the browser's URLSearchParams: importing urllib.parse costs ~90 ms of start-up in
    Pyodide (it imports ipaddress)."""
    query: dict[str, list[str]] = {}
    for pair in js.URLSearchParams.new(js.window.location.search).entries():
        key, value = str(pair[0]), str(pair[1])
        if value:
            query.setdefault(key, []).append(value)
    return query


def by_id(element_id: str) -> Any:
    return js.document.getElementById(element_id)
