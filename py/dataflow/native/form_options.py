"""Command-line options made from a kind's options form (`ExecutorKind.form`, the fields the page
shows), so the page and the command line have one list of options, one set of names and one
validation: each field `split_size` becomes `--split-size`, parsed by the field itself (the page's
message) and then by the kind's `parse_options` (the page's rules across fields). Native ring.

How a field becomes an option:
- a yes/no list (the kind's choices "True"/"False") becomes a flag pair, `--pretty` / `--no-pretty`;
- another list becomes a choice (`--operation inspect|clean|...`);
- a whole number keeps the field's bounds (`--split-size N`, 1 to 1,000,000);
- a one-line text stays text (`--records-path /data/items`); a multi-line text (a JSON Schema) is
  read from a file (`--schema FILE`), as a person keeps one.
An option not given keeps the kind's default, as an untouched form does.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataflow.core.kinds import ExecutorKind, OptionField, Options
from dataflow.native.batch import UsageError

YES_NO_VALUES = {"True", "False"}


def flag(field: OptionField) -> str:
    """The option a field becomes: `split_size` -> `--split-size`."""
    return "--" + field.name.replace("_", "-")


def is_yes_no(field: OptionField) -> bool:
    return bool(field.choices) and {value for value, _ in field.choices} == YES_NO_VALUES


def dest(kind: ExecutorKind[Any], field: OptionField) -> str:
    """Where argparse keeps a field's value: apart from other kinds' options of the same name."""
    return f"{kind.kind}_{field.name}"


def add_form_options(parser: argparse.ArgumentParser, kind: ExecutorKind[Any], *, title: str) -> None:
    """One option per field of `kind.form`, in a group named `title`; defaults as the kind's."""
    defaults = kind.default_options().to_dict()
    group = parser.add_argument_group(title)
    for field in kind.form:
        default = defaults.get(field.name)
        shown = f" (default: {default})" if default not in (None, "") else ""
        if is_yes_no(field):
            group.add_argument(flag(field), dest=dest(kind, field), action=argparse.BooleanOptionalAction,
                               default=None, help=f"{field.label}{' (default: yes)' if default else ''}")
        elif field.control == "select":
            labels = "; ".join(f"{value}: {label}" for value, label in field.choices)
            group.add_argument(flag(field), dest=dest(kind, field), choices=[value for value, _ in field.choices],
                               default=None, help=f"{field.label}: {labels}{shown}".replace("%", "%%"))
        elif field.control == "number":
            group.add_argument(flag(field), dest=dest(kind, field), default=None, metavar="N",
                               help=f"{field.label}, {field.message().split(': enter ', 1)[1].rstrip('.')}{shown}")
        elif field.control == "textarea":
            group.add_argument(flag(field), dest=dest(kind, field), default=None, metavar="FILE", type=Path,
                               help=f"{field.label}: a file holding it. {field.hint}".replace("%", "%%"))
        else:
            group.add_argument(flag(field), dest=dest(kind, field), default=None, metavar="TEXT",
                               help=f"{field.label}. {field.hint}".replace("%", "%%"))


def options_from(args: argparse.Namespace, kind: ExecutorKind[Any]) -> Options:
    """The kind's options from the parsed command line; UsageError naming the option for a value the
    page would refuse (the field's message, or the kind's own rule across fields)."""
    values: dict[str, Any] = {}
    for field in kind.form:
        given = getattr(args, dest(kind, field), None)
        if given is None:
            continue
        if is_yes_no(field):
            values[field.name] = str(bool(given))
        elif field.control == "textarea":
            values[field.name] = _read_text(given, field)
        else:
            try:
                values[field.name] = field.parse(str(given))
            except ValueError as error:
                raise UsageError(f"{flag(field)}: {error}") from None
    try:
        return kind.parse_options(values)
    except (ValueError, TypeError) as error:
        raise UsageError(_with_flags(str(error), kind.form)) from None


def refuse_unused(args: argparse.Namespace, options: Options, kind: ExecutorKind[Any], *, selector: str,
                  used_by: Mapping[str, tuple[str, ...]]) -> None:
    """UsageError naming both options when an option was set (to other than its default) that the
    choice of `selector` does not use (`--dedupe` with `--operation clean`: the page's form would
    ignore it without a word). `used_by`: each value of `selector` -> the fields it uses."""
    values, defaults = options.to_dict(), kind.default_options().to_dict()
    choice, picker = values[selector], _field(kind, selector)
    chosen = f"{flag(picker)} {choice}" + ("" if getattr(args, dest(kind, picker), None) is not None
                                           else " (the default)")
    for field in kind.form:
        used = field.name == selector or field.name in used_by.get(choice, ())
        if used or values[field.name] == defaults[field.name]:
            continue
        users = [value for value, names in used_by.items() if field.name in names]
        listed = " or ".join(users) if len(users) < 3 else f"{', '.join(users[:-1])} or {users[-1]}"
        where = f"it is used by {flag(picker)} {listed}" if users else "nothing uses it"
        other = f"that {selector}" if len(users) == 1 else f"one of those {selector}s"
        raise UsageError(f"{flag(field)} does nothing with {chosen}: {where}. Leave it out, or choose {other}.")


def _field(kind: ExecutorKind[Any], name: str) -> OptionField:
    return next(field for field in kind.form if field.name == name)


def _with_flags(message: str, fields: tuple[OptionField, ...]) -> str:
    """`message` naming its option: one that starts with a field's label, as the page words it
    ("Records path (JSON Pointer): …"), gets the option in front ("--records-path: Records path …");
    in any other, each field's name, as a word, is written as its option (records_path -> --records-path)."""
    for field in fields:
        if message.startswith(f"{field.label}:"):
            return f"{flag(field)}: {message}"
    for field in fields:
        message = re.sub(rf"(?<![\w-]){re.escape(field.name)}\b", flag(field), message)
    return message


def _read_text(path: Path, field: OptionField) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise UsageError(f"{flag(field)}: cannot read {path}: {reason}.") from None
    return text if text.strip() else None
