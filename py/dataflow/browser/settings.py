"""The user's choices that outlive a reload: each kind's processing options and the panel options.
Pure: read and written through the core Storage interface (localStorage in the app), tolerant of
bad data. Options are kept per kind as JSON and parsed by that kind's description when used."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from dataflow.core.errors import StorageFullError
from dataflow.core.kinds import ExecutorKind
from dataflow.core.storage import Storage

SETTINGS_KEY = "dataflow.settings"


@dataclass(frozen=True)
class Settings:
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # kind -> its options as JSON
    hide_completed: bool = False
    cleanup_after_seconds: float | None = None  # remove completed tasks this long after they finish
    keep_completed: int | None = None  # or keep only the newest N completed tasks

    def options_for(self, kind: ExecutorKind[Any]) -> Any:
        """`kind`'s saved options, or its defaults when none are saved or they are no longer valid."""
        try:
            return kind.parse_options(self.options.get(kind.kind))
        except (TypeError, ValueError):
            return kind.default_options()

    def with_options(self, kind: ExecutorKind[Any], options: Any) -> Settings:
        return replace(self, options={**self.options, kind.kind: options.to_dict()})

    def to_json(self) -> str:
        data = asdict(self)
        data["options"] = {kind: dict(values) for kind, values in self.options.items()}
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: str | None, *, legacy_kind: str | None = None) -> Settings:
        """Whatever is stored; fields that are missing or invalid take their defaults. Options saved
        before kinds existed (one flat object) are read as `legacy_kind`'s."""
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        settings = replace(cls(), options=_options(data.get("options"), legacy_kind))
        for name in (f.name for f in fields(cls) if f.name != "options"):
            try:
                settings = replace(settings, **{name: _checked(name, data[name])})
            except (KeyError, TypeError, ValueError):
                continue
        return settings


def _options(value: Any, legacy_kind: str | None) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        return {}
    if all(isinstance(item, dict) for item in value.values()):
        return {str(kind): dict(item) for kind, item in value.items()}
    return {legacy_kind: dict(value)} if legacy_kind else {}


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


def load_settings(storage: Storage, *, legacy_kind: str | None = None) -> Settings:
    return Settings.from_json(storage.get(SETTINGS_KEY), legacy_kind=legacy_kind)


def save_settings(storage: Storage, settings: Settings) -> bool:
    """Store the settings; False when the storage is full (they then last until the reload)."""
    try:
        storage.set(SETTINGS_KEY, settings.to_json())
    except StorageFullError:
        return False
    return True
