"""The record operations (inspect, clean, split, convert): what each does with one record, the
state it accumulates (plain JSON, checkpointed with the position) and its part of the report.
The service feeds them records and stores what they write. Standard library only (plus
fastjsonschema when a schema is given)."""

from __future__ import annotations

from typing import Any

from dataflow.executors.json.checks import ChatCheck, SchemaCheck
from dataflow.executors.json.clean import Cleaner
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.json.output import canonical_digest, record_text
from dataflow.executors.json.schema import Inference

MAX_WARNINGS = 20
DIGEST = 16


class Operation:
    """Base: counts records, keeps warnings; subclasses say what a record becomes."""

    name = ""

    def __init__(self, options: JsonOptions, form: str, state: dict | None = None):
        self.options = options
        self.form = form  # the output form: "json" or "jsonl"
        state = state or {}
        self.records = int(state.get("records", 0))
        self.written = int(state.get("written", 0))
        self.warnings: list[str] = list(state.get("warnings", []))
        self.warning_count = int(state.get("warning_count", 0))
        self.seconds = float(state.get("seconds", 0.0))

    def add(self, value: Any, index: int) -> str | None:
        """The text to write for this record (None: nothing)."""
        self.records += 1
        text = self._add(value, index)
        if text is not None:
            self.written += 1
        return text

    def _add(self, value: Any, index: int) -> str | None:
        raise NotImplementedError

    def warn(self, messages: list[str], count: int) -> None:
        """Take the reader's new warnings (its first few messages, and how many there were)."""
        self.warning_count += count
        self.warnings += messages[:max(0, MAX_WARNINGS - len(self.warnings))]

    def state(self) -> dict[str, Any]:
        return {"records": self.records, "written": self.written, "warnings": self.warnings,
                "warning_count": self.warning_count, "seconds": self.seconds}

    def extra(self) -> bytes:
        """Append-only state added since the last call (stored per step, never rewritten)."""
        return b""

    def load_extras(self, extras: list[bytes]) -> None:
        pass

    def summary(self) -> dict[str, Any]:
        return {"records_read": self.records, "records_written": self.written}

    def text(self, value: Any) -> str:
        return record_text(value, form=self.form, pretty=self.options.pretty)


class Inspect(Operation):
    name = "inspect"

    def __init__(self, options: JsonOptions, form: str, state: dict | None = None):
        super().__init__(options, form, state)
        state = state or {}
        self.inference = Inference(examples=options.examples, root=state.get("schema"),
                                   depth=int(state.get("depth", 0)))
        schema = options.parsed_schema()
        self.schema_check = (SchemaCheck(schema, options.max_errors_per_path, state.get("validation"))
                             if schema is not None else None)
        self.chat = ChatCheck(options.max_errors_per_path, state.get("chat")) if options.chat_check else None
        if self.schema_check and not state:
            self.warn(self.schema_check.warnings, len(self.schema_check.warnings))

    def _add(self, value: Any, index: int) -> None:
        self.inference.add(value)
        if self.schema_check is not None:
            self.schema_check.check(value, index)
        if self.chat is not None:
            self.chat.check(value, index)
        return None

    def state(self) -> dict[str, Any]:
        state = super().state() | {"schema": self.inference.state(), "depth": self.inference.depth}
        if self.schema_check is not None:
            state["validation"] = self.schema_check.tally.state()
        if self.chat is not None:
            state["chat"] = self.chat.state()
        return state

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"records": self.records, "max_depth": self.inference.depth,
                                   "fields": self.inference.fields(), "schema": self.inference.schema()}
        if self.schema_check is not None:
            tally = self.schema_check.tally.summary()
            invalid = tally["problems"]
            summary["validation"] = {"invalid_records": invalid, "valid_records": self.records - invalid,
                                     "by_path": tally["by_key"]}
        if self.chat is not None:
            tally = self.chat.tally.summary()
            summary["chat_format"] = {"records_with_problems": self.chat.bad, "by_problem": tally["by_key"]}
        return summary


class Clean(Operation):
    name = "clean"

    def __init__(self, options: JsonOptions, form: str, state: dict | None = None):
        super().__init__(options, form, state)
        self.cleaner = Cleaner(redact_keys=options.redact_keys)
        self.cleaner.counts.update((state or {}).get("counts", {}))

    def _add(self, value: Any, index: int) -> str:
        text = self.text(self.cleaner.clean(value))
        if self.cleaner.collisions:
            self.warn([f"Record {index + 1}: {message}" for message in self.cleaner.collisions],
                      len(self.cleaner.collisions))
            self.cleaner.collisions.clear()
        return text

    def state(self) -> dict[str, Any]:
        return super().state() | {"counts": dict(self.cleaner.counts)}

    def summary(self) -> dict[str, Any]:
        return super().summary() | {"redactions": self.cleaner.summary()}


class Convert(Operation):
    name = "convert"

    def __init__(self, options: JsonOptions, form: str, state: dict | None = None):
        super().__init__(options, form, state)
        self.duplicates = int((state or {}).get("duplicates", 0))
        self.seen: set[bytes] = set()
        self.new: list[bytes] = []

    def _add(self, value: Any, index: int) -> str | None:
        if self.options.dedupe:
            digest = canonical_digest(value)
            if digest in self.seen:
                self.duplicates += 1
                return None
            self.seen.add(digest)
            self.new.append(digest)
        return self.text(value)

    def state(self) -> dict[str, Any]:
        return super().state() | {"duplicates": self.duplicates}

    def extra(self) -> bytes:
        data, self.new = b"".join(self.new), []
        return data

    def load_extras(self, extras: list[bytes]) -> None:
        for data in extras:
            self.seen.update(data[i:i + DIGEST] for i in range(0, len(data), DIGEST))

    def summary(self) -> dict[str, Any]:
        summary = super().summary()
        if self.options.dedupe:
            summary["duplicates_removed"] = self.duplicates
        return summary


class Split(Operation):
    name = "split"

    def _add(self, value: Any, index: int) -> str:
        return self.text(value)


OPERATIONS: dict[str, type[Operation]] = {cls.name: cls for cls in (Inspect, Clean, Convert, Split)}


class ByteOperation:
    """compress/decompress: bytes in, bytes out, in fixed pieces (zstd frames of FRAME bytes of
    input for compress), so the output never depends on how the work was chunked."""

    FRAME = 2 * 1024 * 1024

    def __init__(self, options: JsonOptions, zstd: Any, state: dict | None = None):
        self.options, self.zstd = options, zstd
        state = state or {}
        self.frames = int(state.get("frames", 0))
        self.written = int(state.get("written", 0))
        self.seconds = float(state.get("seconds", 0.0))
        self.name = options.operation

    def piece(self, data: bytes, offset: int, budget: int) -> tuple[bytes, int]:
        """The output for input from `offset` (about `budget` bytes, whole frames) and the new offset."""
        if self.name == "decompress":
            end = min(len(data), offset + max(budget, 1))
            out = data[offset:end]
        else:
            pieces: list[bytes] = []
            end = offset
            while end < len(data) and (not pieces or end - offset < budget):
                pieces.append(self.zstd.compress(data[end:end + self.FRAME], self.options.level))
                end = min(len(data), end + self.FRAME)
            self.frames += len(pieces)
            out = b"".join(pieces)
        self.written += len(out)
        return out, end

    def state(self) -> dict[str, Any]:
        return {"frames": self.frames, "written": self.written, "seconds": self.seconds}

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"output_bytes": self.written}
        if self.name == "compress":
            summary |= {"level": self.options.level, "frames": self.frames, "frame_bytes": self.FRAME}
        return summary
