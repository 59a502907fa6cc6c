"""An in-page question with two answers, for what cannot be undone (Clear finished). Browser ring.

Never `window.confirm`: it blocks the main thread (and the tasks running on it) until answered. The
question goes in as text; focus moves to the safe answer, Escape or that answer dismisses, and focus
returns to the control that asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dataflow.browser.dom import on, set_text, show


class InlineConfirm:
    """`box` (hidden until asked) holds `text`, the `yes` and the `no` button."""

    def __init__(self, box: Any, text: Any, yes: Any, no: Any):
        self.box, self.text, self.yes, self.no = box, text, yes, no
        self._no_label = str(no.textContent)  # "Keep them"; `tell` shows "OK" there
        self._on_yes: Callable[[], None] | None = None
        self._asker: Any = None
        on(yes, "click", lambda event: self._answer(True))
        on(no, "click", lambda event: self._answer(False))
        on(box, "keydown", lambda event: self._answer(False) if event.key == "Escape" else None)

    @property
    def open(self) -> bool:
        return not self.box.hidden

    def ask(self, question: str, on_yes: Callable[[], None], *, asker: Any = None) -> None:
        """Show `question` (as text); `on_yes()` runs only if the user says yes. Asking again replaces
        the question and its answer."""
        self._show(question, on_yes, asker, self._no_label)

    def tell(self, message: str, *, asker: Any = None) -> None:
        """Show `message` (as text) in the same place with one answer, OK: why a press has nothing to
        act on, right where the user pressed (a notice at the top of the page may be out of view)."""
        self._show(message, None, asker, "OK")

    def _show(self, text: str, on_yes: Callable[[], None] | None, asker: Any, no_label: str) -> None:
        set_text(self.text, text)
        set_text(self.no, no_label)
        show(self.yes, on_yes is not None)
        self._on_yes, self._asker = on_yes, asker
        show(self.box, True)
        self.no.focus()

    def _answer(self, yes: bool) -> None:
        if not self.open:
            return
        on_yes, asker = self._on_yes, self._asker
        self._on_yes = self._asker = None
        show(self.box, False)
        if asker is not None:
            asker.focus()
        if yes and on_yes is not None:
            on_yes()
