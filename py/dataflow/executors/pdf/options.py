"""What the user chose for a PDF task (mode, format, limits), validated. Standard library only."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

MODES = ("text", "images", "complete")
FORMATS = ("zip", "json")
MB = 1024 * 1024
# The options' labels: the form's (kind.py) and the start of every message about a bad value, as
# OptionField.message() words a whole number ("Maximum images: enter a whole number ..."), so the page
# and the command line (native/form_options.py puts the flag in front) say which field is wrong.
LABELS = {"mode": "Extract", "max_images": "Maximum images", "format": "Output",
          "max_file_bytes": "Largest file (bytes)", "max_pages": "Most pages"}


@dataclass(frozen=True)
class PdfOptions:
    """Defaults are the original's: complete, 10 images, zip."""

    mode: str = "complete"
    max_images: int = 10
    format: str = "zip"
    max_file_bytes: int = 200 * MB
    max_pages: int = 5_000

    def __post_init__(self) -> None:
        for name, allowed in (("mode", MODES), ("format", FORMATS)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{LABELS[name]}: choose one of {', '.join(allowed)}; got {getattr(self, name)!r}.")
        for name in ("max_images", "max_file_bytes", "max_pages"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{LABELS[name]}: enter a whole number of at least 0; got {value!r}.")

    @property
    def wants_text(self) -> bool:
        return self.mode in ("text", "complete")

    @property
    def wants_images(self) -> bool:
        return self.mode in ("images", "complete")  # with max_images 0 they are listed and counted, none kept

    @property
    def wants_details(self) -> bool:
        return self.mode == "complete"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PdfOptions:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})
