"""Cleaner: every string of a record, at any depth, redacted; counts by kind and field path only."""

import json

from dataflow.executors.json.clean import Cleaner, field_path


def test_strings_are_redacted_at_every_depth_and_other_values_kept():
    cleaner = Cleaner()
    record = {"user": {"email": "a.b@example.com", "age": 41, "ok": True},
              "messages": [{"content": "call +44 20 7946 0958"}, {"content": "hello"}], "n": None}
    assert cleaner.clean(record) == {
        "user": {"email": "[REDACTED:email]", "age": 41, "ok": True},
        "messages": [{"content": "call [REDACTED:phone]"}, {"content": "hello"}], "n": None}


def test_the_summary_counts_by_kind_and_path_and_holds_no_value():
    cleaner = Cleaner()
    for index in range(3):
        cleaner.clean({"email": f"user{index}@example.com", "log": [f"from 10.0.0.{index}", "ok"]})
    summary = cleaner.summary()
    assert summary == {"total": 6, "by_kind": {"email": 3, "ip": 3},
                       "by_path": [{"kind": "email", "path": "$.email", "count": 3},
                                   {"kind": "ip", "path": "$.log[]", "count": 3}]}
    assert "example.com" not in json.dumps(summary) and "10.0.0" not in json.dumps(summary)


def test_keys_are_left_alone_unless_asked_for():
    record = {"jane@example.com": "x"}
    assert Cleaner().clean(record) == record
    cleaner = Cleaner(redact_keys=True)
    assert cleaner.clean(record) == {"[REDACTED:email]": "x"}
    assert cleaner.summary()["by_path"] == [{"kind": "email", "path": "$ (key)", "count": 1}]


def test_the_record_given_is_not_modified():
    record = {"email": "a@example.com"}
    Cleaner().clean(record)
    assert record == {"email": "a@example.com"}


def test_field_paths_join_keys_with_dots_and_arrays_as_brackets():
    assert field_path(field_path("$", "a"), None) == "$.a[]"


def test_deep_records_are_cleaned_without_recursion():
    value: object = "x@example.com"
    for level in range(5_000):
        value = {"k": value} if level % 2 else [value]
    cleaned = Cleaner().clean(value)
    for _ in range(5_000):
        cleaned = cleaned[0] if isinstance(cleaned, list) else cleaned["k"]
    assert cleaned == "[REDACTED:email]"


def test_keys_redacted_to_the_same_marker_keep_every_value_numbered_in_key_order():
    cleaner = Cleaner(redact_keys=True)
    cleaned = cleaner.clean({"a@b.com": 1, "c@d.com": 2, "x": {"e@f.io [x]": 3, "g@h.io [x]": 4, "i@j.io [x]": 5}})
    assert cleaned == {"[REDACTED:email]": 1, "[REDACTED:email#2]": 2,
                       "x": {"[REDACTED:email] [x]": 3, "[REDACTED:email#2] [x]": 4, "[REDACTED:email#3] [x]": 5}}
    assert len(cleaner.collisions) == 3 and "at $.x" in cleaner.collisions[1]
    assert not any("@" in message for message in cleaner.collisions)


def test_a_numbered_marker_never_takes_the_name_of_a_key_already_there():
    cleaner = Cleaner(redact_keys=True)
    cleaned = cleaner.clean({"a@b.com": 1, "c@d.com": 2, "[REDACTED:email#2]": 3, "[REDACTED:email]": 4})
    assert sorted(cleaned.values()) == [1, 2, 3, 4] and cleaned["[REDACTED:email#2]"] == 3
    assert len(cleaner.collisions) == 2
