"""The depth check: a fast conservative test per window and an exact scan per record, neither
recursive, both blind to brackets inside strings."""

from dataflow.executors.json.depth import element_end, within


def test_text_within_the_limit_passes_and_text_beyond_it_does_not():
    assert within("[" * 10 + "]" * 10, 10)
    assert not within("[" * 11 + "]" * 11, 10)


def test_many_shallow_values_pass_even_with_more_brackets_than_the_limit():
    assert within('{"a":[1]},' * 1000, 3)


def test_brackets_inside_strings_and_escaped_quotes_are_ignored():
    assert within('["[[[[[[", "\\"[[[[[[[["]', 1)


def test_element_end_finds_the_delimiter_at_depth_zero():
    text = '{"a": [1, {"b": ","}]}, {"next": 1}'
    assert element_end(text, 0, 5, stop_at_newline=False) == (text.index("}, ") + 1, None)


def test_element_end_reports_where_the_limit_was_passed():
    assert element_end("[[[[1]]]]", 0, 2, stop_at_newline=False) == (None, 2)


def test_element_end_stops_at_a_newline_for_jsonl():
    assert element_end('{"a": [1]}\n{"b": 2}', 0, 5, stop_at_newline=True) == (10, None)


def test_a_string_cut_off_at_the_end_of_the_text_is_not_counted():
    assert element_end('{"a": "[[[[[[[[[[', 0, 2, stop_at_newline=False) == (None, None)
