"""Offline after one visit, and a clean update to a new version (service worker + precache)."""

import shutil
import threading

import pytest

from tests import pdfs
from tests.e2e.conftest import ROOT, wait_for_app_state, watch_page
from tests.e2e.helpers import add_files, download, unzip, wait_engine, wait_status
from tools import build_site
from tools.serve import make_server


def wait_offline_ready(page) -> None:
    page.wait_for_selector('html[data-offline="ready"]', state="attached", timeout=90_000)


def test_after_one_visit_the_app_boots_and_works_with_the_network_cut(context, watch):
    page = watch_page(context.new_page(), watch)
    page.goto("index.html")
    assert wait_for_app_state(page) == "ready"
    wait_engine(page)
    wait_offline_ready(page)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    context.set_offline(True)
    try:
        page.reload()
        assert wait_for_app_state(page) == "ready"
        wait_engine(page)
        add_files(page, {"offline.pdf": pdfs.text_pdf(3)})
        target = wait_status(page, "offline.pdf", "completed")
        files = unzip(download(page, target)[1])
        assert files["text/page-0002.txt"].decode().startswith("Page 2.")
    finally:
        context.set_offline(False)
    assert failed == []


@pytest.fixture
def site_copy(tmp_path):
    """The exported site in a folder of its own, served on its own port, so it can be changed."""
    out = tmp_path / "site"
    assert build_site.main(["--out", str(out)]) == 0
    server = make_server(out, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    shutil.rmtree(out, ignore_errors=True)


def test_a_rebuilt_site_is_offered_as_an_update_and_replaces_the_old_cache(browser, site_copy):
    out, url = site_copy
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "index.html")
    assert wait_for_app_state(page) == "ready"
    wait_offline_ready(page)
    old = page.text_content("#app-version")
    assert page.evaluate("caches.keys()") == [f"dataflow-{old}"]

    (out / "static" / "app.css").write_text((ROOT / "static" / "app.css").read_text() + "\n/* v2 */\n")
    assert build_site.main(["--root", str(out)]) == 0
    page.reload()
    assert wait_for_app_state(page) == "ready"
    banner = page.locator("#update-banner")
    banner.wait_for(timeout=60_000)
    assert page.text_content("#app-version") == old  # still the old version until the user says so
    with page.expect_navigation():
        banner.get_by_role("button", name="Reload to update").click()
    assert wait_for_app_state(page) == "ready"
    new = page.text_content("#app-version")
    assert new != old
    page.wait_for_function("async (name) => { const keys = await caches.keys(); "
                           "return keys.length === 1 && keys[0] === name; }", arg=f"dataflow-{new}")
    assert "/* v2 */" in page.evaluate("fetch('static/app.css').then(r => r.text())")
    context.close()
