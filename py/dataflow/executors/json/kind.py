"""The JSON workbench described to the generic app: the files it takes (.json, .jsonl, .ndjson and
the same as .zst), its options and their form, a task's input, the blobs a task claims, its row
summary and its two downloads (the data and its report.json). Executors ring, pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dataflow.core.blob_sweep import BlobClaims
from dataflow.core.kinds import Accepts, Companion, ExecutorKind, OptionField, StoredFile
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.core.text import size_text
from dataflow.core.views import ResultSource, ResultView
from dataflow.executors.json.errors import JSON_ERRORS
from dataflow.executors.json.executor import json_task_input
from dataflow.executors.json.options import LABELS, JsonOptions
from dataflow.executors.json.store import json_blob_claims
from dataflow.executors.json.view import json_view

BOOLEAN_OPTIONS = ("pretty", "dedupe", "chat_check", "redact_keys")
YES_NO = (("False", "No"), ("True", "Yes"))  # values as str(bool): the form writes saved options back so
OPERATION_NAMES = {"inspect": "Inspected", "clean": "Cleaned", "split": "Split", "convert": "Converted",
                   "compress": "Compressed", "decompress": "Decompressed"}


class JsonKind(ExecutorKind[JsonOptions]):
    kind = "json"
    noun = "JSON file"
    accepts = Accepts(mime_types=("application/json", "application/x-ndjson", "application/jsonl",
                                  "application/zstd"),
                      extensions=(".json", ".jsonl", ".ndjson", ".zst"),
                      label="JSON files (.json, .jsonl, .ndjson, and the same as .zst)")
    errors = JSON_ERRORS
    companion = Companion("report_key", "report_filename", "report.json", "Download report")  # after the data
    form = (
        OptionField("operation", LABELS["operation"], choices=(
            ("inspect", "Inspect (count, depth, inferred schema)"),
            ("clean", "Clean (redact secrets and personal data)"),
            ("split", "Split into files of N records (zip)"), ("convert", "Convert (JSON array ↔ JSONL)"),
            ("compress", "Compress (zstd)"), ("decompress", "Decompress (.zst)"))),
        OptionField("records_path", LABELS["records_path"], text="line",
                    hint="Empty: the largest array of objects, e.g. /data/items"),
        OptionField("output_format", LABELS["output_format"],
                    choices=(("auto", "As the input (convert: the other one)"), ("json", "JSON array"),
                             ("jsonl", "JSONL"))),
        OptionField("split_size", LABELS["split_size"], minimum=1, maximum=1_000_000),
        OptionField("level", LABELS["level"], minimum=1, maximum=22),
        OptionField("pretty", LABELS["pretty"], choices=YES_NO),
        OptionField("dedupe", LABELS["dedupe"], choices=YES_NO),
        OptionField("chat_check", LABELS["chat_check"], choices=YES_NO),
        OptionField("redact_keys", LABELS["redact_keys"], choices=YES_NO),
        OptionField("schema", LABELS["schema"], text="lines",
                    hint='Optional, e.g. {"type": "object", "required": ["id"]}'),
    )

    def parse_options(self, data: Mapping[str, Any] | None) -> JsonOptions:
        """JsonOptions from JSON or the form ("True"/"False" for yes/no); ValueError for invalid values."""
        values = dict(data) if data else {}
        for name in BOOLEAN_OPTIONS:
            if isinstance(values.get(name), str):
                values[name] = values[name].strip().lower() == "true"
        return JsonOptions.from_dict(values)

    def max_file_bytes(self, options: JsonOptions) -> int | None:
        """The options' file size limit (200 MB by default): larger files are never copied."""
        return options.max_file_bytes

    def task_input(self, file: StoredFile, options: JsonOptions) -> dict[str, Any]:
        """{"file_id", "file_name", "size", "options"}: see executor.json_task_input."""
        return json_task_input(file.file_id, file.name, file.size, options)

    def blob_claims(self, task: TaskState) -> BlobClaims:
        """See store.json_blob_claims: a result per run, its report and its summary."""
        return json_blob_claims(task)

    def summary(self, result: Any) -> str:
        """Converted · 1,000 records · records at /data/items (a .json object's array) · output 2.4 MB
        (Inspect: report 1.7 KB) · first warning (and N more)."""
        result = result if isinstance(result, dict) else {}
        parts = []
        if result.get("operation"):
            parts.append(OPERATION_NAMES.get(str(result["operation"]), str(result["operation"])))
        if result.get("records") is not None:
            count = int(result["records"])
            parts.append(f"{count:,} record" + ("" if count == 1 else "s"))
        if result.get("records_path"):
            parts.append(f"records at {result['records_path']}")
        if "size" in result:  # the main result file's, not the input's: say which file
            what = "report" if result.get("operation") == "inspect" else "output"
            parts.append(f"{what} {size_text(int(result['size']))}")
        warnings = result.get("warnings") or []
        if warnings:
            parts.append(str(warnings[0]) + (f" (and {len(warnings) - 1} more in report.json)" if len(warnings) > 1
                                             else ""))
        return " · ".join(parts)

    def has_view(self, task: TaskState) -> bool:
        """Every completed JSON task with a stored result can be viewed (its report at least)."""
        return task.status is TaskStatus.COMPLETED and self.download(task) is not None

    async def view(self, task: TaskState, source: ResultSource) -> ResultView:
        """See view.json_view: read from the stored result and report, never by processing again."""
        return await json_view(task.result if isinstance(task.result, dict) else {},
                               task.input if isinstance(task.input, dict) else {}, source)
