"""The JSON service: open a stored file, run one operation over it step by step into the store,
assemble the result and its report.json. It runs where the heavy work runs: in a Web Worker in
the app, in-process in tests.

A step reads records from a byte offset and stores, in one transaction, what it wrote and the
operation's state after it, both under the step's number; the executor checkpoints
{step, offset, index}. A resumed run loads the state of the step before its checkpoint, so the
result is byte-identical to an uninterrupted run. Executors ring: never imports the browser."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from dataflow.core.blobs import BlobStore, parts_prefix
from dataflow.core.errors import DataflowError
from dataflow.core.runs import stored_file, stored_summary
from dataflow.executors.json import zstd as zstd_module
from dataflow.executors.json.encoding import to_utf8
from dataflow.executors.json.errors import (
    BUG_TYPES,
    CorruptZstError,
    EmptyFileError,
    FileMissingError,
    FileTooLargeError,
    JsonWorkerError,
    MissingPartsError,
    internal_error,
)
from dataflow.executors.json.layout import Layout, detect
from dataflow.executors.json.operations import OPERATIONS, ByteOperation, Operation
from dataflow.executors.json.options import JsonOptions, too_large
from dataflow.executors.json.output import (
    base_name,
    join_records,
    report_bytes,
    report_name,
    split_name,
    stem,
    zip_files,
)
from dataflow.executors.json.reader import RecordReader
from dataflow.executors.json.store import report_key, run_result_key, step_key, step_of, summary_key

TOOL = "DataFlow Tasks JSON workbench"


def deterministic(stage: str) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """A service call whose BUG_TYPES errors become a JsonInternalError (not retried: the same file
    would raise them again) saying `stage`; our own errors and any other pass through unchanged."""
    def wrap(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(method)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return await method(*args, **kwargs)
            except DataflowError:
                raise
            except BUG_TYPES as error:
                raise internal_error(stage, error) from error
        return guarded
    return wrap


@dataclass
class OpenFile:
    options: JsonOptions
    source: str
    raw_size: int
    data: bytes  # UTF-8 text for record operations; the bytes to (de)compress otherwise
    operation: Operation | ByteOperation
    step: int
    info: dict[str, Any]
    reader: RecordReader | None = None
    layout: Layout | None = None
    warnings: list[str] = field(default_factory=list)
    opening_seconds: float = 0.0  # reading, decompressing and detecting, in this worker's open


class JsonService:
    """Stateful per worker: it keeps each open file between step calls."""

    def __init__(self, store: BlobStore, *, zstd: zstd_module.Zstd | None = None,
                 monotonic: Callable[[], float] = time.perf_counter):
        self.store = store
        self.zstd = zstd if zstd is not None else zstd_module.available()
        self.monotonic = monotonic
        self.files: dict[str, OpenFile] = {}

    @deterministic("opening the file")
    async def open(self, task_id: str, file_id: str, options: dict[str, Any], *, source: str = "data.json",
                   checkpoint: dict[str, Any] | None = None) -> dict[str, Any]:
        """Read, decompress and detect the stored file; resume from `checkpoint` ({step, offset,
        index}) when given. Returns {"total": bytes to go through, "form", "records_path",
        "candidates", "encoding", "compressed", "warnings"}."""
        parsed = JsonOptions.from_dict(options)
        started = self.monotonic()
        raw = await self._raw(file_id, parsed)
        compressed = zstd_module.is_zstd(raw)
        warnings: list[str] = []
        if source.lower().endswith(".zst") and not compressed:
            raise CorruptZstError("The file is named .zst but is not zstd-compressed data.")
        step = int((checkpoint or {}).get("step", 0))
        state, extras = await self._state(task_id, step)
        info: dict[str, Any] = {"compressed": compressed, "input_bytes": len(raw)}
        if parsed.operation == "compress":
            opened = OpenFile(parsed, source, len(raw), raw, ByteOperation(parsed, self._zstd(), state), step, info)
        elif parsed.operation == "decompress":
            if not compressed:
                raise CorruptZstError("This file is not zstd-compressed, so there is nothing to decompress.")
            data = self._decompress(raw, parsed)
            opened = OpenFile(parsed, source, len(raw), data, ByteOperation(parsed, None, state), step, info)
        else:
            opened = self._records(parsed, source, raw, compressed, state, extras, step, info, warnings)
        info["total"] = len(opened.data)
        opened.opening_seconds = self.monotonic() - started
        self.files[task_id] = opened
        return info | {"warnings": list(opened.warnings)}

    def _records(self, parsed: JsonOptions, source: str, raw: bytes, compressed: bool, state: dict | None,
                 extras: list[bytes], step: int, info: dict[str, Any], warnings: list[str]) -> OpenFile:
        data = self._decompress(raw, parsed) if compressed else raw
        text = to_utf8(data)
        layout = detect(text.data, source, parsed.records_path, parsed.max_depth)
        operation = OPERATIONS[parsed.operation](parsed, parsed.output_form(layout.form), state)
        operation.load_extras(extras)
        warnings += text.warnings + list(layout.warnings)
        info |= {"form": layout.form, "records_path": layout.pointer, "encoding": text.encoding,
                 "candidates": [c.to_dict() for c in layout.candidates], "text_bytes": len(text.data)}
        reader = RecordReader(text.data, layout, max_depth=parsed.max_depth)
        return OpenFile(parsed, source, len(raw), text.data, operation, step, info, reader, layout, warnings)

    @deterministic("processing the file")
    async def process(self, task_id: str, position: dict[str, Any], budget: int) -> dict[str, Any]:
        """Run one step from `position` ({step, offset, index}) over about `budget` bytes of input.
        Returns the next position ({step, offset, index}) with "done"."""
        opened = self._file(task_id)
        step = int(position.get("step", 0))
        if step != opened.step:
            raise JsonWorkerError(f"step {step} asked, but this worker is at step {opened.step} (it was restarted)")
        started = self.monotonic()
        offset, index = position.get("offset"), int(position.get("index", 0))
        if isinstance(opened.operation, ByteOperation):
            out, offset = opened.operation.piece(opened.data, int(offset or 0), budget)
            done = offset >= len(opened.data)
            written: bytes | str = out
        else:
            texts, offset, index, done = self._step(opened, offset, index, budget)
            written = json.dumps(texts, ensure_ascii=False)
        opened.operation.seconds += self.monotonic() - started
        entries = [(step_key(task_id, "out", step), written, None),
                   (step_key(task_id, "state", step), json.dumps(opened.operation.state()), "application/json")]
        extra = opened.operation.extra() if isinstance(opened.operation, Operation) else b""
        if extra:
            entries.append((step_key(task_id, "extra", step), extra, None))
        await self.store.put_many(entries)
        if step >= 2:  # the state before the checkpointed one may still be needed; older ones are not
            await self.store.delete_prefix(step_key(task_id, "state", step - 2))
        opened.step = step + 1
        return {"step": step + 1, "offset": offset, "index": index, "done": done}

    def _step(self, opened: OpenFile, offset: int | None, index: int,
              budget: int) -> tuple[list[str], int | None, int, bool]:
        reader, operation = opened.reader, opened.operation
        assert reader is not None and isinstance(operation, Operation)
        start = offset if offset is not None else (opened.layout.start if opened.layout else 0)
        texts: list[str] = []
        done = True
        seen_warnings, seen_messages = reader.warning_count, len(reader.warnings)
        for record in reader.records(offset, index):
            text = operation.add(record.value, record.index)
            if text is not None:
                texts.append(text)
            offset, index = record.end, record.index + 1
            if offset - start >= budget:
                done = False
                break
        operation.warn(reader.warnings[seen_messages:], reader.warning_count - seen_warnings)
        return texts, offset, index, done

    @deterministic("assembling the result")
    async def finish(self, task_id: str, run: str = "1") -> dict[str, Any]:
        """Assemble and store the result of run `run` with its report.json; returns their keys, the
        file name, MIME type, size, record counts and warnings. Safe to call again after an
        interruption: a result this run already stored is reused; the parts stay (the janitor deletes
        them once the task's completion is saved). Raises MissingPartsError, stores no result and
        deletes the remaining parts when a step of the run has no stored output."""
        opened = self._file(task_id)
        key = run_result_key(task_id, run)
        stored = await stored_summary(self.store, key)
        if stored is not None:
            return stored
        await self._check_parts(task_id, opened)
        operation = opened.operation
        started = self.monotonic()
        data, filename, mime, extra = await self._assemble(task_id, opened)
        summary = operation.summary()
        report = self._report(opened, filename, len(data), summary | extra, self.monotonic() - started)
        if operation.name == "inspect":  # the inspection is the report, without the timings that vary by run
            data = report_bytes({key: value for key, value in report.items() if key != "timings"})
        result = {"result_key": key, "report_key": report_key(key), "filename": filename,
                  "report_filename": report_name(opened.source), "mime": mime, "size": len(data),
                  "operation": operation.name, "records": summary.get("records_read", summary.get("records")),
                  "records_path": opened.layout.pointer if opened.layout else None,
                  "warnings": report["warnings"]}
        await self.store.put_many([(key, data, mime), (report_key(key), report_bytes(report), "application/json"),
                                   (summary_key(key), json.dumps(result), "application/json")])
        return result

    async def _check_parts(self, task_id: str, opened: OpenFile) -> None:
        """Raise MissingPartsError (after deleting what is left of the parts, so the next run starts
        clean) unless every step before the current one has its stored output."""
        found = {step_of(key) for key in await self.store.keys(f"{parts_prefix(task_id)}out:")}
        missing = [step for step in range(opened.step) if step not in found]
        if missing:
            await self.store.delete_prefix(parts_prefix(task_id))
            raise MissingPartsError(f"Only {opened.step - len(missing)} of {opened.step} steps of output were found "
                                    "in storage while assembling the result; nothing was saved, and the file will "
                                    "be gone through again.")

    def forget(self, task_id: str) -> None:
        self.files.pop(task_id, None)

    # ---------------------------------------------------------------------------------------

    async def _raw(self, file_id: str, options: JsonOptions) -> bytes:
        raw = await stored_file(self.store, file_id, missing=FileMissingError, encoding="utf-8")
        if not raw:
            raise EmptyFileError("The file is empty.")
        if len(raw) > options.max_file_bytes:
            raise FileTooLargeError(too_large(len(raw), options.max_file_bytes))
        return raw

    def _zstd(self) -> zstd_module.Zstd:
        if self.zstd is None:
            return zstd_module.require()
        return self.zstd

    def _decompress(self, raw: bytes, options: JsonOptions) -> bytes:
        data = self._zstd().decompress(raw, options.max_file_bytes)
        if not data:
            raise EmptyFileError("The .zst file decompresses to nothing.")
        return data

    async def _state(self, task_id: str, step: int) -> tuple[dict | None, list[bytes]]:
        if step == 0:
            return None, []
        stored = await self.store.get(step_key(task_id, "state", step - 1))
        if stored is None:
            await self.store.delete_prefix(parts_prefix(task_id))
            raise MissingPartsError(f"The state saved with step {step} is missing from storage; the file will be "
                                    "gone through again.")
        extra_keys = [key for key in await self.store.keys(f"{parts_prefix(task_id)}extra:")
                      if step_of(key) < step]
        extras = [value if isinstance(value, bytes) else value.encode("latin-1")
                  for value in await self.store.get_many(extra_keys) if value is not None]
        return json.loads(stored), extras

    async def _parts(self, task_id: str, opened: OpenFile):
        """The stored output of each step before the current one, in order, one at a time."""
        for key in await self.store.keys(f"{parts_prefix(task_id)}out:"):
            if step_of(key) < opened.step:
                yield await self.store.get(key)

    async def _assemble(self, task_id: str, opened: OpenFile) -> tuple[bytes, str, str, dict]:
        operation, base = opened.operation, stem(opened.source)
        if isinstance(operation, ByteOperation):
            chunks = [part if isinstance(part, bytes) else part.encode("latin-1")
                      async for part in self._parts(task_id, opened)]
            name = base_name(opened.source)
            if operation.name == "compress":
                name += ".zst"
            else:
                name = name[:-4] if name.lower().endswith(".zst") else name + ".out"
            return b"".join(chunks), name, "application/zstd" if operation.name == "compress" else \
                "application/octet-stream", {}
        if operation.name == "inspect":
            return b"", f"{base}.inspect.json", "application/json", {}
        form = operation.form
        mime = "application/jsonl" if form == "jsonl" else "application/json"
        if operation.name == "split":
            return await self._split(task_id, opened, base, form)
        pieces: list[bytes] = []  # joined once at the end: the output is held twice at most, never more
        count = 0
        async for part in self._parts(task_id, opened):
            texts = json.loads(part)
            if texts and form == "json":
                pieces.append(((",\n" if count else "[\n") + ",\n".join(texts)).encode("utf-8"))
            elif texts:
                pieces.append(join_records(texts, form="jsonl"))
            count += len(texts)
        if form == "json":
            pieces.append(b"\n]\n" if count else b"[]\n")
        suffix = "clean." if operation.name == "clean" else ""
        return b"".join(pieces), f"{base}.{suffix}{form}", mime, {}

    async def _split(self, task_id: str, opened: OpenFile, base: str, form: str) -> tuple[bytes, str, str, dict]:
        size = opened.options.split_size
        total_files = max(1, -(-opened.operation.written // size))
        names: list[str] = []
        entries: list[tuple[str, bytes]] = []
        current: list[str] = []
        async for part in self._parts(task_id, opened):
            for text in json.loads(part):
                current.append(text)
                if len(current) == size:
                    names.append(split_name(base, len(names) + 1, total_files, form))
                    entries.append((names[-1], join_records(current, form=form)))
                    current = []
        if current or not entries:
            names.append(split_name(base, len(names) + 1, total_files, form))
            entries.append((names[-1], join_records(current, form=form)))
        return zip_files(entries), f"{base}.split.zip", "application/zip", {"files": len(names),
                                                                             "records_per_file": size}

    def _report(self, opened: OpenFile, filename: str, size: int, summary: dict[str, Any],
                finish_seconds: float) -> dict[str, Any]:
        operation = opened.operation
        warnings = list(opened.warnings) + list(getattr(operation, "warnings", []))
        hidden = getattr(operation, "warning_count", 0) - len(getattr(operation, "warnings", []))
        if hidden > 0:
            warnings.append(f"… and {hidden:,} more warnings of the same kinds.")
        return {"tool": TOOL, "operation": operation.name, "source": opened.source,
                "input": {key: value for key, value in opened.info.items() if key != "total"},
                "options": _relevant_options(opened.options), "result": summary,
                "output": {"file": filename, "bytes": size} if operation.name != "inspect" else None,
                "warnings": warnings,
                "timings": {"opening_seconds": round(opened.opening_seconds, 3),
                            "processing_seconds": round(operation.seconds, 3),
                            "assembling_seconds": round(finish_seconds, 3)}}

    def _file(self, task_id: str) -> OpenFile:
        try:
            return self.files[task_id]
        except KeyError:
            raise JsonWorkerError(f"task {task_id} has no open file in this worker (it was restarted)") from None


RELEVANT_OPTIONS = {  # what each operation reads of JsonOptions, as its report lists them
    "inspect": ("records_path", "schema", "max_errors_per_path", "chat_check", "examples", "max_depth"),
    "clean": ("records_path", "output_format", "pretty", "redact_keys", "max_depth"),
    "split": ("records_path", "output_format", "split_size", "pretty", "max_depth"),
    "convert": ("records_path", "output_format", "pretty", "dedupe", "max_depth"),
    "compress": ("level",),
    "decompress": (),
}


def _relevant_options(options: JsonOptions) -> dict[str, Any]:
    """The options the operation used (RELEVANT_OPTIONS), the operation first; a schema as its length."""
    every = options.to_dict()
    chosen = {"operation": options.operation} | {name: every[name] for name in RELEVANT_OPTIONS[options.operation]}
    if chosen.get("schema"):
        chosen["schema"] = f"{len(options.schema or ''):,} characters"
    return chosen
