"""Shown names: bidirectional formatting characters are written out so a name cannot reorder what
is read; everything else is left as it is."""

import pytest

from dataflow.core.text import BIDI_CONTROLS, display_name


def test_a_right_to_left_override_is_shown_as_its_code_point_so_the_extension_reads_as_stored():
    assert display_name("nul\u0000name\u202eFDP.exe.pdf") == "nul\u0000name⟨U+202E⟩FDP.exe.pdf"


@pytest.mark.parametrize("char", sorted(BIDI_CONTROLS))
def test_every_bidi_control_is_shown_and_none_is_left(char):
    shown = display_name(f"a{char}b")
    assert shown == f"a⟨U+{ord(char):04X}⟩b" and not BIDI_CONTROLS & set(shown)


def test_the_bidi_controls_are_those_of_uax_9():
    assert {f"{ord(char):04X}" for char in BIDI_CONTROLS} == {
        "202A", "202B", "202C", "202D", "202E", "2066", "2067", "2068", "2069", "200E", "200F", "061C"}


def test_other_names_are_unchanged_including_right_to_left_letters():
    for name in ("report.pdf", "דוח.pdf", "تقرير.pdf", "zero\u200bwidth.json", ""):
        assert display_name(name) == name
