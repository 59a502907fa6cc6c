"""What an executor package hands the app at start-up (a Plugin), and what the app offers it in
return (a Host: the page's query and its workers). Each executor package has a
`plugin(host) -> Plugin` function; the app's composition root lists the packages.

Standard library only: the browser ring implements Host; executors build Plugins.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from dataflow.core.kinds import ExecutorKind
from dataflow.core.wire import ErrorRegistry, WorkerCaller


class Host(Protocol):
    def query_number(self, name: str, default: float) -> float:
        """The page's `?name=N` as a number, or `default` when absent or not a number."""

    def worker_count(self) -> int:
        """How many workers a kind should have by default (`?workers=N`, else one per core, 1 to 4)."""

    def workers(self, *, script: str, prefix: str, count: int, label: str,
                errors: ErrorRegistry, eager: int | None = None) -> list[WorkerCaller]:
        """`count` workers running `script` (a path relative to the page), named `prefix-1`,
        `prefix-2`…; `label` names them in messages ("image worker", say); `errors` raises their errors.
        The first `eager` (default: all) start with the page; the others are lazy: each starts on its
        first call (0: all lazy)."""


@dataclass(frozen=True)
class OptionCheck:
    """A check of one option too heavy for the page's main thread, which the kind runs elsewhere (in
    its worker): `field` names the option (an OptionField of the kind's form) and `problem(value)`
    awaits why the options refuse that value (the message parsing them raises where the check runs),
    or "" when they take it. It may raise (a worker that cannot start): the page then says nothing
    more, and the task still checks its options where it runs. `applies(values)` says whether the
    field counts for options given as a dict (their `to_dict()`): a field that only one operation
    uses refuses nothing while another is chosen; None, always."""

    field: str
    problem: Callable[[Any], Awaitable[str]]
    applies: Callable[[Mapping[str, Any]], bool] | None = None

    def counts(self, values: Mapping[str, Any]) -> bool:
        """Whether this check's field counts for the options `values` (see `applies`)."""
        return self.applies is None or self.applies(values)


@dataclass(frozen=True)
class Plugin:
    """One kind, registered: its description, its executor, how many of its tasks may run at once,
    (optionally) how to read the versions of what it runs, shown in the page's footer, and the
    `option_checks` the page asks off its main thread when the kind's form changes."""

    kind: ExecutorKind[Any]
    executor: Any
    concurrency: int = 1
    runtime_info: Callable[[], Awaitable[dict[str, str]]] | None = None
    option_checks: tuple[OptionCheck, ...] = ()
