"""The LLM enrichment kind described to the generic app: its options, a task's input, its row
summary and the API key it asks for. Executors ring, pure.

It takes no dropped file (`accepts` is empty, so it never claims the JSON workbench's files): the
page's provider section has its own file input, a completed PDF task's row offers *Enrich*
(`derivation`), and a completed enrichment with failed records offers *Retry N failed records*: a
task whose input is that result, sending only those records with the same settings (`retry_failed`);
its row is named for its round (`retry_name`) while its file keeps the result's name.
Its settings form is that section (text, decimals and a secret), not `form`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from dataflow.core.clock import Clock
from dataflow.core.http import HttpTransport
from dataflow.core.kinds import Accepts, Companion, Derivation, DerivedFile, ExecutorKind, SecretPrompt, StoredFile
from dataflow.core.model import TaskState
from dataflow.core.text import plural
from dataflow.core.views import Pages, ResultSource, ResultView
from dataflow.executors.llm.connection import check_connection
from dataflow.executors.llm.earlier import failed_count
from dataflow.executors.llm.errors import InvalidApiKeyError, ModelNotFoundError, OptionError
from dataflow.executors.llm.options import API_KEY, LABELS, LlmOptions
from dataflow.executors.llm.output import MIME
from dataflow.executors.llm.presets import PRESETS, Preset
from dataflow.executors.llm.progress import cancelled_text
from dataflow.executors.llm.records import records_from_pages


def schema_from_text(text: str) -> Any:
    """The JSON Schema typed in the form as JSON (None when blank); ValueError when it is not JSON
    (LlmOptions then checks that it is an object of supported keywords)."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        raise OptionError(f"{LABELS['schema']}: the JSON Schema is not valid JSON: {error}", "schema") from None


RETRY_ROUND = " · retry "


def retry_name(filename: str, source_name: str) -> str:
    """The row name of a retry of the result file `filename` of the task named `source_name`:
    "scores.enriched.jsonl · retry 1" for a full run's, then "… · retry 2" for that retry's, and so on
    (a " (2)" the app added to tell siblings apart is read past). The file itself keeps `filename`:
    the merged file equals a full run's, so it downloads under the name a full run gives it."""
    match = re.fullmatch(re.escape(filename + RETRY_ROUND) + r"(\d+)(?: \(\d+\))?", source_name)
    return f"{filename}{RETRY_ROUND}{int(match[1]) + 1 if match else 1}"


def llm_task_input(file_id: str, file_name: str, size: int, options: LlmOptions) -> dict[str, Any]:
    """The JSON input of an enrichment of a stored file: a reference, never the records or the key."""
    return {"file_id": file_id, "file_name": file_name, "name": file_name, "size": size,
            "options": options.to_dict()}


class LlmKind(ExecutorKind[LlmOptions]):
    kind = "llm"
    noun = "record file"
    accepts = Accepts(mime_types=(), extensions=(), label="records to enrich (from a JSON task or a PDF task)")
    secret = SecretPrompt(name=API_KEY, label="API key", placeholder="the provider's API key",
                          submit="Use this key", errors=frozenset({InvalidApiKeyError.__name__}))
    errors = (InvalidApiKeyError, ModelNotFoundError)
    derivation = Derivation("Enrich", frozenset({"pdf", "llm"}))  # an enrichment's own: see offer
    # after the records file, its Markdown summary (see executor.LlmExecutor's result)
    companion = Companion("summary_key", "summary_filename", "summary.md", "Download summary")
    presets: tuple[Preset, ...] = PRESETS

    def parse_options(self, data: Mapping[str, Any] | None) -> LlmOptions:
        """LlmOptions from JSON or from the page's form, whose `schema` is the text of a JSON Schema
        (blank: none); ValueError naming an invalid value, e.g. a schema that is not JSON."""
        values = dict(data or {})
        if isinstance(values.get("schema"), str):
            values["schema"] = schema_from_text(values["schema"])
        return LlmOptions.from_dict(values)

    def task_input(self, file: StoredFile, options: LlmOptions) -> dict[str, Any]:
        """See llm_task_input."""
        return llm_task_input(file.file_id, file.name, file.size, options)

    def summary(self, result: Any) -> str:
        """12 records · 1 failed · 3 cut · 3,456 tokens in, 789 out · cost 0.0012"""
        result = result if isinstance(result, dict) else {}
        if "records" not in result:
            return ""
        parts = [plural(int(result["records"]), "record")]
        if result.get("kept"):
            parts.append(f"{int(result['kept']):,} answers kept")
        if result.get("failed"):
            parts.append(f"{result['failed']} failed")
        if result.get("truncated"):
            parts.append(f"{result['truncated']} cut")
        tokens_in, tokens_out = int(result.get("prompt_tokens", 0)), int(result.get("completion_tokens", 0))
        parts.append(f"{tokens_in:,} tokens in, {tokens_out:,} out")
        if result.get("cost"):
            parts.append(f"cost {float(result['cost']):.4f}")
        return " · ".join(parts)

    def cancelled_summary(self, task: TaskState) -> str:
        """ "Cancelled after 12 of 30 records · 3 failed", from the task's checkpoint (progress.cancelled_text)."""
        return cancelled_text(task.checkpoint)

    def waiting_summary(self, task: TaskState) -> str:
        """ "Stopped after 12 of 30 records · 3 failed" for a row waiting for its key (after a reload):
        the answers stored so far are kept and not paid again once it is given."""
        return cancelled_text(task.checkpoint, "Stopped")

    def offer(self, task: TaskState) -> str:
        """*Enrich* on a PDF task; on a completed enrichment *Retry N failed records*, or nothing when
        none failed."""
        if task.kind != self.kind:
            return super().offer(task)
        failed = failed_count(task.result)
        return f"Retry {plural(failed, 'failed record')}" if failed and self.download(task) else ""

    async def derive(self, task: TaskState, view: ResultView, options: LlmOptions,
                     source: ResultSource | None = None) -> DerivedFile:
        """From a PDF task, a JSONL file of its pages (see pages_file). From an enrichment, its result
        file as it is (`source`), to be sent again with `task`'s own settings and `retry_failed`:
        only its failed records go out, every answer in it is kept; its row is named by retry_name.
        ValueError when there is nothing to send or the settings cannot be read."""
        if task.kind != self.kind:
            return await self.pages_file(task, view, options)
        result = task.result if isinstance(task.result, dict) else {}
        if not failed_count(result) or source is None:
            raise ValueError(f"no record of {task.name} failed: there is nothing to send again")
        task_input = task.input if isinstance(task.input, dict) else {}
        earlier = self.parse_options(task_input.get("options"))
        filename = str(result.get("filename") or task.name)
        return DerivedFile(filename, await source.whole(), MIME[earlier.output_format],
                           options=replace(earlier, retry_failed=True).to_dict(),
                           task_name=retry_name(filename, task.name))

    async def pages_file(self, task: TaskState, view: ResultView, options: LlmOptions) -> DerivedFile:
        """A JSONL file of `task`'s pages (one record per page, or chunks of `options.chunk_chars`
        characters), read from the Pages block of its view; its text field is `text`. ValueError when
        the result has no text."""
        block = next((block for block in view.blocks if isinstance(block, Pages)), None)
        if block is None or block.count == 0:
            raise ValueError(f"{task.name} has no text to enrich (was it processed for images only?)")
        pages = [(await block.read(number)) or "" for number in range(1, block.count + 1)]
        if not any(text.strip() for text in pages):
            raise ValueError(f"{task.name} has no text to enrich: its pages hold no text")
        records = records_from_pages(pages, options.chunk_chars)
        data = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8")
        stem = task.name.rsplit(".", 1)[0] if "." in task.name else task.name
        unit = "chunks" if options.chunk_chars else "pages"
        return DerivedFile(f"{stem}.{unit}.jsonl", data, "application/jsonl",
                           options=replace(options, text_path="text").to_dict())

    async def check_connection(self, transport: HttpTransport, clock: Clock, options: LlmOptions,
                               api_key: str) -> tuple[bool, str]:
        """See connection.check_connection: one small call, a plain report."""
        return await check_connection(transport, clock, options, api_key)

    # The viewer (issue 16); imports kept here so this edit stays at the end of the module.
    def has_view(self, task: TaskState) -> bool:
        """A completed enrichment with a stored result file can be viewed."""
        from dataflow.core.status import TaskStatus
        return task.status is TaskStatus.COMPLETED and self.download(task) is not None

    async def view(self, task: TaskState, source: ResultSource) -> ResultView:
        """See view.llm_view: the stored records file and summary.md, never a new request."""
        from dataflow.executors.llm.view import llm_view
        task_input = task.input if isinstance(task.input, dict) else {}
        options = task_input.get("options")
        return await llm_view(task.result if isinstance(task.result, dict) else {},
                              options if isinstance(options, dict) else {}, source)
