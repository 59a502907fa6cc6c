"""PdfOptions: the original's defaults and clear refusals."""

from dataclasses import fields

import pytest

from dataflow.executors.pdf.kind import PdfKind
from dataflow.executors.pdf.options import LABELS, PdfOptions


def test_defaults_are_the_originals():
    options = PdfOptions()
    assert (options.mode, options.max_images, options.format) == ("complete", 10, "zip")
    assert options.max_file_bytes == 200 * 1024 * 1024


@pytest.mark.parametrize(("mode", "text", "images", "details"), [
    ("text", True, False, False), ("images", False, True, False), ("complete", True, True, True)])
def test_modes_decide_what_is_extracted(mode, text, images, details):
    options = PdfOptions(mode=mode)
    assert (options.wants_text, options.wants_images, options.wants_details) == (text, images, details)


def test_zero_max_images_still_lists_images_so_they_are_counted_over_the_limit():
    assert PdfOptions(max_images=0).wants_images  # listed and counted as over the limit, none extracted


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mode": "everything"}, "Extract: choose one of text, images, complete; got 'everything'."),
    ({"format": "tar"}, "Output: choose one of zip, json; got 'tar'."),
    ({"max_images": -1}, "Maximum images: enter a whole number of at least 0; got -1."),
    ({"max_images": True}, "Maximum images: enter a whole number of at least 0; got True."),
    ({"max_pages": 1.5}, "Most pages: enter a whole number of at least 0; got 1.5."),
    ({"max_file_bytes": "9"}, "Largest file (bytes): enter a whole number of at least 0; got '9'."),
])
def test_invalid_options_are_refused_in_the_words_of_their_label(kwargs, message):
    with pytest.raises(ValueError) as refused:
        PdfOptions(**kwargs)
    assert str(refused.value) == message


def test_every_form_field_is_labelled_as_its_messages_say():
    assert all(field.label == LABELS[field.name] for field in PdfKind().form)
    assert set(LABELS) == {field.name for field in fields(PdfOptions)}


def test_round_trip_ignores_unknown_keys():
    options = PdfOptions(mode="text", format="json")
    assert PdfOptions.from_dict({**options.to_dict(), "later": True}) == options
