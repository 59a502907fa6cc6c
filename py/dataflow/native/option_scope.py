"""Which files the command line's kind options apply to, read from the kinds' own declarations: each
field of a kind's options form (`--mode`, `--schema`) and its secret (`--password`) belong to that
kind. In a run of several kinds (PDFs and JSON files) an option that applies to none of the files
given is refused, naming it and its kinds; one that applies to some is used for those, and the run
notes once which files it was not used for. Native ring.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dataflow.core.kinds import ExecutorKind, KindRegistry
from dataflow.core.text import plural
from dataflow.native.batch import Source, UsageError
from dataflow.native.form_options import dest, flag, is_yes_no

NAMED_FILES = 5  # files a note names before it counts the rest


@dataclass(frozen=True)
class GivenOption:
    """An option the command line gave, as typed (`--mode`, `--no-pretty`), and the kinds declaring it."""

    flag: str
    kinds: tuple[str, ...]


def given_options(args: argparse.Namespace, kinds: Iterable[ExecutorKind[Any]]) -> list[GivenOption]:
    """The kind options `args` holds a value for (an option left out is None, whatever its default),
    in the kinds' order, then their forms'; an option several kinds declare is listed once with them all."""
    found: dict[str, list[str]] = {}
    for kind in kinds:
        for field in kind.form:
            value = getattr(args, dest(kind, field), None)
            if value is not None:
                typed = flag(field) if not (is_yes_no(field) and value is False) else "--no-" + flag(field)[2:]
                found.setdefault(typed, []).append(kind.kind)
        if kind.secret is not None and getattr(args, kind.secret.name, None) is not None:
            found.setdefault("--" + kind.secret.name.replace("_", "-"), []).append(kind.kind)
    return [GivenOption(name, tuple(dict.fromkeys(owners))) for name, owners in found.items()]


def scope_notices(given: Sequence[GivenOption], sources: Sequence[Source], kinds: KindRegistry) -> list[str]:
    """One note per group of options (those of the same kinds) naming the files of `sources` they do
    not apply to; no note for options that apply to every file. Raises UsageError naming every option
    that applies to none of them, and the kinds it applies to."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for option in given:
        groups.setdefault(option.kinds, []).append(option.flag)
    refused, notes = [], []
    for owners, flags in groups.items():
        others = [source for source in sources if source.kind not in owners]
        if not others:
            continue
        subject = f"{_listed(flags)} {'applies' if len(flags) == 1 else 'apply'} only to {_labels(owners, kinds)}"
        if len(others) == len(sources):
            refused.append(f"{subject}, and none of the files given is one ({_counts(others, kinds)}). "
                           "Leave it out, or give such files.")
        else:
            notes.append(f"{subject}: not used for {_counts(others, kinds)} ({_names(others)}).")
    if refused:
        raise UsageError(" ".join(refused))
    return notes


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _labels(owners: tuple[str, ...], kinds: KindRegistry) -> str:
    """ "PDF files (.pdf)", the files each kind takes, as the page says it."""
    labels = [kind.accepts.label if (kind := kinds.get(name)) is not None else name for name in owners]
    return " or ".join(labels)


def _counts(sources: Sequence[Source], kinds: KindRegistry) -> str:
    """ "2 JSON files", "1 PDF and 3 JSON files": the files by kind, in the nouns of their kinds."""
    by_kind: dict[str, int] = {}
    for source in sources:
        by_kind[source.kind] = by_kind.get(source.kind, 0) + 1
    nouns = [plural(count, kind.noun if (kind := kinds.get(name)) is not None and kind.noun else f"{name} file")
             for name, count in by_kind.items()]
    return _listed(nouns)


def _names(sources: Sequence[Source]) -> str:
    """The files' paths, relative to the working folder where they are below it, the first few only."""
    names = [_shown(source.path) for source in sources[:NAMED_FILES]]
    rest = len(sources) - len(names)
    return ", ".join(names) + (f" and {rest} more" if rest else "")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
