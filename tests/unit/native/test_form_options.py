"""Command-line options made from a kind's form: one option per field of the page's JSON form, with
the page's names, defaults and messages, and the kind's own rules across fields."""

import argparse

import pytest

from dataflow.executors.json.kind import JsonKind
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.pdf.kind import PdfKind
from dataflow.native.batch import UsageError
from dataflow.native.form_options import add_form_options, flag, options_from

KIND = JsonKind()


def parse(*argv: str):
    parser = argparse.ArgumentParser()
    add_form_options(parser, KIND, title="JSON")
    return options_from(parser.parse_args(list(argv)), KIND)


def test_every_field_of_the_pages_form_is_an_option_and_nothing_else():
    parser = argparse.ArgumentParser()
    add_form_options(parser, KIND, title="JSON")
    options = {option for action in parser._actions for option in action.option_strings} - {"-h", "--help"}
    expected = {flag(field) for field in KIND.form}
    yes_no = {"--pretty", "--dedupe", "--chat-check", "--redact-keys"}
    assert options == expected | {"--no-" + name[2:] for name in yes_no}
    assert {field.name for field in KIND.form} <= set(JsonOptions().to_dict())


def test_no_option_given_is_the_pages_untouched_form():
    assert parse() == KIND.default_options() == JsonOptions()


def test_each_kind_of_field_reaches_the_options():
    options = parse("--operation", "split", "--records-path", "/data/items", "--output-format", "jsonl",
                    "--split-size", "20", "--level", "3", "--dedupe", "--no-pretty", "--chat-check", "--redact-keys")
    assert options == JsonOptions(operation="split", records_path="/data/items", output_format="jsonl", split_size=20,
                                  level=3, dedupe=True, pretty=False, chat_check=True, redact_keys=True)
    assert options.schema is None


def test_the_schema_is_read_from_a_file(tmp_path):
    path = tmp_path / "schema.json"
    path.write_text('{"type": "object", "required": ["id"]}')
    assert parse("--schema", str(path)).schema == '{"type": "object", "required": ["id"]}'
    with pytest.raises(UsageError, match=r"--schema: cannot read .*nope.json: No such file"):
        parse("--schema", str(tmp_path / "nope.json"))
    path.write_text("{not json")
    with pytest.raises(UsageError, match=r"^--schema: .*: the schema is not valid JSON"):
        parse("--schema", str(path))


@pytest.mark.parametrize(("schema", "message"), [
    ('{"required": 5}', '"required" at /required must be array; got 5'),
    ('{"type": "strin"}', '"type" at /type must be one of "array"'),
    ('{"properties": []}', '"properties" at /properties must be object; got []'),
])
def test_a_schema_file_breaking_its_meta_schema_is_refused_before_any_task(tmp_path, schema, message):
    pytest.importorskip("fastjsonschema")
    path = tmp_path / "schema.json"
    path.write_text(schema)
    with pytest.raises(UsageError, match="^--schema: JSON Schema to validate records \\(Inspect\\): ") as refused:
        parse("--schema", str(path))
    assert message in str(refused.value) and "draft-07's meta-schema" in str(refused.value)


@pytest.mark.parametrize(("argv", "message"), [
    (["--split-size", "0"], "--split-size: Records per file: enter a whole number from 1 to 1,000,000."),
    (["--level", "x"], "--level: zstd level (higher is slower): enter a whole number from 1 to 22."),
    (["--records-path", "data"], "--records-path: Records path (JSON Pointer): enter a JSON Pointer"),
    (["--pretty", "--output-format", "jsonl"], "--pretty: Pretty print: pretty printing applies to JSON arrays"),
])
def test_a_value_the_page_refuses_is_one_line_naming_the_option(argv, message):
    with pytest.raises(UsageError) as refused:
        parse(*argv)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("mode", "everything", "--mode: Extract: choose one of text, images, complete; got 'everything'."),
    ("format", "tar", "--format: Output: choose one of zip, json; got 'tar'."),
])
def test_a_pdf_value_the_kind_refuses_names_the_option_and_the_pages_label(name, value, message):
    kind = PdfKind()  # argparse's choices stop these first; the kind's own wording is what a bypass meets
    with pytest.raises(UsageError) as refused:
        options_from(argparse.Namespace(**{f"pdf_{name}": value}), kind)
    assert str(refused.value) == message


def check_used(*argv: str):
    from dataflow.executors.json.service import RELEVANT_OPTIONS
    from dataflow.native.form_options import refuse_unused

    parser = argparse.ArgumentParser()
    add_form_options(parser, KIND, title="JSON")
    args = parser.parse_args(list(argv))
    refuse_unused(args, options_from(args, KIND), KIND, selector="operation", used_by=RELEVANT_OPTIONS)


@pytest.mark.parametrize(("argv", "message"), [
    (["--operation", "clean", "--dedupe"], "--dedupe does nothing with --operation clean: it is used by --operation "
                                           "convert. Leave it out, or choose that operation."),
    (["--dedupe"], "--dedupe does nothing with --operation inspect (the default): it is used by --operation convert."),
    (["--operation", "clean", "--level", "3"], "--level does nothing with --operation clean: it is used by "
                                               "--operation compress."),
    (["--operation", "compress", "--records-path", "/items"], "--records-path does nothing with --operation compress: "
                                                              "it is used by --operation inspect, clean, split or "
                                                              "convert. Leave it out, or choose one of those "
                                                              "operations."),
])
def test_an_option_the_chosen_operation_does_not_use_is_refused_naming_both(argv, message):
    with pytest.raises(UsageError) as refused:
        check_used(*argv)
    assert str(refused.value).startswith(message)


def test_options_the_operation_uses_or_left_at_their_default_pass():
    check_used("--operation", "convert", "--dedupe", "--pretty", "--output-format", "json")
    check_used("--operation", "clean", "--no-dedupe", "--level", "19", "--redact-keys")
    check_used()
