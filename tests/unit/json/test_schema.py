"""Schema inference: types, presence, examples, format hints, and a draft 2020-12 schema,
with a state that round-trips through JSON."""

import json

from dataflow.executors.json.schema import DRAFT, Inference, json_type, nesting


def infer(records, **kwargs) -> Inference:
    inference = Inference(**kwargs)
    for record in records:
        inference.add(record)
    return inference


RECORDS = [
    {"id": 1, "email": "a@example.com", "when": "2024-01-02T10:00:00Z", "url": "https://x.org/a", "score": 1.5,
     "tags": ["x"], "user": {"name": "A"}},
    {"id": 2, "email": "b@example.com", "when": "2024-01-03T11:30:00+01:00", "url": "https://x.org/b", "score": 2,
     "tags": [], "user": {"name": "B", "age": 30}},
    {"id": 3, "email": "c@example.com", "when": "2024-01-04", "url": None, "score": None, "tags": ["y", 1]},
]


def test_json_types_follow_json_schema_names():
    assert [json_type(v) for v in (None, True, 1, 1.5, "s", [], {})] == [
        "null", "boolean", "integer", "number", "string", "array", "object"]


def test_the_schema_is_draft_2020_12_with_types_required_and_items():
    schema = infer(RECORDS).schema()
    assert schema["$schema"] == DRAFT and schema["type"] == "object"
    assert schema["required"] == ["id", "email", "when", "url", "score", "tags"]
    assert schema["properties"]["score"]["type"] == ["integer", "null", "number"]
    assert schema["properties"]["tags"]["items"]["type"] == ["integer", "string"]
    assert schema["properties"]["user"]["required"] == ["name"]
    assert schema["properties"]["email"]["format"] == "email"
    assert schema["properties"]["url"]["format"] == "uri"


def test_fields_give_presence_types_examples_and_format_hints():
    fields = {row["path"]: row for row in infer(RECORDS, examples=2).fields()}
    assert fields["$.user"]["presence"] == round(2 / 3, 4) and fields["$.user.age"]["presence"] == 0.5
    assert fields["$.id"]["format"] == "identifier" and fields["$.id"]["examples"] == [1, 2]
    assert fields["$.when"]["types"] == {"string": 3} and fields["$.when"]["format"] is None  # 2 of 3 date-times
    assert fields["$.tags[]"]["types"] == {"integer": 1, "string": 2}


def test_a_format_needs_nine_in_ten_strings_to_match():
    fields = {row["path"]: row for row in infer([{"d": "2024-01-01"}] * 9 + [{"d": "soon"}]).fields()}
    assert fields["$.d"]["format"] == "date"
    fields = {row["path"]: row for row in infer([{"d": "2024-01-01"}] * 8 + [{"d": "soon"}] * 2).fields()}
    assert fields["$.d"]["format"] is None


def test_long_examples_are_truncated_and_duplicates_not_repeated():
    fields = {row["path"]: row for row in infer([{"t": "x" * 500}, {"t": "x" * 500}]).fields()}
    assert fields["$.t"]["examples"] == ["x" * 60 + "…"]


def test_the_state_round_trips_through_json_and_inference_continues():
    first = infer(RECORDS[:2])
    resumed = Inference(root=json.loads(json.dumps(first.state())))
    resumed.add(RECORDS[2])
    assert resumed.schema() == infer(RECORDS).schema() and resumed.fields() == infer(RECORDS).fields()


def test_many_distinct_keys_are_capped_and_counted():
    inference = infer([{f"k{i}": i for i in range(600)}])
    assert len(inference.root["properties"]) == 500 and inference.root["other_keys"] == 100


def test_nesting_counts_levels_of_containers():
    assert [nesting(v) for v in (1, {}, {"a": 1}, {"a": [1]}, [[[]]], [1, {"a": [2]}, []])] == [0, 1, 1, 2, 3, 3]


def test_nesting_does_not_recurse():
    value: list = []
    for _ in range(20_000):
        value = [value]
    assert nesting(value) == 20_001


def test_inference_tracks_the_deepest_nesting_also_below_the_described_levels():
    shallow, deep = infer([{"a": [1]}]), [1]
    for _ in range(99):
        deep = [deep]
    assert shallow.depth == 2 and infer([{"a": 1}, deep]).depth == 100
