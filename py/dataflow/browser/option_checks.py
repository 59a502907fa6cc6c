"""The checks of a kind's options that its plug-in runs off the page's main thread (core.plugin.
OptionCheck: a JSON schema against its draft's meta-schema, in the JSON worker), asked when the
kind's form changes. Each answer is kept for the value it judged, so the form never asks twice about
one value; an answer refuses the form only if the form still holds that value (the user may have
typed on). Browser ring without the DOM (PageControls marks the field); names no kind."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from dataflow.core.kinds import Options
from dataflow.core.plugin import OptionCheck

KEEP = 32  # answers kept (a few edits of each field)


class OptionChecks:
    """`checks` are each kind's OptionChecks; `refuse(kind, field, message)` is called when an answer
    refuses the value the form of `kind` still holds; `warn(message)` (the console) when a check
    cannot answer: nothing more is said then, as the task checks its options itself where it runs."""

    def __init__(self, checks: Mapping[str, Iterable[OptionCheck]], *, refuse: Callable[[str, str, str], None],
                 warn: Callable[[str], None], keep: int = KEEP):
        self.checks = {kind: tuple(found) for kind, found in checks.items()}
        self.refuse, self.warn, self.keep = refuse, warn, keep
        self.answers: dict[tuple[str, str, str], str] = {}  # (kind, field, value as JSON) -> refusal or ""
        self.held: dict[tuple[str, str], str] = {}  # (kind, field) -> the value asked about, while the form holds it
        self.asking: dict[tuple[str, str, str], asyncio.Future[None]] = {}

    def known(self, kind: str, options: Options) -> tuple[str, str] | None:
        """(field, message) of a refusal already answered for a value `options` hold, else None (a
        check whose field does not count for these options, OptionCheck.applies, refuses nothing)."""
        values = options.to_dict()
        for check in self.checks.get(kind, ()):
            if not check.counts(values):
                continue
            refusal = self.answers.get((kind, check.field, _key(values.get(check.field))))
            if refusal:
                return check.field, refusal
        return None

    def ask(self, kind: str, options: Options) -> None:
        """Ask each check of `kind` about its field's value in `options` (the options the form now
        holds, taken by its own parse), unless that value is empty or answered already; at most one
        question a value is on its way."""
        values = options.to_dict()
        for check in self.checks.get(kind, ()):
            value = values.get(check.field)
            question = (kind, check.field, _key(value))
            if value is None or question in self.answers or not check.counts(values):
                continue
            self.held[(kind, check.field)] = question[2]
            if question not in self.asking:
                self.asking[question] = asyncio.ensure_future(self._ask(check, question, value))

    def drop(self, kind: str) -> None:
        """The form of `kind` changed or was rewritten: answers on their way refuse nothing (they are
        kept for their values all the same)."""
        for held in [held for held in self.held if held[0] == kind]:
            del self.held[held]

    async def _ask(self, check: OptionCheck, question: tuple[str, str, str], value: Any) -> None:
        kind, field, key = question
        try:
            refusal = await check.problem(value)
        except Exception as error:  # a worker that does not start or answer: the task's own check refuses
            self.warn(f"The {kind} option {field} could not be checked beside the page: {error!r}")
            return
        finally:
            del self.asking[question]
        self.answers[question] = refusal
        while len(self.answers) > self.keep:
            del self.answers[next(iter(self.answers))]
        if self.held.get((kind, field)) == key:
            del self.held[(kind, field)]
            if refusal:
                self.refuse(kind, field, refusal)


def _key(value: Any) -> str:
    """An option's value as a key (JSON; a text field's value is a str)."""
    return json.dumps(value, sort_keys=True)
