"""The LLM kind's description: options, input, summary, the key it asks for, no dropped files."""

import pytest

from dataflow.core.kinds import StoredFile
from dataflow.core.model import TaskError, TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.llm.kind import LlmKind
from dataflow.executors.llm.options import LlmOptions

KIND = LlmKind()


def test_it_takes_no_dropped_file_until_the_page_wires_it():
    assert not KIND.accepts.matches("records.json", "application/json")


def test_a_task_input_references_the_file_and_carries_no_key():
    task_input = KIND.task_input(StoredFile("f1", "a.jsonl", 10, "application/jsonl"), KIND.default_options())
    assert task_input["file_id"] == "f1" and task_input["options"] == LlmOptions().to_dict()
    assert "api_key" not in repr(task_input)


def test_invalid_options_are_refused():
    with pytest.raises(ValueError):
        KIND.parse_options({"concurrency": 0})


def test_the_form_names_real_options():
    assert {field.name for field in KIND.form} <= set(LlmOptions().to_dict())


def test_the_summary_counts_records_failures_and_tokens():
    result = {"records": 12, "failed": 1, "truncated": 0, "prompt_tokens": 3456, "completion_tokens": 789,
              "cost": 0.00123}
    assert KIND.summary(result) == "12 records · 1 failed · 3,456 tokens in, 789 out · cost 0.0012"
    assert KIND.summary(None) == ""


def test_a_refused_key_makes_the_row_ask_for_one():
    task = TaskState(id="t", name="n", kind="llm", status=TaskStatus.FAILED,
                     error=TaskError(type="InvalidApiKeyError", message="m"))
    assert KIND.needs_secret(task).name == "api_key"
