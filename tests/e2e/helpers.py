"""Driving the app as a person does: choose files, watch rows, click buttons, download."""

from __future__ import annotations

import io
import re
import time
import zipfile

from playwright.sync_api import Locator, Page

from dataflow.core.model import TaskState
from dataflow.core.persistence import DEFAULT_PREFIX, encode
from dataflow.core.status import TaskStatus

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


def reload_at_progress(page: Page, at_least: float, timeout: float = 120_000) -> None:
    """Reload the page once the first row's bar shows `at_least` percent, and wait for the app."""
    page.wait_for_function("""(least) => {
        const bar = document.querySelector('li.task [role=progressbar]');
        return bar && Number(bar.getAttribute('aria-valuenow')) >= least;
    }""", arg=at_least, timeout=timeout)
    page.reload()
    page.wait_for_selector('body[data-app-state="ready"]', state="attached")


def download(page: Page, target: Locator, label: str = "Download") -> tuple[str, bytes]:
    """The suggested name and bytes of the row's download button labelled exactly `label`."""
    with page.expect_download() as info:
        target.locator('button[data-action="download"]').filter(
            has_text=re.compile(f"^{re.escape(label)}$")).click()
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


def finished_history(count: int) -> list[list[str]]:
    """`count` completed PDF tasks as the app saves them ([key, record] pairs for localStorage):
    archive-0000.pdf is the oldest. For the e2e test and `make bench` of a long history."""
    now = time.time()
    records = []
    for index in range(count):
        task = TaskState(id=f"history-{index:04d}", name=f"archive-{index:04d}.pdf", kind="pdf",
                         status=TaskStatus.COMPLETED, progress=100.0, created_at=now - 5000 + index,
                         start_time=now - 5000 + index, finished_at=now - 4990 + index, last_updated=now,
                         input={"file_id": f"f{index}", "file_name": f"archive-{index:04d}.pdf", "size": 123456,
                                "options": {"mode": "complete", "max_images": 10, "format": "zip"}},
                         result={"result_key": f"result:history-{index:04d}", "filename": "x.zip", "pages": 12,
                                 "images": 3, "size": 45678, "mime": "application/zip", "title": None,
                                 "skipped_pages": [], "warnings": []})
        records.append([DEFAULT_PREFIX + task.id, encode(task)])
    return records


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
