"""Strings made valid for UTF-8 and pypdf messages made identical from run to run."""

from dataflow.executors.pdf.text import normalise_message, valid_text, valid_tree


def test_lone_surrogates_become_replacement_characters_and_are_counted():
    assert valid_text("a\ud83db\udc00") == ("a\ufffdb\ufffd", 2)


def test_a_surrogate_pair_is_joined_into_its_character():
    assert valid_text("x\ud83d\ude00\ud83d") == ("x😀\ufffd", 1)


def test_valid_text_is_returned_unchanged_and_existing_replacements_are_not_counted():
    assert valid_text("déjà \ufffd vu") == ("déjà \ufffd vu", 0)


def test_every_string_of_a_tree_is_checked_keys_included():
    tree = {"a\ud800": ["ok", {"t": "\udfff"}], "n": 3}
    assert valid_tree(tree) == ({"a\ufffd": ["ok", {"t": "\ufffd"}], "n": 3}, 2)


def test_a_tree_without_surrogates_is_returned_as_it_is_without_a_walk():
    tree = {"pages": [{"text": "plain ✓", "n": 1}], "k": ("a", None, 2.5)}
    assert valid_tree(tree) == (tree, 0) and valid_tree(tree)[0] is tree


def test_a_surrogate_in_a_key_or_deep_in_a_tree_is_found():
    assert valid_tree([{"a": [[{"b": "x\udc00"}]]}]) == ([{"a": [[{"b": "x\ufffd"}]]}], 1)
    assert valid_tree({"\ud800": 1}) == ({"\ufffd": 1}, 1)


def test_memory_addresses_are_removed_from_messages():
    message = "Root found at IndirectObject(3, 0, 140325454237968) <Foo object at 0x7f12ab>"
    assert normalise_message(message) == "Root found at IndirectObject(3, 0) <Foo object>"
