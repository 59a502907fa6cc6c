"""Record checks for Inspect: validation against the user's JSON Schema (fastjsonschema, a pure
wheel: vendored for the browser by version and sha256 in requirements-browser.txt) and the chat
fine-tuning format (`messages` with roles and content). Both keep the first N problems per
category and count the rest. Executors ring: standard library and fastjsonschema."""

from __future__ import annotations

from typing import Any

from dataflow.executors.json.schema_rules import compile_schema, fastjsonschema

NEWER_DRAFTS = ("2019-09", "2020-12")
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})


class Tally:
    """Problems grouped by a key: the first `keep` examples of each, and a count of all."""

    def __init__(self, keep: int, state: dict | None = None):
        self.keep = keep
        self.groups: dict[str, dict[str, Any]] = (state or {}).get("groups", {})

    def add(self, key: str, example: Any) -> None:
        group = self.groups.setdefault(key, {"count": 0, "examples": []})
        group["count"] += 1
        if len(group["examples"]) < self.keep:
            group["examples"].append(example)

    def state(self) -> dict[str, Any]:
        return {"groups": self.groups}

    def summary(self) -> dict[str, Any]:
        """{"records_with_errors": n, "by_key": {key: {"count", "examples", "more"}}} in key order."""
        by_key = {key: {"count": g["count"], "examples": g["examples"], "more": g["count"] - len(g["examples"])}
                  for key, g in sorted(self.groups.items())}
        return {"problems": sum(g["count"] for g in self.groups.values()), "by_key": by_key}


class SchemaCheck:
    """Validates records against a JSON Schema; each invalid record counts once, under the field
    path of its first error (fastjsonschema stops at the first)."""

    def __init__(self, schema: dict | bool, keep: int, state: dict | None = None):
        self.exception = fastjsonschema().JsonSchemaValueException  # ValidatorUnavailableError without it
        self.validate = compile_schema(schema)  # SchemaError when it cannot be compiled
        self.tally = Tally(keep, state)
        declared = str(schema.get("$schema", "")) if isinstance(schema, dict) else ""
        self.warnings = [f"The schema declares {declared}; fastjsonschema checks drafts 4, 6 and 7, so keywords "
                         "new in 2019-09/2020-12 are not checked."] if any(d in declared for d in NEWER_DRAFTS) else []

    def check(self, record: Any, index: int) -> None:
        try:
            self.validate(record)
        except self.exception as error:
            path = "$" + str(error.name)[4:] if str(error.name).startswith("data") else str(error.name)
            self.tally.add(path, {"record": index + 1, "message": str(error.message).replace("data", "$", 1)})


class ChatCheck:
    """The chat fine-tuning format: a `messages` list of objects with a known `role` and a
    `content`, with at least one assistant message (OpenAI's fine-tuning data checks)."""

    def __init__(self, keep: int, state: dict | None = None):
        self.tally = Tally(keep, state)
        self.bad = int((state or {}).get("bad", 0))

    def check(self, record: Any, index: int) -> None:
        problems = chat_problems(record)
        self.bad += bool(problems)
        for problem in problems:
            self.tally.add(problem, index + 1)

    def state(self) -> dict[str, Any]:
        return self.tally.state() | {"bad": self.bad}


def chat_problems(record: Any) -> list[str]:
    """The categories this record falls into: missing_messages, message_not_object, unknown_role,
    missing_content, no_assistant_message (empty when it is a good example)."""
    messages = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(messages, list) or not messages:
        return ["missing_messages"]
    problems: list[str] = []
    assistant = False
    for message in messages:
        if not isinstance(message, dict):
            problems.append("message_not_object")
            continue
        role = message.get("role")
        if role not in ROLES:
            problems.append("unknown_role")
        assistant = assistant or role == "assistant"
        content = message.get("content")
        calls = message.get("tool_calls") or message.get("function_call")
        if not (isinstance(content, (str, list)) and content) and not (role == "assistant" and calls):
            problems.append("missing_content")
    if not assistant:
        problems.append("no_assistant_message")
    return sorted(set(problems))
