"""The provider section's controls as options: checkboxes, decimals, whole numbers and text, and
back; the key field is not an option (it has no data-llm-option); which tasks a key typed into the
section unlocks."""

import pytest

from dataflow.browser.llm_settings import (
    LlmSettings,
    handed_over,
    mark_invalid,
    read_controls,
    same_provider,
    waiting_for_key,
    write_controls,
)
from dataflow.core.model import TaskError, TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.llm.kind import LlmKind


class Control:
    def __init__(self, option, type_, value="", *, decimal=False, checked=False, bad_input=False):
        self.dataset = type("D", (), {"llmOption": option})()
        self.type, self.value, self.checked, self.decimal = type_, value, checked, decimal
        self.validity = type("V", (), {"badInput": bad_input})()
        self.attributes = {}

    def hasAttribute(self, name):  # noqa: N802 - the DOM's name
        return name == "data-decimal" and self.decimal

    def setAttribute(self, name, value):  # noqa: N802 - the DOM's name
        self.attributes[name] = value

    def removeAttribute(self, name):  # noqa: N802 - the DOM's name
        self.attributes.pop(name, None)


def controls():
    return [Control("base_url", "url", " http://localhost:11434/v1 "), Control("needs_key", "checkbox", checked=True),
            Control("price_in", "number", "0.15", decimal=True), Control("concurrency", "number", "8"),
            Control("max_chars", "number", ""), Control("prompt", "textarea", "Sum up {text}")]


def test_controls_are_read_as_typed_options():
    assert read_controls(controls()) == {"base_url": "http://localhost:11434/v1", "needs_key": True,
                                         "price_in": 0.15, "concurrency": 8, "max_chars": None,
                                         "prompt": "Sum up {text}"}


@pytest.mark.parametrize("control, message", [
    (Control("concurrency", "number", "100000"), "^Requests in flight per task: enter a whole number from 1 to 64; "
                                                 "got 100000.$"),
    (Control("requests_per_minute", "number", "2.5"), "^Requests per minute: .*; got 2.5.$"),
    (Control("chunk_chars", "number", "1.5"), "^PDF pages: chunks of: .*; got 1.5.$"),
    (Control("price_in", "number", "", decimal=True, bad_input=True), "^Price per million tokens in: enter a number "
                                                                       "from 0 to 1,000,000; got something that is "
                                                                       "not a finite number.$"),
    (Control("price_out", "number", "1e400", decimal=True), "^Price per million tokens out: .*not a finite number.$"),
    (Control("concurrency", "number", "many"), "^Requests in flight per task: .*not a finite number.$"),
    (Control("concurrency", "number", ""), "^Requests in flight per task: enter a whole number from 1 to 64; the "
                                           "field is empty.$"),
])
def test_a_number_field_is_read_as_typed_so_the_kind_refuses_it_naming_the_field(control, message):
    with pytest.raises(ValueError, match=message):
        LlmKind().parse_options(read_controls([control]))


def test_whole_numbers_typed_with_a_point_are_whole():
    assert read_controls([Control("concurrency", "number", "8.0")]) == {"concurrency": 8}


def test_the_refused_field_alone_is_marked_invalid_with_the_message_and_cleared_when_accepted():
    fields = [Control("concurrency", "number", "100000"), Control("model", "text", "m")]
    fields[1].attributes["aria-invalid"] = "true"
    message = "Requests in flight per task: enter a whole number from 1 to 64."
    mark_invalid(fields, "concurrency", message)
    assert fields[0].attributes == {"aria-invalid": "true", "aria-description": message}
    assert fields[1].attributes == {}
    mark_invalid(fields, None)
    assert fields[0].attributes == {}


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


@pytest.mark.parametrize(("typed", "other", "same"), [
    ("http://127.0.0.1:9/v1", "http://127.0.0.1:9/v1/", True),
    (" https://api.openai.com/v1 ", "https://api.openai.com/v1", True),
    ("https://api.openai.com/v1", "https://api.groq.com/openai/v1", False), ("", "http://127.0.0.1:9/v1", False)])
def test_a_key_goes_only_to_the_provider_it_was_typed_for(typed, other, same):
    assert same_provider(typed, other) is same


URL, OTHER = "http://127.0.0.1:9/v1", "https://api.openai.com/v1"
TYPED, KEPT = {"api_key": "sk-typed"}, {"api_key": "sk-row"}


@pytest.mark.parametrize(("typed_url", "typed", "source_url", "kept", "expected"), [
    (URL, TYPED, URL, KEPT, TYPED),  # the section's key for this provider comes first
    (OTHER, TYPED, URL + "/", KEPT, KEPT),  # section set elsewhere: the key given to the earlier task
    (URL, {}, URL, KEPT, KEPT),  # nothing typed since a reload: the key typed into the earlier row
    (OTHER, TYPED, OTHER, KEPT, {}),  # the earlier task called another provider: its key stays
    (OTHER, TYPED, URL, {}, {}),  # the earlier task was given none in this page's life: the row asks
])
def test_a_retry_gets_a_key_only_for_the_provider_it_was_given_for(typed_url, typed, source_url, kept, expected):
    assert handed_over(URL, typed_url=typed_url, typed=typed, source_url=source_url, kept=kept) == expected


class Orchestrator:
    def __init__(self, secrets):
        self.secrets = secrets

    def secrets_of(self, task_id):
        return dict(self.secrets.get(task_id, {}))


class Controls:
    def __init__(self, secrets, leader=True):
        self.orchestrator, self.leader = Orchestrator(secrets), leader

    def is_leader(self):
        return self.leader


def settings_with(controls):
    return LlmSettings(kind=LlmKind(), settings=lambda: None, change=lambda settings: None, intake=None,
                       submit=lambda task, secrets: None, transport=None, clock=None, notice=lambda *a, **k: None,
                       controls=controls)


@pytest.mark.parametrize(("source", "leader", "expected"), [
    (llm_task("row-key"), True, {"api_key": "sk-row"}),
    (llm_task("row-key"), False, {}),  # another tab's memory is not this one's: a key never travels
    (llm_task("none-given"), True, {}),
    (llm_task("a-pdf", kind="pdf"), True, {}),  # a document's password is never handed over as a key
])
def test_the_key_kept_for_an_earlier_task_is_its_kinds_own_from_this_tabs_memory(source, leader, expected):
    controls = Controls({"row-key": {"api_key": "sk-row"}, "a-pdf": {"password": "pw", "api_key": "x"}}, leader)
    assert settings_with(controls)._kept(source) == expected
    assert settings_with(None)._kept(source) == {}
