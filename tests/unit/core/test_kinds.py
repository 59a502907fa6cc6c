"""The registry of kinds: which kind takes a file, what the page says it takes, the defaults a
kind gets, and the task that says a file is not taken."""

import pytest

from dataflow.core.errors import FileNotSavedError, UnsupportedFileError
from dataflow.core.kinds import (
    UNSAVED,
    Accepts,
    Companion,
    Derivation,
    ExecutorKind,
    KindRegistry,
    OptionField,
    SecretPrompt,
    refuse_unsaved,
    refuse_unsupported,
    unsaved_input,
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


async def test_a_file_not_saved_before_a_reload_fails_naming_it_and_claims_no_blob(kinds):
    with pytest.raises(FileNotSavedError, match=r"^a b\.pdf was not saved before the page was reloaded; add it again"):
        await refuse_unsaved(unsaved_input("a b.pdf"), None)
    assert kinds.claims(TaskState(id="u", name="a b.pdf", kind=UNSAVED, metadata={"file_id": "f"})).keys == frozenset()


def test_a_refused_files_message_shows_its_bidi_controls_and_keeps_the_name_as_it_is(kinds):
    name = "invoice\u202efdp.exe.pdf"
    for refused in (unsaved_input(name), unsupported_input(name, kinds.accepted_label())):
        assert refused["file_name"] == name and "\u202e" not in refused["message"]
        assert refused["message"].startswith("invoice⟨U+202E⟩fdp.exe.pdf ")


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), (" 42 ", 42), ("10000", 10_000)])
def test_a_whole_number_field_takes_numbers_within_its_bounds(raw, expected):
    assert OptionField("max_images", "Maximum images", minimum=0, maximum=10_000).parse(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", "99999", "-1", "2.5", "ten", "1e3"])
def test_a_whole_number_field_refuses_empty_fractional_and_out_of_range_text_with_its_message(raw):
    field = OptionField("max_images", "Maximum images", minimum=0, maximum=10_000)
    with pytest.raises(ValueError) as refused:
        field.parse(raw)
    assert str(refused.value) == "Maximum images: enter a whole number from 0 to 10,000."


def test_a_field_without_an_upper_bound_says_at_least():
    assert OptionField("n", "Records", minimum=1).message() == "Records: enter a whole number of at least 1."


def test_text_fields_keep_their_text_and_empty_text_means_none():
    line, lines = OptionField("path", "Path", text="line"), OptionField("schema", "Schema", text="lines")
    assert (line.control, lines.control) == ("text", "textarea")
    assert line.parse("/data/items") == "/data/items"
    assert lines.parse('{\n "type": "object"}') == '{\n "type": "object"}'
    assert line.parse("") is None and lines.parse("  \n") is None


def test_a_choice_is_taken_as_it_is_and_an_unknown_text_style_is_refused():
    assert OptionField("mode", "Mode", choices=(("a", "A"),)).parse("a") == "a"
    with pytest.raises(ValueError, match="'line', 'lines' or empty"):
        OptionField("x", "X", text="paragraph")


def test_by_default_a_kind_offers_its_one_result_file_as_download():
    task = TaskState(id="t", name="a.csv", kind="csv", status=TaskStatus.COMPLETED,
                     result={"result_key": "result:t", "filename": "a.json"})
    assert [(d.key, d.filename, d.label) for d in CsvKind().downloads(task)] == [("result:t", "a.json", "Download")]
    assert CsvKind().downloads(TaskState(id="u", name="b.csv", kind="csv")) == []


def test_a_companion_file_the_result_names_is_offered_after_the_main_one():
    class ReportingKind(CsvKind):
        companion = Companion("report_key", "report_filename", "report.json", "Download report")

    def task(**result):
        return TaskState(id="t", name="a.csv", kind="csv", status=TaskStatus.COMPLETED,
                         result={"result_key": "result:t", "filename": "a.json", **result})
    found = ReportingKind().downloads(task(report_key="result:t:report", report_filename="a.report.json"))
    assert [(d.key, d.filename, d.label) for d in found] == [("result:t", "a.json", "Download"),
                                                            ("result:t:report", "a.report.json", "Download report")]
    assert [d.filename for d in ReportingKind().downloads(task(report_key="k"))] == ["a.json", "report.json"]
    assert [d.label for d in ReportingKind().downloads(task())] == ["Download"]  # the result names none


def test_the_intake_heading_names_every_kinds_files():
    registry = KindRegistry()
    assert registry.intake_title() == "Add files"
    registry.register(CsvKind())
    assert registry.intake_title() == "Add files"  # a kind without a noun
    pdf, json_kind = ExecutorKind(), ExecutorKind()
    pdf.kind, pdf.noun, json_kind.kind, json_kind.noun = "pdf", "PDF", "json", "JSON file"
    registry.register(pdf)
    registry.register(json_kind)
    assert registry.intake_title() == "Add PDFs or JSON files"
    records = ExecutorKind()
    records.kind, records.noun = "llm", "record file"
    registry.register(records)
    assert registry.intake_title() == "Add PDFs, JSON files or record files"


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


class RetryKind(ExecutorKind):
    """Offers a retry on its own completed tasks whose result says some items failed."""

    kind = "retry"
    derivation = Derivation("Retry", frozenset({"retry", "pages"}))

    def has_view(self, task):
        return True

    def offer(self, task):
        if task.kind == self.kind:
            return f"Retry {task.result['failed']} failed" if task.result.get("failed") else ""
        return super().offer(task)


@pytest.mark.parametrize(("kind", "result", "offered", "label"), [
    ("retry", {"failed": 2}, ["retry"], "Retry 2 failed"), ("retry", {"failed": 0}, [], ""),
    ("pages", {}, ["enrich", "retry"], "Enrich")])
def test_a_kind_may_offer_its_action_on_its_own_tasks_with_a_label_of_that_task(kind, result, offered, label):
    registry = KindRegistry()
    for registered in (PagesKind(), EnrichKind(), RetryKind()):
        registry.register(registered)
    task = TaskState(id="t", name="a", kind=kind, status=TaskStatus.COMPLETED, result=result)
    found = registry.derivations(task)
    assert [item.kind for item in found] == offered
    assert (found[0].offer(task) if found else "") == label


async def test_a_kind_without_a_derivation_refuses_to_derive():
    with pytest.raises(ValueError, match="cannot be made from other tasks"):
        await CsvKind().derive(TaskState(id="t", name="a", kind="pages"), None, None)


def test_a_kind_that_takes_no_dropped_file_is_not_named_among_the_files_taken(kinds):
    kinds.register(EnrichKind())
    assert kinds.accepted_label() == "CSV files (.csv) or JSON files (.json, .jsonl)"


@pytest.mark.parametrize(("label", "noun"), [("API key", "API key"), ("Password", "password"), ("PIN", "PIN")])
def test_a_secret_is_named_in_a_sentence_by_its_label(label, noun):
    prompt = SecretPrompt(name="secret_name", label=label, placeholder="", submit="Use")
    assert prompt.noun == noun
    message = prompt.missing_message()
    assert message.startswith(f"This task needs its {noun} again:")
    assert f"Enter the {noun} to continue." in message and "secret_name" not in message
