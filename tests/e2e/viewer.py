"""Driving the result viewer as a person does: the modal dialog a completed row's View button opens.
Used as `viewer.view(page, name)`, `viewer.close(page)`, `viewer.reopen_after_reload(page, name)`."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from tests.e2e.helpers import row, wait_status

DIALOG = "dialog.viewer"


def view(page: Page, name: str) -> Locator:
    """Click View on `name`'s row; the viewer's dialog, once it is in the page."""
    row(page, name).get_by_role("button", name="View").click()
    dialog = page.locator(DIALOG)
    dialog.wait_for()
    return dialog


def close(page: Page) -> None:
    """Escape closes the viewer (a search box would take the first Escape itself: focus elsewhere)."""
    page.keyboard.press("Escape")
    page.locator(DIALOG).wait_for(state="detached")


def reopen_after_reload(page: Page, name: str) -> Locator:
    """Reload the page, wait for `name`'s row to be completed again and open its viewer."""
    page.reload()
    wait_status(page, name, "completed")
    return view(page, name)
