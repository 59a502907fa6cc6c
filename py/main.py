"""Entry point of the page: PyScript runs this on the main thread once the runtime is up."""

from dataflow.browser.boot import boot

await boot()  # noqa: F704, PLE1142 - PyScript runs main-thread scripts with top-level await
