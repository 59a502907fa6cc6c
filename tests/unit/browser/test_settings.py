"""Settings survive a reload and bad stored data never breaks the page."""

import pytest

from dataflow.browser.settings import SETTINGS_KEY, Settings, load_settings, save_settings
from dataflow.core.storage import MemoryStorage
from dataflow.executors.pdf.kind import PdfKind
from dataflow.executors.pdf.options import PdfOptions

KIND = PdfKind()


def test_round_trip_through_storage():
    storage = MemoryStorage()
    settings = Settings(hide_completed=True, cleanup_after_seconds=600.0, keep_completed=5).with_options(
        KIND, PdfOptions(mode="text", format="json", max_images=3))
    assert save_settings(storage, settings)
    loaded = load_settings(storage)
    assert loaded == settings
    assert loaded.options_for(KIND) == PdfOptions(mode="text", format="json", max_images=3)


@pytest.mark.parametrize("raw", [None, "", "{broken", "[]", '"text"', "42"])
def test_unreadable_settings_give_the_defaults(raw):
    storage = MemoryStorage()
    if raw is not None:
        storage.set(SETTINGS_KEY, raw)
    assert load_settings(storage) == Settings()
    assert load_settings(storage).options_for(KIND) == PdfOptions()


def test_each_bad_field_falls_back_alone():
    raw = '{"options": {"pdf": {"mode": "everything"}}, "hide_completed": "yes", "cleanup_after_seconds": -5, ' \
          '"keep_completed": 3}'
    settings = Settings.from_json(raw)
    assert settings.options_for(KIND) == PdfOptions()
    assert (settings.hide_completed, settings.cleanup_after_seconds, settings.keep_completed) == (False, None, 3)


def test_options_saved_before_kinds_existed_are_read_as_the_first_kinds():
    raw = '{"options": {"mode": "text", "max_images": 2, "format": "zip"}, "hide_completed": true}'
    settings = Settings.from_json(raw, legacy_kind="pdf")
    assert settings.options_for(KIND) == PdfOptions(mode="text", max_images=2)


def test_a_full_storage_is_reported_not_raised():
    storage = MemoryStorage(quota=10)
    assert save_settings(storage, Settings()) is False
