"""Search counting, highlighting pieces and windows of the result viewer."""

from dataflow.core.views import clamp_page, count_matches, segments, window


def test_matches_are_counted_ignoring_case_without_overlaps():
    assert count_matches("Alpha alpha ALPHA alp", "alpha") == 3
    assert count_matches("aaaa", "aa") == 2
    assert count_matches("text", "  ") == 0


def test_a_query_with_regex_characters_is_taken_literally():
    assert count_matches("a.b a+b (x)", "a.b") == 1
    assert count_matches("(x) (x)", "(x)") == 2


def test_segments_join_back_to_the_text_and_mark_each_match():
    pieces = segments("<b>Hi</b> hi", "hi")
    assert "".join(piece for piece, _ in pieces) == "<b>Hi</b> hi"
    assert [piece for piece, match in pieces if match] == ["Hi", "hi"]
    assert segments("", "x") == [] and segments("abc", "") == [("abc", False)]


def test_pages_are_clamped_and_windows_stay_inside_the_list():
    assert (clamp_page(0, 5), clamp_page(9, 5), clamp_page(3, 0)) == (1, 5, 1)
    assert list(window(100, 90, 24)) == list(range(90, 100))
    assert list(window(0, 0, 24)) == []


def test_cut_keeps_one_line_and_marks_what_it_cut():
    from dataflow.core.views import cut
    assert cut("a\n  b", 10) == "a b"
    assert cut("abcdef", 4) == "abc…"


def test_bar_percents_are_relative_to_the_largest_count():
    from dataflow.core.views import bar_percents
    assert bar_percents([5, 10, 0]) == [50.0, 100.0, 0.0]
    assert bar_percents([0, 0]) == [0.0, 0.0] and bar_percents([]) == []
