"""Start-up of the page: report the runtime, switch `<body data-app-state>` to ready or error.

Browser ring: touches the DOM through `js`. A failure here becomes a readable message on the
page (and a traceback in the console for developers), never a bare traceback for the user.
"""

from __future__ import annotations

import sys
import traceback

import js

from dataflow.browser.dom import page_query

FAILURE_FLAG = "fail"  # ?fail=boot makes boot raise, so tests can prove errors are surfaced


class InjectedBootFailure(RuntimeError):
    """Raised on purpose when the page is opened with ?fail=boot."""


def set_state(state: str, message: str) -> None:
    """Show `message` in the status line and publish `state` on <body data-app-state>."""
    status = js.document.getElementById("boot-message")
    status.textContent = message
    js.document.body.dataset.appState = state


def runtime_versions() -> dict[str, str]:
    """The main thread's Python, read now; executors' libraries report from the workers that run them."""
    info = sys.version_info
    return {"python": f"{info.major}.{info.minor}.{info.micro}"}


def show_versions(versions: dict[str, str]) -> None:
    for name, version in versions.items():
        js.document.getElementById(f"version-{name}").textContent = version


def mark(step: str) -> None:
    """A performance mark "dataflow:<step>": `make bench` reads them for its start-up breakdown."""
    js.performance.mark(f"dataflow:{step}")


def failure_requested() -> bool:
    return "boot" in page_query().get(FAILURE_FLAG, [])


async def boot() -> None:
    """Bring the app up; on any failure leave a readable error on the page."""
    try:
        if failure_requested():
            raise InjectedBootFailure("boot failure injected with ?fail=boot")
        mark("boot")
        show_versions(runtime_versions())
        from dataflow.browser.app import start_app

        mark("imported")
        await start_app()
        mark("started")
        set_state("ready", "Ready. Python runs in your browser; your files stay on this machine unless you run LLM "
                           "enrichment.")
    except Exception as error:  # the page must explain any failure, whatever its type
        js.console.error("DataFlow Tasks failed to start:\n" + traceback.format_exc())
        set_state("error", f"DataFlow Tasks could not start: {error}. Reload the page to try again.")
