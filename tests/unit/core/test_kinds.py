"""The registry of kinds: which kind takes a file, what the page says it takes, the defaults a
kind gets, and the task that says a file is not taken."""

import pytest

from dataflow.core.errors import UnsupportedFileError
from dataflow.core.kinds import (
    Accepts,
    Derivation,
    ExecutorKind,
    KindRegistry,
    refuse_unsupported,
    unsupported_input,
)
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus


class CsvKind(ExecutorKind):
    kind = "csv"
    accepts = Accepts(("text/csv",), (".csv",), "CSV files (.csv)")


class JsonKind(ExecutorKind):
    kind = "json"
    accepts = Accepts(("application/json",), (".json", ".jsonl"), "JSON files (.json, .jsonl)")


@pytest.fixture
def kinds():
    registry = KindRegistry()
    registry.register(CsvKind())
    registry.register(JsonKind())
    return registry


@pytest.mark.parametrize(("name", "mime", "kind"), [
    ("a.csv", "", "csv"), ("A.JSONL", "", "json"), ("export", "text/csv", "csv"), ("x.txt", "text/plain", None)])
def test_a_file_goes_to_the_first_kind_that_takes_it(kinds, name, mime, kind):
    found = kinds.for_file(name, mime)
    assert (found.kind if found else None) == kind


def test_the_page_says_which_files_it_takes(kinds):
    assert kinds.accepted_label() == "CSV files (.csv) or JSON files (.json, .jsonl)"
    assert kinds.accept_attribute() == "text/csv,.csv,application/json,.json,.jsonl"


def test_a_kind_is_registered_once_and_must_be_named(kinds):
    with pytest.raises(ValueError, match="already registered"):
        kinds.register(CsvKind())
    with pytest.raises(ValueError, match="no kind name"):
        kinds.register(ExecutorKind())


def test_by_default_a_task_owns_its_file_parts_and_result_and_downloads_its_result_key():
    task = TaskState(id="t", name="a.csv", kind="csv", metadata={"file_id": "f"},
                     result={"result_key": "result:t", "filename": "a.json"})
    assert sorted(CsvKind().owned_blobs(task)) == ["file:f", "part:t:", "result:t"]
    download = CsvKind().download(task)
    assert (download.key, download.filename) == ("result:t", "a.json")
    assert CsvKind().download(TaskState(id="u", name="b.csv", kind="csv")) is None


async def test_an_unsupported_file_fails_with_the_list_of_files_taken(kinds):
    with pytest.raises(UnsupportedFileError, match="x.txt is not a file this app can process. It takes CSV"):
        await refuse_unsupported(unsupported_input("x.txt", kinds.accepted_label()), None)


class PagesKind(ExecutorKind):
    kind = "pages"
    accepts = Accepts((), (".pages",), "pages")

    def has_view(self, task):
        return True


class EnrichKind(ExecutorKind):
    kind = "enrich"
    derivation = Derivation("Enrich", frozenset({"pages"}))


@pytest.mark.parametrize(("kind", "status", "offered"), [
    ("pages", "completed", ["enrich"]), ("pages", "running", []), ("csv", "completed", []),
    ("nobody", "completed", [])])
def test_a_kind_offers_its_derivation_on_completed_viewable_tasks_of_its_sources(kind, status, offered):
    registry = KindRegistry()
    for registered in (CsvKind(), PagesKind(), EnrichKind()):
        registry.register(registered)
    task = TaskState(id="t", name="a", kind=kind, status=TaskStatus(status))
    assert [found.kind for found in registry.derivations(task)] == offered


async def test_a_kind_without_a_derivation_refuses_to_derive():
    with pytest.raises(ValueError, match="cannot be made from other tasks"):
        await CsvKind().derive(TaskState(id="t", name="a", kind="pages"), None, None)


def test_a_kind_that_takes_no_dropped_file_is_not_named_among_the_files_taken(kinds):
    kinds.register(EnrichKind())
    assert kinds.accepted_label() == "CSV files (.csv) or JSON files (.json, .jsonl)"
