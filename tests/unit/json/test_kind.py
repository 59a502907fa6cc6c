"""The JSON kind as the generic app sees it: the files it takes, its options form, task input, claims, row summary."""

import pytest

from dataflow.core.kinds import KindRegistry, StoredFile
from dataflow.core.model import TaskState
from dataflow.core.status import TaskStatus
from dataflow.executors.json.kind import JsonKind
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.pdf.kind import PdfKind


@pytest.mark.parametrize("name,mime", [("a.json", ""), ("a.JSONL", ""), ("a.ndjson", ""), ("a.jsonl.zst", ""),
                                       ("export", "application/json")])
def test_json_jsonl_ndjson_and_zst_files_go_to_the_json_kind_beside_pdf(name, mime):
    registry = KindRegistry()
    registry.register(PdfKind())
    registry.register(JsonKind())
    assert registry.for_file(name, mime).kind == "json"
    assert registry.for_file("a.pdf", "application/pdf").kind == "pdf"


def test_every_form_field_is_an_option_and_its_choices_parse():
    kind = JsonKind()
    names = set(JsonOptions().to_dict())
    for field in kind.form:
        assert field.name in names
        for value, _ in field.choices:
            assert getattr(kind.parse_options({field.name: value}), field.name) is not None


def test_the_records_path_and_schema_are_text_fields_and_an_invalid_schema_is_refused_with_its_reason():
    fields = {field.name: field for field in JsonKind().form}
    assert (fields["records_path"].control, fields["schema"].control) == ("text", "textarea")
    kind = JsonKind()
    values = {"records_path": fields["records_path"].parse("/data/items"), "schema": fields["schema"].parse(" ")}
    assert kind.parse_options(values).records_path == "/data/items" and kind.parse_options(values).schema is None
    with pytest.raises(ValueError, match="the schema is not valid JSON: Expecting"):
        kind.parse_options({"schema": fields["schema"].parse('{"type": ')})
    with pytest.raises(ValueError, match="JSON Pointer"):
        kind.parse_options({"records_path": fields["records_path"].parse("data.items")})


def test_yes_no_from_the_form_become_booleans_and_saved_options_round_trip():
    kind = JsonKind()
    options = kind.parse_options({"operation": "convert", "pretty": "True", "dedupe": "False", "output_format": "json"})
    assert options.pretty is True and options.dedupe is False
    assert kind.parse_options(options.to_dict()) == options
    with pytest.raises(ValueError, match="level"):
        kind.parse_options({"level": 23})


def test_a_task_input_references_the_stored_file_never_its_bytes():
    data = JsonKind().task_input(StoredFile("f1", "d.json", 12, "application/json"), JsonOptions(operation="split"))
    options = JsonOptions(operation="split").to_dict()
    assert data == {"file_id": "f1", "file_name": "d.json", "size": 12, "options": options}


def test_a_completed_task_claims_its_result_report_and_file():
    task = TaskState(id="t1", name="d.json", kind="json", status=TaskStatus.COMPLETED, input={"file_id": "f1"},
                     result={"result_key": "result:t1:r1"})
    claims = JsonKind().blob_claims(task)
    assert claims.covers("result:t1:r1:report.json") and claims.covers("file:f1")
    assert not claims.covers("part:t1:out:000000")


def test_a_completed_task_offers_its_data_then_its_report_and_an_unfinished_one_nothing():
    result = {"result_key": "result:t1:r1", "filename": "d.jsonl", "report_key": "result:t1:r1:report.json",
              "report_filename": "d.jsonl.report.json"}
    task = TaskState(id="t1", name="d.json", kind="json", status=TaskStatus.COMPLETED, result=result)
    assert [(d.key, d.filename, d.label) for d in JsonKind().downloads(task)] == [
        ("result:t1:r1", "d.jsonl", "Download"), ("result:t1:r1:report.json", "d.jsonl.report.json", "Download report")]
    assert JsonKind().download(task).filename == "d.jsonl"
    assert JsonKind().downloads(TaskState(id="t2", name="d.json", kind="json")) == []


def test_the_row_summary_names_the_operation_records_size_and_first_warning():
    summary = JsonKind().summary({"operation": "convert", "records": 1000, "size": 2048,
                                  "warnings": ["Record 1 repeats the key 'id'.", "other"]})
    assert summary == ("Converted · 1,000 records · output 2.0 KB · Record 1 repeats the key 'id'. "
                       "(and 1 more in report.json)")
    assert JsonKind().summary(None) == ""
    assert JsonKind().summary({"operation": "inspect", "records": 2, "records_path": "/data"}) == \
        "Inspected · 2 records · records at /data"


def test_the_row_summary_says_the_size_is_the_reports_after_an_inspection():
    summary = JsonKind().summary({"operation": "inspect", "records": 2, "size": 1741})
    assert summary == "Inspected · 2 records · report 1.7 KB"
