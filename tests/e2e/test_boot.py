"""The page boots from the vendored runtime under a sub-path, offline, and surfaces failures."""

import re

from tests.e2e.conftest import SUB_PATH
from tests.e2e.helpers import wait_engine


def test_page_under_sub_path_reaches_ready_with_real_versions(open_app, watch):
    page = open_app()
    wait_engine(page)  # pypdf's version is reported by the PDF worker that runs it
    assert f"/{SUB_PATH}/" in page.url
    assert re.fullmatch(r"3\.14\.\d+", page.text_content("#version-python"))
    assert page.text_content("#version-pypdf") == "7.1.0"
    assert page.get_by_role("heading", name="DataFlow Tasks").is_visible()
    # The runtime really came from our own origin, not from a CDN.
    assert any(url.endswith("/static/vendor/pyodide/pyodide.asm.wasm") for url in watch.requests)
    assert any(url.endswith("/static/vendor/wheels/pypdf-7.1.0-py3-none-any.whl") for url in watch.requests)
    assert watch.foreign_requests == []
    # Pyodide started without JSPI stack switching (static/interpreter.mjs hides it: renderer crashes)
    assert page.evaluate("'Suspending' in WebAssembly || 'promising' in WebAssembly") is False


def test_python_exception_at_boot_is_shown_and_caught_by_the_harness(open_app, watch):
    page = open_app("?fail=boot", expect="error")
    assert "could not start" in page.text_content("#boot-message")
    errors = watch.expect_errors()
    assert any("Traceback (most recent call last)" in e and "InjectedBootFailure" in e for e in errors)
    # Without expect_errors() the harness would have failed this test.
    watch.errors_expected = False
    assert watch.problems()
    watch.errors_expected = True


PROBE = """
import js
try:
    import numpy
    outcome = "imported"
except ImportError as error:
    outcome = f"{type(error).__name__}: {error}"
js.document.body.dataset.probe = outcome
"""


def test_package_that_is_not_vendored_fails_as_plain_import_error(open_app, watch):
    page = open_app()
    page.evaluate(
        """(code) => {
            const script = document.createElement("script");
            script.type = "py";
            script.textContent = code;
            document.body.append(script);
        }""",
        PROBE,
    )
    page.wait_for_selector("body[data-probe]", state="attached")
    outcome = page.evaluate("document.body.dataset.probe")
    assert outcome.startswith("ModuleNotFoundError"), outcome
    assert not any("numpy" in url for url in watch.requests)
