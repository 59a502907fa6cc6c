"""The provider section's controls as options: checkboxes, decimals, whole numbers and text, and
back; the key field is not an option (it has no data-llm-option); which tasks a key typed into the
section unlocks."""

import pytest

from dataflow.browser.llm_settings import read_controls, waiting_for_key, write_controls
from dataflow.core.model import TaskError, TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.llm.kind import LlmKind


class Control:
    def __init__(self, option, type_, value="", *, decimal=False, checked=False):
        self.dataset = type("D", (), {"llmOption": option})()
        self.type, self.value, self.checked, self.decimal = type_, value, checked, decimal

    def hasAttribute(self, name):  # noqa: N802 - the DOM's name
        return name == "data-decimal" and self.decimal


def controls():
    return [Control("base_url", "url", " http://localhost:11434/v1 "), Control("needs_key", "checkbox", checked=True),
            Control("price_in", "number", "0.15", decimal=True), Control("concurrency", "number", "8"),
            Control("max_chars", "number", ""), Control("prompt", "textarea", "Sum up {text}")]


def test_controls_are_read_as_typed_options():
    assert read_controls(controls()) == {"base_url": "http://localhost:11434/v1", "needs_key": True,
                                         "price_in": 0.15, "concurrency": 8, "max_chars": 0,
                                         "prompt": "Sum up {text}"}


def test_a_bad_number_is_a_value_error():
    with pytest.raises(ValueError):
        read_controls([Control("concurrency", "number", "many")])


def test_options_are_written_back_into_their_controls():
    written = controls()
    write_controls(written, {"needs_key": False, "price_in": 1.5, "model": "unused"})
    assert written[1].checked is False and written[2].value == "1.5" and written[0].value.strip().startswith("http")


def test_a_json_schema_is_written_back_as_indented_json_and_read_as_its_text():
    field = Control("schema", "textarea")
    write_controls([field], {"schema": {"type": "object"}})
    assert field.value == '{\n  "type": "object"\n}'
    assert read_controls([field]) == {"schema": field.value}
    write_controls([field], {"schema": None})
    assert field.value == ""


def llm_task(task_id, *, base_url="http://127.0.0.1:9/v1", status=TaskStatus.FAILED, error="SecretMissingError",
             kind="llm"):
    return TaskState(id=task_id, name=f"{task_id}.jsonl", kind=kind, status=status,
                     input={"options": {"base_url": base_url}},
                     error=TaskError(type=error, message="m") if error else None)


def test_a_key_typed_in_the_section_unlocks_the_tasks_of_that_provider_waiting_for_one():
    tasks = [llm_task("after-reload"),
             llm_task("refused", base_url="http://127.0.0.1:9/v1/", error="InvalidApiKeyError"),
             llm_task("other-provider", base_url="https://api.openai.com/v1"),
             llm_task("other-failure", error="ModelNotFoundError"), llm_task("running", status=TaskStatus.RUNNING),
             llm_task("a-pdf", kind="pdf"), llm_task("done", status=TaskStatus.COMPLETED, error=None)]
    assert waiting_for_key(tasks, LlmKind(), "http://127.0.0.1:9/v1") == ["after-reload", "refused"]
