"""PdfOptions: the original's defaults and clear refusals."""

import pytest

from dataflow.executors.pdf.options import PdfOptions


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
    ({"mode": "everything"}, "mode must be one of text, images, complete"),
    ({"format": "tar"}, "format must be one of zip, json"),
    ({"max_images": -1}, "max_images must be a whole number"),
    ({"max_pages": 1.5}, "max_pages must be a whole number"),
])
def test_invalid_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PdfOptions(**kwargs)


def test_round_trip_ignores_unknown_keys():
    options = PdfOptions(mode="text", format="json")
    assert PdfOptions.from_dict({**options.to_dict(), "later": True}) == options
