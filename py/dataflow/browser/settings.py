"""The user's choices that outlive a reload: processing options and panel options. Pure: read
and written through the core Storage interface (localStorage in the app), tolerant of bad data."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from dataflow.core.errors import StorageFullError
from dataflow.core.storage import Storage
from dataflow.executors.pdf.options import PdfOptions

SETTINGS_KEY = "dataflow.settings"


@dataclass(frozen=True)
class Settings:
    options: PdfOptions = field(default_factory=PdfOptions)
    hide_completed: bool = False
    cleanup_after_seconds: float | None = None  # remove completed tasks this long after they finish
    keep_completed: int | None = None  # or keep only the newest N completed tasks

    def to_json(self) -> str:
        data = asdict(self)
        data["options"] = self.options.to_dict()
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: str | None) -> Settings:
        """Whatever is stored; fields that are missing or invalid take their defaults."""
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        settings = cls()
        with contextlib.suppress(TypeError, ValueError):
            settings = replace(settings, options=PdfOptions.from_dict(data.get("options")))
        for name in (f.name for f in fields(cls) if f.name != "options"):
            try:
                settings = replace(settings, **{name: _checked(name, data[name])})
            except (KeyError, TypeError, ValueError):
                continue
        return settings


def _checked(name: str, value: Any) -> Any:
    if name == "hide_completed":
        if not isinstance(value, bool):
            raise TypeError(name)
        return value
    if value is None:
        return None
    number = float(value) if name == "cleanup_after_seconds" else int(value)
    if number < 0:
        raise ValueError(name)
    return number


def load_settings(storage: Storage) -> Settings:
    return Settings.from_json(storage.get(SETTINGS_KEY))


def save_settings(storage: Storage, settings: Settings) -> bool:
    """Store the settings; False when the storage is full (they then last until the reload)."""
    try:
        storage.set(SETTINGS_KEY, settings.to_json())
    except StorageFullError:
        return False
    return True
