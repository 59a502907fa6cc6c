"""JsonService over an in-memory store: every operation on generated files, identical output
whatever the step size or a resume from a stored step, and every bad input with its message."""

import codecs
import json

import pytest

from dataflow.core.blobs import file_key
from dataflow.core.errors import NonRetryableError
from dataflow.executors.json.errors import (
    CorruptZstError,
    EmptyFileError,
    EncodingError,
    FileMissingError,
    FileTooLargeError,
    InvalidJsonError,
    JsonInternalError,
    JsonWorkerError,
    MissingPartsError,
    NonFiniteNumberError,
    NotJsonError,
    NumberTooLargeError,
    RecordPathError,
    SchemaError,
    TooDeepError,
    TruncatedJsonError,
)
from dataflow.executors.json.service import JsonService
from dataflow.executors.json.store import report_key, run_result_key, step_key
from dataflow.executors.json.zstd import available
from tests.unit.json.conftest import as_array, as_jsonl, make_records, unzip

zstd = available()
needs_zstd = pytest.mark.skipif(zstd is None, reason="no zstd module: zstandard is pinned in tests/requirements.txt")
RECORDS = make_records(60)


async def test_inspect_reports_count_schema_and_fields(run_file):
    info, result, data, report = await run_file(as_array(RECORDS), {"operation": "inspect"})
    assert info["form"] == "json" and info["records_path"] == "" and info["encoding"] == "utf-8"
    assert json.loads(data) == {key: value for key, value in report.items() if key != "timings"}
    assert result["filename"] == "data.inspect.json" and "timings" in report
    assert report["result"]["records"] == 60 and report["result"]["max_depth"] == 2
    fields = {row["path"]: row for row in report["result"]["fields"]}
    assert fields["$.email"]["format"] == "email" and fields["$.created"]["format"] == "date"
    assert fields["$.id"]["format"] == "identifier" and fields["$.meta.note"]["types"] == {"null": 60}
    assert report["result"]["schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"


async def test_inspect_validates_against_the_users_schema_and_checks_chat_format(run_file):
    schema = json.dumps({"type": "object", "properties": {"id": {"type": "integer", "maximum": 49}}})
    _, _, _, report = await run_file(as_jsonl(RECORDS), {"schema": schema, "chat_check": True,
                                                         "max_errors_per_path": 3}, name="d.jsonl")
    validation = report["result"]["validation"]
    assert validation["invalid_records"] == 10 and validation["valid_records"] == 50
    assert validation["by_path"]["$.id"]["more"] == 7 and len(validation["by_path"]["$.id"]["examples"]) == 3
    assert report["result"]["chat_format"]["by_problem"]["missing_messages"]["count"] == 60


async def test_clean_redacts_and_reports_counts_never_values(run_file):
    _, result, data, report = await run_file(as_jsonl(RECORDS), {"operation": "clean"}, name="d.jsonl")
    assert result["filename"] == "d.clean.jsonl" and b"@example.com" not in data
    assert [json.loads(line)["email"] for line in data.splitlines()][:1] == ["[REDACTED:email]"]
    assert report["result"]["redactions"]["by_kind"] == {"email": 60}
    assert "example.com" not in json.dumps(report)


async def test_convert_array_to_jsonl_and_back_round_trips(run_file, service, store):
    _, result, jsonl, _ = await run_file(as_array(RECORDS), {"operation": "convert"})
    assert result["filename"] == "data.jsonl" and [json.loads(x) for x in jsonl.splitlines()] == RECORDS
    _, result, array, _ = await run_file(jsonl, {"operation": "convert", "pretty": True}, name="data.jsonl",
                                         task_id="t2")
    assert result["filename"] == "data.json" and json.loads(array) == RECORDS and array.startswith(b'[\n  {\n    "id"')


async def test_convert_removes_duplicates_across_steps(run_file):
    records = RECORDS[:10] + RECORDS[:10] + [{"b": 1, "a": 2}, {"a": 2, "b": 1}]
    _, _, data, report = await run_file(as_array(records), {"operation": "convert", "dedupe": True}, budget=100)
    assert [json.loads(x) for x in data.splitlines()] == RECORDS[:10] + [{"b": 1, "a": 2}]
    assert report["result"]["duplicates_removed"] == 11 and report["result"]["records_written"] == 11


async def test_split_zips_files_of_n_records_with_padded_names(run_file):
    _, result, data, report = await run_file(as_jsonl(RECORDS), {"operation": "split", "split_size": 25},
                                             name="d.jsonl", budget=300)
    files = unzip(data)
    assert list(files) == ["d-0001.jsonl", "d-0002.jsonl", "d-0003.jsonl"]
    assert [len(f.splitlines()) for f in files.values()] == [25, 25, 10]
    assert [json.loads(x) for f in files.values() for x in f.splitlines()] == RECORDS
    assert result["filename"] == "d.split.zip" and report["result"]["files"] == 3


async def test_split_to_json_arrays(run_file):
    _, _, data, _ = await run_file(as_jsonl(RECORDS), {"operation": "split", "split_size": 50,
                                                       "output_format": "json"}, name="d.jsonl")
    assert [len(json.loads(f)) for f in unzip(data).values()] == [50, 10]


@pytest.mark.parametrize("operation", ["inspect", "clean", "split", "convert"])
async def test_output_is_identical_whatever_the_step_size(run_file, operation):
    data = as_array(RECORDS, indent=1)
    outputs = []
    for index, budget in enumerate((64, 1000, 1 << 30)):
        _, _, out, report = await run_file(data, {"operation": operation, "split_size": 7}, budget=budget,
                                           task_id=f"t{index}")
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]


async def test_records_are_read_from_the_largest_array_of_an_object_or_a_chosen_one(run_file):
    document = json.dumps({"info": {"tags": [1, 2, 3]}, "items": RECORDS[:5], "extra": [{"x": 1}]}).encode()
    info, result, _, report = await run_file(document, {"operation": "convert"})
    assert info["records_path"] == "/items" and report["result"]["records_read"] == 5
    assert result["records_path"] == "/items"  # the row says which array was used
    assert "/items" in report["warnings"][0]
    assert [c["path"] for c in info["candidates"]] == ["/items", "/extra", "/info/tags"]
    info, _, data, _ = await run_file(document, {"operation": "convert", "records_path": "/extra"}, task_id="t2")
    assert data == b'{"x":1}\n'


async def test_utf8_bom_and_utf16_inputs_give_the_same_records(run_file):
    outputs = []
    for index, raw in enumerate([as_array(RECORDS), codecs.BOM_UTF8 + as_array(RECORDS),
                                 json.dumps(RECORDS, ensure_ascii=False).encode("utf-16")]):
        _, _, out, _ = await run_file(raw, {"operation": "convert"}, task_id=f"t{index}")
        outputs.append(out)
    assert outputs[0] == outputs[1] == outputs[2]


async def test_duplicate_keys_are_kept_last_with_a_warning_in_the_report(run_file):
    _, result, data, report = await run_file(b'[{"id": 1, "id": 2}, {"a": 1}]', {"operation": "convert"})
    assert data.splitlines()[0] == b'{"id":2}'
    assert report["warnings"] == ["Record 1 repeats the key 'id'; the last value was kept."]
    assert result["warnings"] == report["warnings"]


async def test_the_report_says_what_was_done_with_counts_and_timings(run_file, store):
    _, result, data, report = await run_file(as_jsonl(RECORDS), {"operation": "convert"}, name="d.jsonl")
    assert report["operation"] == "convert" and report["source"] == "d.jsonl"
    assert report["output"] == {"file": "d.json", "bytes": len(data)}
    assert report["input"]["input_bytes"] == len(as_jsonl(RECORDS)) and report["input"]["form"] == "jsonl"
    assert set(report["timings"]) == {"opening_seconds", "processing_seconds", "assembling_seconds"}
    assert report["options"] == {"operation": "convert", "records_path": None, "output_format": "auto",
                                 "pretty": False, "dedupe": False, "max_depth": 512}  # only what convert reads
    assert result["report_filename"] == "d.jsonl.report.json"
    assert result["result_key"] == run_result_key("t1", "1") == "result:t1:1"
    assert result["report_key"] == report_key(result["result_key"]) == "result:t1:1:report.json"
    assert [key for key in store.data if key.startswith("part:t1:out:")]  # kept until completion is durable


@needs_zstd
async def test_compress_then_decompress_gives_the_input_back(run_file):
    raw = as_jsonl(make_records(3000))
    _, result, packed, report = await run_file(raw, {"operation": "compress", "level": 3}, name="d.jsonl",
                                               budget=1000)
    assert result["filename"] == "d.jsonl.zst" and packed[:4] == b"\x28\xb5\x2f\xfd" and len(packed) < len(raw)
    assert report["result"]["level"] == 3 and report["result"]["frames"] == 1
    _, result, unpacked, _ = await run_file(packed, {"operation": "decompress"}, name="d.jsonl.zst", task_id="t2")
    assert unpacked == raw and result["filename"] == "d.jsonl"


@needs_zstd
async def test_a_zst_input_is_read_for_every_record_operation(run_file):
    packed = zstd.compress(as_jsonl(RECORDS), 3)
    info, _, _, report = await run_file(packed, {"operation": "inspect"}, name="d.jsonl.zst")
    assert info["compressed"] and report["result"]["records"] == 60


@needs_zstd
async def test_a_zst_that_decompresses_past_the_limit_stops_there(run_file):
    bomb = zstd.compress(b" " * 5_000_000 + b"[]", 19)
    with pytest.raises(FileTooLargeError, match="decompresses to more than 1 MB, the limit"):
        await run_file(bomb, {"operation": "inspect", "max_file_bytes": 1024 * 1024}, name="b.json.zst")


@needs_zstd
async def test_a_truncated_zst_is_reported(run_file):
    packed = zstd.compress(as_jsonl(RECORDS), 3)
    with pytest.raises(CorruptZstError, match="truncated"):
        await run_file(packed[: len(packed) // 2], {"operation": "inspect"}, name="d.jsonl.zst")


async def test_a_file_named_zst_that_is_not_zstd_is_reported(run_file):
    with pytest.raises(CorruptZstError, match="named .zst but is not zstd-compressed"):
        await run_file(b"[1]", {}, name="d.json.zst")


async def test_decompressing_a_file_that_is_not_zstd_is_refused(run_file):
    with pytest.raises(CorruptZstError, match="not zstd-compressed"):
        await run_file(b"[1]", {"operation": "decompress"})


@pytest.mark.parametrize(("data", "error", "message"), [
    (b"", EmptyFileError, "The file is empty"),
    (b"   \n", EmptyFileError, "only whitespace"),
    (b"%PDF-1.4 ...", NotJsonError, "it looks like a PDF document"),
    (b"id,name\n1,x\n", NotJsonError, "it looks like CSV"),
    (b'[{"a": 1}, {"a": }]', InvalidJsonError, "Invalid JSON on line 1, column 18: expecting value"),
    (b'[{"a": 1}, {"a": 2', TruncatedJsonError, "looks truncated"),
    ('[{"a": "\xe9t\xe9"}]'.encode("latin-1"), EncodingError, "is not UTF-8"),
    (b'[{"a": Infinity}]', NonFiniteNumberError, "Infinity on line 1, column 8 is not valid JSON"),
    (b'[{"a": 1e309}]', NumberTooLargeError, "too large for a double-precision float"),
    (b"[" * 50_000 + b"]" * 50_000, TooDeepError, "Nesting deeper than 512 levels"),
    (b'"a string"', RecordPathError, "single value"),
])
async def test_bad_inputs_fail_with_their_message(run_file, data, error, message):
    with pytest.raises(error, match=message):
        await run_file(data, {"operation": "convert"})


@pytest.mark.parametrize("operation", ["inspect", "clean", "split", "convert"])
async def test_a_record_at_the_depth_limit_goes_through_every_operation(run_file, operation):
    """Checked under Pyodide too (Node + the vendored runtime): 900 levels pass every operation once
    no walk recurses through builtins such as map(), which use the wasm C stack."""
    deep: object = {"mail": "a@example.com"}
    for level in range(898):
        deep = {"k": deep} if level % 2 else [deep]
    options = {"operation": operation, "max_depth": 900, "dedupe": True, "pretty": True, "output_format": "json"}
    _, result, _, report = await run_file(as_array([deep, {"b": 1}]), options)
    assert report["result"].get("records", report["result"].get("records_read")) == 2


async def test_a_missing_records_path_lists_the_arrays(run_file):
    with pytest.raises(RecordPathError, match="arrays found: /a"):
        await run_file(b'{"a": [{"x": 1}]}', {"records_path": "/b"})


async def test_a_schema_that_is_not_a_schema_is_refused_before_work(run_file):
    pytest.importorskip("fastjsonschema")
    with pytest.raises(SchemaError):
        await run_file(b"[1]", {"schema": '{"type": 12}'})


async def test_a_file_over_the_size_limit_is_refused(run_file):
    with pytest.raises(FileTooLargeError, match="The file is 2.0 KB; the limit is 1.0 KB"):
        await run_file(b"[" + b" " * 2046 + b"]", {"max_file_bytes": 1024})


async def test_a_missing_stored_file_is_reported(service):
    with pytest.raises(FileMissingError):
        await service.open("t", "gone", {})


async def test_a_step_asked_out_of_order_is_a_retryable_worker_error(service, store):
    await store.put(file_key("f"), as_array(RECORDS))
    await service.open("t", "f", {})
    with pytest.raises(JsonWorkerError):
        await service.process("t", {"step": 3, "offset": 10, "index": 2}, 100)


@pytest.mark.parametrize("operation", ["inspect", "clean", "split", "convert"])
async def test_resuming_from_any_stored_step_gives_identical_output(store, operation):
    """Also when the worker died after storing a step but before the checkpoint of it was kept:
    that step is run again over the state stored with the step before it."""
    data = as_array(RECORDS)
    options = {"operation": operation, "split_size": 9, "dedupe": True}
    await store.put(file_key("f"), data)

    async def run_steps(task_id, checkpoint=None, stop_after=None):
        service = JsonService(store, monotonic=lambda: 0.0)
        await service.open(task_id, "f", options, source="d.json", checkpoint=checkpoint)
        position = checkpoint or {"step": 0, "offset": None, "index": 0}
        positions = []
        while True:
            outcome = await service.process(task_id, position, 500)
            position = {key: outcome[key] for key in ("step", "offset", "index")}
            positions.append(position)
            if outcome["done"] or len(positions) == stop_after:
                break
        if stop_after is not None:
            return positions
        result = await service.finish(task_id)
        return store.data[result["result_key"]]

    reference = await run_steps("ref")
    positions = await run_steps("probe", stop_after=1000)
    assert isinstance(reference, bytes) and len(positions) >= 4
    for index in range(1, len(positions) - 1):
        task_id = f"resume-{index}"
        stored = await run_steps(task_id, stop_after=index + 1)  # steps up to index stored ...
        assert len(stored) == index + 1
        resumed = await run_steps(task_id, checkpoint=stored[index - 1])  # ... but the last one not checkpointed
        assert resumed == reference, f"resume after step {index}"


async def test_a_finish_that_finds_a_step_missing_stores_nothing_and_clears_the_parts(store, service):
    await store.put(file_key("f"), as_jsonl(RECORDS))
    await service.open("t1", "f", {"operation": "convert"}, source="d.jsonl")
    position = {"step": 0, "offset": None, "index": 0}
    while True:
        outcome = await service.process("t1", position, 50)
        position = {key: outcome[key] for key in ("step", "offset", "index")}
        if outcome["done"]:
            break
    assert position["step"] >= 3
    await store.delete_keys([step_key("t1", "out", 1)])  # storage cleared under the task, in part
    with pytest.raises(MissingPartsError, match="were found"):
        await service.finish("t1", "r1")
    assert not [key for key in store.data if key.startswith(("result:", "part:"))]


async def test_a_finish_called_again_returns_the_result_this_run_already_stored(run_file, store, service):
    _, first, data, _ = await run_file(as_jsonl(RECORDS), {"operation": "convert"}, name="d.jsonl")
    store.data[first["result_key"]] = b"kept"  # proves the second call assembles nothing
    assert await service.finish("t1") == first
    assert store.data[first["result_key"]] == b"kept"


async def test_a_resume_whose_saved_state_is_gone_raises_missing_parts(store, service):
    await store.put(file_key("f"), as_jsonl(RECORDS))
    with pytest.raises(MissingPartsError, match="state saved with step 3"):
        await service.open("t1", "f", {"operation": "convert"}, source="d.jsonl", checkpoint={"step": 3})


@pytest.mark.parametrize("operation", ["inspect", "clean", "split", "convert"])
async def test_a_lone_surrogate_escape_gives_valid_output_written_escaped(run_file, operation):
    data = '{"a":"\\ud800 Zoë"}\n{"a":"ok \\udfff"}\n'.encode()
    _, result, out, report = await run_file(data, {"operation": operation, "output_format": "jsonl"}, name="s.jsonl")
    if operation == "split":
        out = b"".join(unzip(out).values())
    out.decode("utf-8")  # strict UTF-8: no surrogate was written raw
    if operation == "inspect":
        assert b"\\ud800" in out and report["result"]["records"] == 2
    else:
        assert out == '{"a":"\\ud800 Zoë"}\n{"a":"ok \\udfff"}\n'.encode()


async def test_a_bug_met_while_finishing_fails_at_once_with_a_clear_message(run_file, service, monkeypatch):
    async def broken(*_args):
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(service, "_assemble", broken)
    with pytest.raises(JsonInternalError, match=r"while assembling the result: UnicodeEncodeError: .*surrogates "
                                                 r"not allowed \(at test_service.py:\d+\)\. This is a bug") as caught:
        await run_file(as_jsonl(RECORDS), {"operation": "convert"}, name="d.jsonl")
    assert isinstance(caught.value, NonRetryableError)


async def test_an_error_that_may_pass_is_not_turned_into_a_bug(run_file, service, monkeypatch):
    async def full(*_args):
        raise MemoryError("out of memory")

    monkeypatch.setattr(service, "_assemble", full)
    with pytest.raises(MemoryError):
        await run_file(as_jsonl(RECORDS), {"operation": "convert"}, name="d.jsonl")


async def test_clean_keys_that_collide_keep_every_value_with_a_warning(run_file):
    data = b'{"a@b.com": 1, "c@d.com": 2}\n'
    _, result, out, report = await run_file(data, {"operation": "clean", "redact_keys": True}, name="k.jsonl")
    assert out == b'{"[REDACTED:email]":1,"[REDACTED:email#2]":2}\n'
    assert any("Record 1: Keys of one object at $" in warning for warning in report["warnings"])
    assert result["warnings"] == report["warnings"]


@needs_zstd
async def test_decompressing_counts_its_time_at_open_and_lists_no_record_options(store):
    ticks = iter(range(100))
    service = JsonService(store, monotonic=lambda: float(next(ticks)))
    await store.put(file_key("f"), zstd.compress(as_jsonl(RECORDS), 3))
    await service.open("t", "f", {"operation": "decompress"}, source="dir/good.jsonl.zst")
    outcome = await service.process("t", {"step": 0, "offset": None, "index": 0}, 1 << 30)
    assert outcome["done"]
    result = await service.finish("t")
    report = json.loads(store.data[result["report_key"]])
    assert report["timings"]["opening_seconds"] == 1.0 and report["options"] == {"operation": "decompress"}
    assert result["report_filename"] == "good.jsonl.zst.report.json" and result["filename"] == "good.jsonl"
