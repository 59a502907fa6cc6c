"""Which files a kind's command-line options apply to: refused when none of the files given is of a
kind the option belongs to, noted once for the files it skips in a mixed run."""

import argparse
from pathlib import Path

import pytest

from dataflow.native.batch import NATIVE, Source, UsageError
from dataflow.native.cli import build_parser, plan_run
from dataflow.native.option_scope import given_options, scope_notices


def args_of(*argv: str) -> argparse.Namespace:
    return build_parser(with_temporal=False).parse_args(["run", "x", "--out", "o", *argv])


def source(name: str, kind: str) -> Source:
    return Source(path=Path.cwd() / name, kind=kind, size=1, mtime_ns=0)


PDF, JSON = source("a.pdf", "pdf"), source("b.json", "json")
JSON_FILES = "JSON files (.json, .jsonl, .ndjson, and the same as .zst)"


def test_given_options_name_each_option_as_typed_with_the_kinds_that_declare_it():
    given = given_options(args_of("--mode", "images", "--no-pretty", "--schema", "s.json", "--password", "x",
                                  "--workers", "1"), NATIVE)
    assert [(option.flag, option.kinds) for option in given] == [
        ("--mode", ("pdf",)), ("--password", ("pdf",)), ("--no-pretty", ("json",)), ("--schema", ("json",))]


def test_options_left_out_are_not_given_whatever_their_defaults():
    assert given_options(args_of(), NATIVE) == []


def test_an_option_that_applies_to_none_of_the_files_is_refused_naming_it_and_its_kinds():
    with pytest.raises(UsageError) as refused:
        scope_notices(given_options(args_of("--mode", "images"), NATIVE), [JSON], NATIVE)
    assert str(refused.value) == ("--mode applies only to PDF files (.pdf), and none of the files given is one "
                                  "(1 JSON file). Leave it out, or give such files.")


def test_every_option_that_applies_to_no_file_is_named_in_one_message():
    given = given_options(args_of("--max-images", "2", "--format", "json", "--password", "x"), NATIVE)
    with pytest.raises(UsageError) as refused:
        scope_notices(given, [JSON, source("c.jsonl", "json")], NATIVE)
    assert str(refused.value).startswith("--max-images, --format and --password apply only to PDF files (.pdf), "
                                         "and none of the files given is one (2 JSON files).")


def test_an_option_for_some_files_is_noted_once_with_the_files_it_does_not_apply_to():
    given = given_options(args_of("--schema", "s.json", "--operation", "inspect", "--mode", "text"), NATIVE)
    notes = scope_notices(given, [PDF, JSON, source("c.json", "json")], NATIVE)
    assert notes == [
        "--mode applies only to PDF files (.pdf): not used for 2 JSON files (b.json, c.json).",
        f"--operation and --schema apply only to {JSON_FILES}: not used for 1 PDF (a.pdf)."]


def test_a_long_list_of_files_not_applied_to_is_cut_short():
    jsons = [source(f"d{index}.json", "json") for index in range(12)]
    notes = scope_notices(given_options(args_of("--mode", "text"), NATIVE), [PDF, *jsons], NATIVE)
    assert notes == ["--mode applies only to PDF files (.pdf): not used for 12 JSON files "
                     "(d0.json, d1.json, d2.json, d3.json, d4.json and 7 more)."]


def test_options_that_apply_to_every_file_say_nothing():
    assert scope_notices(given_options(args_of("--mode", "text", "--password", "x"), NATIVE), [PDF], NATIVE) == []


def test_a_run_of_json_files_with_a_pdf_option_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("b.json").write_text("[]")
    args = build_parser(with_temporal=False).parse_args(["run", "b.json", "--out", "out", "--mode", "images"])
    with pytest.raises(UsageError, match=r"^--mode applies only to PDF files"):
        plan_run(args)
    assert not Path("out").exists()


def test_a_mixed_run_uses_each_option_for_its_kind_and_notes_the_rest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("a.pdf").write_bytes(b"%PDF-1.4")
    Path("b.json").write_text("[]")
    Path("s.json").write_text('{"type": "object"}')
    args = build_parser(with_temporal=False).parse_args(
        ["run", "a.pdf", "b.json", "--out", "out", "--schema", "s.json", "--mode", "images"])
    plan = plan_run(args)
    assert plan.options["pdf"].mode == "images" and plan.options["json"].schema == '{"type": "object"}'
    assert plan.notices == ["--mode applies only to PDF files (.pdf): not used for 1 JSON file (b.json).",
                            f"--schema applies only to {JSON_FILES}: not used for 1 PDF (a.pdf)."]


def test_temporal_submit_refuses_an_option_for_none_of_its_files_before_it_connects(tmp_path):
    pytest.importorskip("temporalio")
    from rich.console import Console

    from dataflow.native.cli import main

    (tmp_path / "b.json").write_text("[]")
    console = Console(record=True, width=300, force_terminal=False)
    code = main(["temporal", "submit", str(tmp_path / "b.json"), "--out", str(tmp_path / "out"),
                 "--address", "127.0.0.1:1", "--format", "json"], console=console)
    assert code == 2
    assert console.export_text().startswith("dataflow: --format applies only to PDF files (.pdf), and none")
