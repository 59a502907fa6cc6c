"""Settings survive a reload and bad stored data never breaks the page."""

import pytest

from dataflow.browser.settings import SETTINGS_KEY, Settings, load_settings, save_settings
from dataflow.core.storage import MemoryStorage
from dataflow.executors.pdf.options import PdfOptions


def test_round_trip_through_storage():
    storage = MemoryStorage()
    settings = Settings(options=PdfOptions(mode="text", format="json", max_images=3), hide_completed=True,
                        cleanup_after_seconds=600.0, keep_completed=5)
    assert save_settings(storage, settings)
    assert load_settings(storage) == settings


@pytest.mark.parametrize("raw", [None, "", "{broken", "[]", '"text"', "42"])
def test_unreadable_settings_give_the_defaults(raw):
    storage = MemoryStorage()
    if raw is not None:
        storage.set(SETTINGS_KEY, raw)
    assert load_settings(storage) == Settings()


def test_each_bad_field_falls_back_alone():
    raw = '{"options": {"mode": "everything"}, "hide_completed": "yes", "cleanup_after_seconds": -5, ' \
          '"keep_completed": 3}'
    assert Settings.from_json(raw) == Settings(keep_completed=3)


def test_a_full_storage_is_reported_not_raised():
    storage = MemoryStorage(quota=10)
    assert save_settings(storage, Settings()) is False
