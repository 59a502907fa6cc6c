"""Items to enrich: from records by a dotted field path or whole, and from a document's pages."""

from dataflow.executors.llm.records import MISSING, items_from_records, lookup, records_from_pages

RECORD = {"fields": {"description": "Pumps", "n": 3}, "list": [{"name": "a"}, {"name": "b"}]}


def test_dotted_paths_reach_nested_fields_and_list_items():
    assert lookup(RECORD, "fields.description") == "Pumps"
    assert lookup(RECORD, "list.1.name") == "b" and lookup(RECORD, "list.-1.name") == "b"


def test_a_path_that_leads_nowhere_is_missing():
    for path in ("fields.title", "list.5.name", "list.x", "fields.description.deeper"):
        assert lookup(RECORD, path) is MISSING


def test_items_take_the_field_or_the_whole_record_as_json():
    [item] = items_from_records([RECORD], "fields.description")
    assert (item.index, item.text, item.record) == (0, "Pumps", RECORD)
    assert items_from_records([RECORD], "fields.n")[0].text == "3"
    assert items_from_records([{"b": 1, "a": "é"}], "")[0].text == '{"a": "é", "b": 1}'


def test_a_record_without_the_field_gets_empty_text():
    assert items_from_records([{"other": 1}], "fields.description")[0].text == ""


def test_one_record_per_page_by_default():
    assert records_from_pages(["one", "two"]) == [{"page": 1, "text": "one"}, {"page": 2, "text": "two"}]


def test_pages_cut_into_chunks_name_the_page_each_starts_on():
    chunks = records_from_pages(["aaaa", "bbbb", "cc"], chunk_chars=5)
    assert [chunk["text"] for chunk in chunks] == ["aaaa\n", "bbbb\n", "cc"]
    assert [chunk["first_page"] for chunk in chunks] == [1, 2, 3]
    assert "".join(chunk["text"] for chunk in chunks) == "aaaa\nbbbb\ncc"
