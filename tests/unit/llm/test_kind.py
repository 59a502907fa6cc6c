"""The LLM kind's description: options, input, summary, the key it asks for, no dropped files (its
own file input and the Enrich action on PDF rows), the file it derives from a PDF task's pages, and
the retry of a completed enrichment's failed records (its result file with its own settings)."""

import json

import pytest

from dataflow.core.kinds import StoredFile
from dataflow.core.model import TaskError, TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.llm.kind import LlmKind, retry_name
from dataflow.executors.llm.options import LlmOptions

KIND = LlmKind()


def test_it_takes_no_dropped_file_so_json_files_stay_with_the_json_kind():
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


def test_the_summary_of_a_retry_counts_the_answers_it_kept():
    result = {"records": 12, "kept": 9, "failed": 0, "prompt_tokens": 30, "completion_tokens": 10}
    assert KIND.summary(result) == "12 records · 9 answers kept · 30 tokens in, 10 out"


def test_a_cancelled_enrichment_says_how_far_it_got_from_its_checkpoint():
    def cancelled(checkpoint):
        return TaskState(id="t", name="a.jsonl", kind="llm", status=TaskStatus.CANCELLED, checkpoint=checkpoint)

    assert KIND.cancelled_summary(cancelled({"done": 12, "failed": 3, "total": 30})) == \
        "Cancelled after 12 of 30 records · 3 failed"
    assert KIND.cancelled_summary(cancelled(None)) == ""  # cancelled before its first record


def test_an_enrichment_waiting_for_its_key_says_how_far_it_got():
    error = TaskError(type="SecretMissingError", message="m")
    waiting = TaskState(id="t", name="a.jsonl", kind="llm", status=TaskStatus.FAILED, error=error,
                        checkpoint={"done": 12, "failed": 3, "total": 30})
    assert KIND.waiting_summary(waiting) == "Stopped after 12 of 30 records · 3 failed"


def test_a_refused_key_makes_the_row_ask_for_one():
    task = TaskState(id="t", name="n", kind="llm", status=TaskStatus.FAILED,
                     error=TaskError(type="InvalidApiKeyError", message="m"))
    assert KIND.needs_secret(task).name == "api_key"


def _view(pages):
    from dataflow.core.views import Pages, ResultView

    async def read(number):
        return pages[number - 1]
    return ResultView(title="doc", blocks=(Pages("Text", len(pages), read, lambda n: ""),))


async def test_a_pdf_tasks_pages_become_a_jsonl_file_whose_text_field_is_text():
    kind = LlmKind()
    task = TaskState(id="t", name="report.pdf", kind="pdf")
    made = await kind.derive(task, _view(["one", "two", None]), kind.parse_options({"text_path": "x.y"}))
    lines = [json.loads(line) for line in made.data.decode().splitlines()]
    assert made.name == "report.pages.jsonl" and lines == [{"page": 1, "text": "one"}, {"page": 2, "text": "two"},
                                                          {"page": 3, "text": ""}]
    assert made.options["text_path"] == "text" and kind.offer(task) == "Enrich"
    chunked = await kind.derive(task, _view(["abcdef", "gh"]), kind.parse_options({"chunk_chars": 4}))
    assert chunked.name == "report.chunks.jsonl" and len(chunked.data.decode().splitlines()) == 3


async def test_a_result_without_text_cannot_be_enriched():
    from dataflow.core.views import ResultView

    kind, task = LlmKind(), TaskState(id="t", name="pictures.pdf", kind="pdf")
    with pytest.raises(ValueError, match="no text to enrich"):
        await kind.derive(task, ResultView(title="x", blocks=()), kind.default_options())
    with pytest.raises(ValueError, match="pages hold no text"):
        await kind.derive(task, _view(["", "  "]), kind.default_options())


def test_a_completed_enrichment_offers_its_records_then_its_summary():
    result = {"result_key": "result:t", "filename": "a.enriched.jsonl", "summary_key": "result:t:summary.md",
              "summary_filename": "a.summary.md"}
    task = TaskState(id="t", name="a.jsonl", kind="llm", status=TaskStatus.COMPLETED, result=result)
    found = KIND.downloads(task)
    assert [(item.key, item.filename, item.label) for item in found] == [
        ("result:t", "a.enriched.jsonl", "Download"), ("result:t:summary.md", "a.summary.md", "Download summary")]
    older = TaskState(id="t", name="a.jsonl", kind="llm", status=TaskStatus.COMPLETED,
                      result={"result_key": "result:t", "filename": "a.enriched.jsonl"})
    assert [item.label for item in KIND.downloads(older)] == ["Download"]


def test_the_forms_json_schema_text_becomes_the_schema_the_answer_must_follow():
    typed = KIND.parse_options({"prompt": "Topic of {text}", "schema": '{"type": "object", "required": ["topic"]}'})
    assert typed.schema == {"type": "object", "required": ["topic"]}
    assert KIND.parse_options({"prompt": "x {text}", "schema": "  \n"}).schema is None
    assert KIND.parse_options(typed.to_dict()).schema == typed.schema  # saved settings: already JSON


@pytest.mark.parametrize("text, reason", [('{"type": "object",', "not valid JSON"),
                                          ("[1, 2]", "must be a JSON object"),
                                          ('{"type": "object", "oneOf": []}', "uses oneOf")])
def test_a_schema_that_is_not_a_usable_json_schema_is_refused_with_its_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        KIND.parse_options({"prompt": "x {text}", "schema": text})


class StoredResult:
    """A ResultSource over bytes (the stored result file)."""

    def __init__(self, data: bytes):
        self.data = data

    async def whole(self) -> bytes:
        return self.data


def enrichment(failed: int, **result) -> TaskState:
    options = LlmOptions(base_url="http://127.0.0.1:9/v1", model="m", text_path="body", output_format="json",
                         concurrency=2).to_dict()
    return TaskState(id="t", name="a.json", kind="llm", status=TaskStatus.COMPLETED,
                     input={"file_id": "f", "file_name": "a.json", "name": "a.json", "options": options},
                     result={"result_key": "result:t", "filename": "a.enriched.json", "records": 5,
                             "failed": failed, **result})


@pytest.mark.parametrize(("failed", "label"), [(3, "Retry 3 failed records"), (1, "Retry 1 failed record"),
                                               (0, "")])
def test_a_completed_enrichment_offers_to_retry_its_failed_records_and_nothing_when_none_failed(failed, label):
    assert KIND.offer(enrichment(failed)) == label
    assert KIND.offer(TaskState(id="p", name="r.pdf", kind="pdf")) == "Enrich"
    assert KIND.offer(TaskState(id="j", name="r.json", kind="json")) == ""


def test_an_enrichment_whose_result_file_is_gone_offers_no_retry():
    task = enrichment(2)
    task.result.pop("result_key")
    assert KIND.offer(task) == ""


async def test_a_retry_is_the_result_file_as_it_is_with_the_tasks_own_settings_and_only_failures_sent():
    data = b'[{"body": "x", "llm": {"_error": "HTTP 400"}}]\n'
    made = await KIND.derive(enrichment(1), None, KIND.parse_options({"model": "another"}), StoredResult(data))
    assert (made.name, made.data, made.mime) == ("a.enriched.json", data, "application/json")
    assert made.task_name == "a.enriched.json · retry 1"
    options = KIND.parse_options(made.options)
    assert options.retry_failed and (options.model, options.text_path, options.concurrency) == ("m", "body", 2)


async def test_an_enrichment_without_failures_cannot_be_retried():
    with pytest.raises(ValueError, match="no record of a.json failed"):
        await KIND.derive(enrichment(0), None, KIND.default_options(), StoredResult(b"[]"))


@pytest.mark.parametrize(("source", "expected"), [
    ("a.json", "a.enriched.json · retry 1"),  # a full run's result
    ("a.enriched.json", "a.enriched.json · retry 1"),  # a retry named before rounds were counted
    ("a.enriched.json · retry 1", "a.enriched.json · retry 2"),
    ("a.enriched.json · retry 9", "a.enriched.json · retry 10"),
    ("a.enriched.json · retry 2 (2)", "a.enriched.json · retry 3"),  # a sibling the app numbered
    ("b.enriched.json · retry 4", "a.enriched.json · retry 1"),  # another file's rounds are not this one's
])
def test_a_retry_of_a_retry_is_named_for_its_round_and_keeps_the_results_file_name(source, expected):
    assert retry_name("a.enriched.json", source) == expected


async def test_retrying_a_retry_makes_the_next_round_of_the_same_file():
    task = enrichment(1)
    task.name = "a.enriched.json · retry 1"
    made = await KIND.derive(task, None, KIND.default_options(), StoredResult(b"[]"))
    assert (made.name, made.task_name) == ("a.enriched.json", "a.enriched.json · retry 2")
