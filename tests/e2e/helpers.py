"""Driving the app as a person does: choose files, watch rows, click buttons, download."""

from __future__ import annotations

import io
import zipfile

from playwright.sync_api import Locator, Page

TASK_TIMEOUT_MS = 90_000


def wait_engine(page: Page) -> None:
    page.wait_for_selector('body[data-engine-state="ready"]', state="attached", timeout=90_000)


def add_files(page: Page, files: dict[str, bytes], mime: str = "application/pdf") -> None:
    page.set_input_files("#file-input", [{"name": name, "mimeType": mime, "buffer": data}
                                          for name, data in files.items()])


def row(page: Page, name: str) -> Locator:
    return page.locator("li.task", has=page.locator(".task-name", has_text=name)).first


def wait_status(page: Page, name: str, status: str, timeout: float = TASK_TIMEOUT_MS) -> Locator:
    target = row(page, name)
    target.and_(page.locator(f'[data-status="{status}"]')).wait_for(timeout=timeout)
    return target


def progress(target: Locator) -> float:
    return float(target.locator('[role="progressbar"]').get_attribute("aria-valuenow"))


def download(page: Page, target: Locator) -> tuple[str, bytes]:
    with page.expect_download() as info:
        target.get_by_role("button", name="Download").click()
    result = info.value
    return result.suggested_filename, open(result.path(), "rb").read()


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


RECORD_PROGRESS = """() => {
  window.__progress = {};
  new MutationObserver((records) => {
    for (const record of records) {
      const bar = record.target;
      const row = bar.closest('li.task');
      if (!row) continue;
      const name = row.querySelector('.task-name').textContent;
      (window.__progress[name] ??= []).push(Number(bar.getAttribute('aria-valuenow')));
    }
  }).observe(document.getElementById('task-list'),
             {subtree: true, attributes: true, attributeFilter: ['aria-valuenow']});
}"""


# An init script: main-thread long tasks in window.__longtasks ([start ms, duration ms]) and each
# row's status changes in window.__marks ([time ms, status]).
LONG_TASKS_AND_MARKS = """
    window.__longtasks = []; window.__marks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longtasks.push([entry.startTime, entry.duration]);
    }).observe({type: 'longtask', buffered: true});
    addEventListener('DOMContentLoaded', () => new MutationObserver((records) => {
      for (const record of records) window.__marks.push([performance.now(), record.target.dataset.status]);
    }).observe(document.getElementById('task-list'),
               {subtree: true, attributes: true, attributeFilter: ['data-status']}));
"""
