"""A derived task (a document's pages to enrich) is not made twice from one source with the same options."""

import pytest

from dataflow.core.derived import SOURCE_TASK, existing_derivation, unique_name
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus

S = TaskStatus
OPTIONS = {"model": "m", "text_path": "text"}


def derived(status=S.COMPLETED, *, source="pdf1", kind="llm", options=OPTIONS, file_id="f1"):
    return TaskState(id=f"t-{status.value}-{file_id}", name="a.pages.jsonl", kind=kind, status=status,
                     input={"file_id": file_id, "options": dict(options)}, metadata={SOURCE_TASK: source})


def wanted(options=OPTIONS):
    return {"file_id": "new", "options": dict(options)}


@pytest.mark.parametrize("status", [S.PENDING, S.RUNNING, S.PAUSED, S.COMPLETED])
def test_a_second_press_with_the_same_options_finds_the_first_task(status):
    first = derived(status)
    assert existing_derivation([first], "pdf1", "llm", wanted()) is first


@pytest.mark.parametrize("status", [S.FAILED, S.CANCELLED])
def test_a_failed_or_cancelled_derivation_may_be_made_again(status):
    assert existing_derivation([derived(status)], "pdf1", "llm", wanted()) is None


@pytest.mark.parametrize("other", [
    derived(source="pdf2"), derived(kind="json"), derived(options={**OPTIONS, "model": "other"}),
    TaskState(id="plain", name="a.pages.jsonl", kind="llm", input=wanted()),
])
def test_other_sources_kinds_or_options_are_not_the_same_task(other):
    assert existing_derivation([other], "pdf1", "llm", wanted()) is None


def test_a_live_task_is_found_behind_a_failed_one():
    live = derived(S.RUNNING, file_id="f2")
    assert existing_derivation([derived(S.FAILED), live], "pdf1", "llm", wanted()) is live


def named(*names):
    return [TaskState(id=f"t{index}", name=name, kind="llm") for index, name in enumerate(names)]


@pytest.mark.parametrize(("taken", "expected"), [
    ((), "a.pages.jsonl"),
    (("b.pdf",), "a.pages.jsonl"),
    (("a.pages.jsonl",), "a.pages.jsonl (2)"),
    (("a.pages.jsonl", "a.pages.jsonl (2)"), "a.pages.jsonl (3)"),
    (("a.pages.jsonl", "a.pages.jsonl (3)"), "a.pages.jsonl (2)"),  # the first free number
])
def test_a_derived_rows_name_is_numbered_when_another_row_has_it(taken, expected):
    assert unique_name("a.pages.jsonl", named(*taken)) == expected
