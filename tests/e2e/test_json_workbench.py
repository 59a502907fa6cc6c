"""The JSON workbench through the UI: each operation on a generated file, compared byte for byte with
the same service under CPython; a reload mid-way; bad inputs beside a good file; no long task on the
main thread while a large file is processed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import json

import pytest
from playwright.sync_api import expect

from dataflow.core.blobs import MemoryBlobStore, file_key
from dataflow.executors.json.options import JsonOptions
from dataflow.executors.json.service import JsonService
from tests.e2e.helpers import (
    add_files,
    assert_not_blocked,
    download,
    progress,
    reload_at_progress,
    row,
    running_window,
    unzip,
    wait_engine,
    wait_status,
)
from tests.unit.json.conftest import as_array, as_jsonl, make_records

zstandard = pytest.importorskip("zstandard")


@pytest.fixture
def app(open_app):
    page = open_app()
    wait_engine(page)
    return page


TYPED = ("split_size", "level", "records_path", "schema")  # filled in; the other options are picked from lists


def choose(page, **options) -> None:
    """Set the JSON options form as a person does (its fieldset's controls: `opt-json-NAME`)."""
    for name, value in options.items():
        control = page.locator(f"#opt-json-{name.replace('_', '-')}")
        if name in TYPED:
            control.fill(str(value))
        else:
            control.select_option(str(value))
        control.dispatch_event("change")


def reference(data: bytes, source: str, options: JsonOptions) -> bytes:
    """The result an uninterrupted run makes, with the same service under CPython."""

    async def go():
        store = MemoryBlobStore()
        await store.put(file_key("f"), data)
        service = JsonService(store)
        await service.open("t", "f", options.to_dict(), source=source)
        position = {"step": 0, "offset": None, "index": 0}
        while True:
            outcome = await service.process("t", position, 1 << 30)
            position = {key: outcome[key] for key in ("step", "offset", "index")}
            if outcome["done"]:
                break
        result = await service.finish("t")
        return store.data[result["result_key"]]

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # Playwright's loop owns this thread
        return pool.submit(asyncio.run, go()).result()


RECORDS = make_records(400)
TICKETS = as_array(RECORDS)


def test_convert_turns_an_array_into_jsonl_identical_to_native(app):
    choose(app, operation="convert")
    add_files(app, {"tickets.json": TICKETS}, mime="application/json")
    target = wait_status(app, "tickets.json", "completed")
    assert "Converted · 400 records" in target.locator(".message").text_content()
    name, data = download(app, target)
    assert name == "tickets.jsonl"
    assert data == reference(TICKETS, "tickets.json", JsonOptions(operation="convert"))
    assert [json.loads(line) for line in data.splitlines()] == RECORDS


def test_inspect_reports_count_depth_and_inferred_schema(app):
    add_files(app, {"tickets.jsonl": as_jsonl(RECORDS)}, mime="")
    target = wait_status(app, "tickets.jsonl", "completed")
    name, data = download(app, target)
    report = json.loads(data)
    assert name == "tickets.inspect.json" and report["result"]["records"] == 400
    assert report["result"]["schema"]["$schema"].endswith("2020-12/schema")
    assert data == reference(as_jsonl(RECORDS), "tickets.jsonl", JsonOptions())


def test_clean_redacts_secrets_and_personal_data_by_type(app):
    secrets = [{"id": 1, "note": "mail me at ana@example.org", "key": "sk-" + "a1B2c3D4" * 5},
               {"id": 2, "note": "card 4111 1111 1111 1111 and host 10.0.0.7"}]
    data = as_jsonl(secrets)
    choose(app, operation="clean")
    add_files(app, {"secrets.jsonl": data}, mime="")
    target = wait_status(app, "secrets.jsonl", "completed")
    name, cleaned = download(app, target)
    assert name == "secrets.clean.jsonl" and b"ana@example.org" not in cleaned and b"4111" not in cleaned
    assert b"[REDACTED:email]" in cleaned
    assert cleaned == reference(data, "secrets.jsonl", JsonOptions(operation="clean"))


def test_split_zips_files_of_n_records_with_padded_names(app):
    choose(app, operation="split", split_size=150)
    add_files(app, {"tickets.json": TICKETS}, mime="application/json")
    target = wait_status(app, "tickets.json", "completed")
    name, data = download(app, target)
    files = unzip(data)
    assert name == "tickets.split.zip"
    assert sorted(files) == ["tickets-0001.json", "tickets-0002.json", "tickets-0003.json"]
    assert [len(json.loads(files[n])) for n in sorted(files)] == [150, 150, 100]
    assert sum(len(json.loads(body)) for body in files.values()) == 400
    assert data == reference(TICKETS, "tickets.json", JsonOptions(operation="split", split_size=150))


def test_compress_then_decompress_gives_the_file_back(app):
    data = as_jsonl(make_records(3000))
    choose(app, operation="compress", level=3)
    add_files(app, {"big.jsonl": data}, mime="")
    target = wait_status(app, "big.jsonl", "completed")
    name, packed = download(app, target)
    assert name == "big.jsonl.zst" and packed[:4] == b"\x28\xb5\x2f\xfd" and len(packed) < len(data) / 3
    assert zstandard.ZstdDecompressor().decompressobj().decompress(packed) == data  # another zstd reads it
    choose(app, operation="decompress")
    add_files(app, {"again.jsonl.zst": packed}, mime="")
    name, unpacked = download(app, wait_status(app, "again.jsonl.zst", "completed"))
    assert name == "again.jsonl" and unpacked == data


def test_reload_mid_file_resumes_from_the_checkpoint_with_identical_bytes(app):
    data = as_jsonl(make_records(40_000))  # ~6.5 MB: seconds of steps (convert, pretty), so the reload lands mid-way
    choose(app, operation="convert", pretty="True")
    add_files(app, {"long.jsonl": data}, mime="")
    reload_at_progress(app, 15)
    restored = row(app, "long.jsonl")
    restored.wait_for()
    assert progress(restored) >= 10  # shown where it was, not from zero
    target = wait_status(app, "long.jsonl", "completed", timeout=240_000)
    state = app.evaluate("""() => JSON.parse(localStorage.getItem(Object.keys(localStorage)
                              .find(k => k.startsWith('dataflow.task.')))).task""")
    assert [a["outcome"] for a in state["attempts"]] == ["interrupted", "completed"]
    _, result = download(app, target)
    assert result == reference(data, "long.jsonl", JsonOptions(operation="convert", pretty=True))


def zst(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=3).compress(data)


def bomb() -> bytes:
    """210 MB of spaces in a few kB: over the 200 MB limit once decompressed."""
    compressor = zstandard.ZstdCompressor(level=1)
    stream = io.BytesIO()
    with compressor.stream_writer(stream, closefd=False) as writer:
        block = b" " * (1 << 20)
        for _ in range(210):
            writer.write(block)
    return stream.getvalue()


BAD = {
    "invalid.json": (b'[{"a": 1},\n {"b": 2,}]', "line 2"),
    "empty.json": (b"", "empty"),
    "notjson.json": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
    "truncated.jsonl": (b'{"a": 1}\n{"b": [1, 2', "ends"),
    "corrupt.jsonl.zst": (zst(as_jsonl(RECORDS))[:-40], "zst"),
    "bomb.json.zst": (bomb(), "limit"),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, "deep"),
    "nan.jsonl": (b'{"a": NaN}\n', "NaN"),
    "latin1.jsonl": ('{"name": "Zoë"}\n'.encode("latin-1"), "not UTF-8"),
    "huge.jsonl": (b'{"a": 1e999}\n', "too large"),
}


def test_bad_inputs_end_with_clear_messages_while_a_good_file_completes(app):
    choose(app, operation="convert")
    repeated = b'{"id": 1, "id": 2}\n{"id": 3}\n'  # duplicate keys: kept as the last one, with a warning
    add_files(app, {name: data for name, (data, _) in BAD.items()}
              | {"good.json": TICKETS, "repeated.jsonl": repeated, "notes.txt": b"hello"}, mime="")
    wait_status(app, "good.json", "completed", timeout=180_000)
    warned = wait_status(app, "repeated.jsonl", "completed", timeout=180_000)
    assert "repeats the key" in warned.locator(".message").text_content()
    for name, (_, needle) in BAD.items():
        target = wait_status(app, name, "failed", timeout=180_000)
        message = target.locator(".error-message").text_content()
        assert needle.lower() in message.lower(), f"{name}: {message}"
        assert "Traceback" not in message
        assert target.get_by_role("button", name=f"Retry {name}").is_visible()
    refused = wait_status(app, "notes.txt", "failed")
    assert "not a file this app can process" in refused.locator(".error-message").text_content()
    visible = [b.text_content() for b in refused.locator(".task-actions button").all() if b.is_visible()]
    assert visible == ["Remove"]  # nothing to retry for a file no kind takes


NESTED = json.dumps({"meta": {"tags": [1, 2]}, "items": RECORDS[:30], "extra": [{"x": 1}, {"x": 2}]}).encode()


def test_a_records_path_set_in_the_form_is_used_and_the_report_downloads_beside_the_data(app):
    choose(app, operation="convert", records_path="/extra")
    add_files(app, {"nested.json": NESTED}, mime="application/json")
    target = wait_status(app, "nested.json", "completed")
    assert "Converted · 2 records · records at /extra" in target.locator(".message").text_content()
    name, data = download(app, target)
    assert (name, data) == ("nested.jsonl", b'{"x":1}\n{"x":2}\n')
    name, raw = download(app, target, "Download report")
    report = json.loads(raw)
    assert name == "nested.json.report.json" and report["input"]["records_path"] == "/extra"
    assert report["options"]["records_path"] == "/extra" and report["result"]["records_read"] == 2
    assert [c["path"] for c in report["input"]["candidates"]] == ["/items", "/extra", "/meta/tags"]


def test_without_a_records_path_the_largest_array_is_used_and_the_row_says_which(app):
    choose(app, operation="inspect")
    add_files(app, {"nested.json": NESTED}, mime="application/json")
    target = wait_status(app, "nested.json", "completed")
    assert "30 records · records at /items" in target.locator(".message").text_content()


def notices(page) -> list[str]:
    return [text.strip() for text in page.locator("#notices .notice-error p").all_text_contents()]


def test_a_schema_that_is_not_json_is_refused_at_the_form_and_a_valid_one_checks_every_record(app):
    choose(app, operation="inspect", schema='{"type": "object", "required": ["zebra_field"')
    app.wait_for_function("(text) => document.querySelector('#notices').textContent.includes(text)",
                          arg="the schema is not valid JSON")
    assert "zebra_field" not in app.evaluate("() => JSON.stringify(localStorage)")  # refused: not saved
    field = app.locator("#opt-json-schema")
    assert field.get_attribute("aria-invalid") == "true" and "not valid JSON" in field.get_attribute("aria-description")
    add_files(app, {"early.jsonl": as_jsonl(RECORDS[:2])}, mime="")  # never run with the schema saved before
    app.wait_for_function("(text) => document.querySelector('#notices').textContent.includes(text)",
                          arg="early.jsonl was not added: an option in the form cannot be used")
    choose(app, schema='{"type": "object", "required": ["id", "zebra_field"]}')
    assert field.get_attribute("aria-invalid") is None
    add_files(app, {"tickets.jsonl": as_jsonl(RECORDS[:20])}, mime="")
    target = wait_status(app, "tickets.jsonl", "completed")
    _, data = download(app, target)
    report = json.loads(data)
    assert report["result"]["validation"]["invalid_records"] == 20, report["result"]["validation"]
    assert "zebra_field" in json.dumps(report["result"]["validation"])


def test_a_schema_breaking_its_meta_schema_is_refused_beside_its_field_and_its_notice_goes_once_fixed(app, watch):
    field, message = app.locator("#opt-json-schema"), app.locator("#opt-json-schema-message")
    form_notice = app.locator("#notices .notice", has_text="Those options cannot be used")
    assert not [url for url in watch.requests if "fastjsonschema" in url]  # the page's main thread loads none
    choose(app, operation="inspect", schema='{"required": 5}')
    # the JSON worker checks it (the form's change starts it): the field is marked once it answers
    expect(message).to_have_text('"required" at /required must be array; got 5 '
                                 "(JSON Schema draft-07's meta-schema).", timeout=60_000)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(form_notice).to_have_count(1)
    choose(app, schema='{"properties": {"id": {"type": "strin"}}}')  # the latest refusal replaces the first
    expect(message).to_contain_text('"type" at /properties/id/type must be one of "array"')
    expect(form_notice).to_have_count(1)
    expect(form_notice).to_contain_text("/properties/id/type")
    add_files(app, {"early.jsonl": as_jsonl(RECORDS[:2])}, mime="")  # not started with a schema that cannot work
    expect(app.locator("#notices")).to_contain_text("early.jsonl was not added: an option in the form cannot be used")
    assert row(app, "early.jsonl").count() == 0
    choose(app, operation="convert")  # the schema is Inspect's alone: Convert is not refused for it
    expect(form_notice).to_have_count(0)
    add_files(app, {"converted.jsonl": as_jsonl(RECORDS[:2])}, mime="")
    wait_status(app, "converted.jsonl", "completed")
    choose(app, operation="inspect")  # the refusal is known already: marked again at once
    expect(field).to_have_attribute("aria-invalid", "true")
    choose(app, schema='{"type": "object", "required": ["id"]}')
    expect(message).to_be_hidden()
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(form_notice).to_have_count(0)  # the fixed field cleared its own error
    add_files(app, {"tickets.jsonl": as_jsonl(RECORDS[:5])}, mime="")
    _, data = download(app, wait_status(app, "tickets.jsonl", "completed"))
    assert json.loads(data)["result"]["validation"]["invalid_records"] == 0


def test_a_saved_schema_breaking_its_meta_schema_fails_its_task_at_once_with_the_same_message(app):
    # the worker's answer comes after the form saved the schema: after a reload the form shows it unchecked,
    # and the task's own check, in the worker, refuses it
    choose(app, operation="inspect", schema='{"required": 5}')
    expect(app.locator("#opt-json-schema")).to_have_attribute("aria-invalid", "true", timeout=60_000)
    app.reload()
    app.wait_for_selector('body[data-app-state="ready"]', state="attached")
    expect(app.locator("#opt-json-schema")).to_have_value('{"required": 5}')
    add_files(app, {"saved.jsonl": as_jsonl(RECORDS[:2])}, mime="")
    failed = wait_status(app, "saved.jsonl", "failed")
    assert failed.locator(".error-message").text_content().startswith(
        'JSON Schema to validate records (Inspect): "required" at /required must be array; got 5 '
        "(JSON Schema draft-07's meta-schema).")
    assert "not retried" in failed.text_content() and "Traceback" not in failed.text_content()


def test_whole_number_fields_refuse_empty_and_out_of_range_values_with_their_message(app):
    images = app.locator('fieldset[data-kind="pdf"]').get_by_label("Maximum images")
    saved_pdf = "() => (JSON.parse(localStorage.getItem('dataflow.settings') || '{}').options || {}).pdf ?? null"
    for value in ("99999", ""):
        images.fill(value)
        images.dispatch_event("change")
        app.wait_for_function("(text) => document.querySelector('#notices').textContent.includes(text)",
                              arg="Maximum images: enter a whole number from 0 to 10,000.")
        assert images.get_attribute("aria-invalid") == "true"
        app.evaluate("() => document.querySelectorAll('#notices .notice').forEach(n => n.remove())")
    assert app.evaluate(saved_pdf) is None  # the refused values were not saved (the other forms' may be)
    images.fill("25")
    images.dispatch_event("change")
    app.wait_for_function("() => JSON.stringify(localStorage).includes('25')")
    assert images.get_attribute("aria-invalid") is None




def test_the_main_thread_is_not_blocked_while_a_large_file_is_processed(measured_app):
    page = measured_app
    data = as_jsonl(make_records(20_000))  # ~3 MB: seconds of cleaning in the worker (>1 s is asserted below);
    # each ~0.5 s step would block the page for as long if it ran on the main thread
    choose(page, operation="clean")
    # Playwright builds the File in the page (a long task of its own, before the task runs)
    page.set_input_files("#file-input", [{"name": "large.jsonl", "mimeType": "", "buffer": data}], timeout=180_000)
    wait_status(page, "large.jsonl", "completed", timeout=300_000)
    started, finished = running_window(page)
    assert finished - started > 1000  # the measured window really covers the processing
    assert_not_blocked(page, f"{len(data) / 2**20:.0f} MB were processed in {(finished - started) / 1000:.1f} s",
                       started, finished)
    page.close()
