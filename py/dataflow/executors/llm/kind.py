"""The LLM enrichment kind described to the generic app: its options, a task's input, its row
summary and the API key it asks for. Executors ring, pure.

Not yet listed in `PLUGINS`: the page's wiring (a fetch transport, the record reader of issue 13,
text fields in the options form, the Enrich action on a PDF row) comes next. Until then it takes no
dropped file (`accepts` is empty), so it can never claim the JSON workbench's files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dataflow.core.kinds import Accepts, ExecutorKind, OptionField, SecretPrompt, StoredFile
from dataflow.core.model import TaskState
from dataflow.core.text import plural
from dataflow.core.views import ResultSource, ResultView
from dataflow.executors.llm.errors import InvalidApiKeyError, ModelNotFoundError
from dataflow.executors.llm.options import API_KEY, LlmOptions


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
    form = (
        OptionField("concurrency", "Requests in flight", minimum=1, maximum=64),
        OptionField("requests_per_minute", "Requests per minute (0: no limit)", minimum=0, maximum=100_000),
        OptionField("max_chars", "Cut texts longer than (characters, 0: never)", minimum=0, maximum=10_000_000),
        OptionField("output_format", "Output", choices=(("jsonl", "JSONL (one record per line)"),
                                                        ("json", "JSON (one array)"))),
    )

    def parse_options(self, data: Mapping[str, Any] | None) -> LlmOptions:
        """LlmOptions from JSON; ValueError naming an invalid value."""
        return LlmOptions.from_dict(data)

    def task_input(self, file: StoredFile, options: LlmOptions) -> dict[str, Any]:
        """See llm_task_input."""
        return llm_task_input(file.file_id, file.name, file.size, options)

    def summary(self, result: Any) -> str:
        """12 records · 1 failed · 3 cut · 3,456 tokens in, 789 out · cost 0.0012"""
        result = result if isinstance(result, dict) else {}
        if "records" not in result:
            return ""
        parts = [plural(int(result["records"]), "record")]
        if result.get("failed"):
            parts.append(f"{result['failed']} failed")
        if result.get("truncated"):
            parts.append(f"{result['truncated']} cut")
        tokens_in, tokens_out = int(result.get("prompt_tokens", 0)), int(result.get("completion_tokens", 0))
        parts.append(f"{tokens_in:,} tokens in, {tokens_out:,} out")
        if result.get("cost"):
            parts.append(f"cost {float(result['cost']):.4f}")
        return " · ".join(parts)

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
