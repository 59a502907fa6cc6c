"""BrowserHost: the default worker count (one per core, 1 to 4, `?workers=N` first) and which of a
kind's workers boot with the page (the first `eager`) and which on their first call."""

import pytest

from dataflow.browser.host import BrowserHost
from dataflow.core.wire import ErrorRegistry


@pytest.mark.parametrize(("cores", "query", "expected"), [
    (1, {}, 1), (2, {}, 2), (3, {}, 3), (16, {}, 4), (0, {}, 1),
    (2, {"workers": ["1"]}, 1), (2, {"workers": ["6"]}, 6), (2, {"workers": ["0"]}, 1),
    (2, {"workers": ["many"]}, 2),
])
def test_the_default_is_one_worker_per_core_up_to_four_and_the_query_overrides_it(cores, query, expected):
    assert BrowserHost(query, cores=cores).worker_count() == expected


def make(host, count, **eager):
    return host.workers(script="./w.py", prefix="w", count=count, label="worker", errors=ErrorRegistry(), **eager)


def test_only_the_first_eager_workers_are_spawned_at_start_up():
    host = BrowserHost({}, cores=4)
    workers = make(host, 3, eager=1)
    assert [worker.name for worker in workers] == ["w-1", "w-2", "w-3"]
    assert [name for _, name in host.spawned] == ["w-1"]
    assert not any(worker.started for worker in workers)


def test_by_default_every_worker_boots_with_the_page_and_eager_0_boots_none():
    host = BrowserHost({}, cores=4)
    make(host, 2)
    assert [name for _, name in host.spawned] == ["w-1", "w-2"]
    make(host, 2, eager=0)
    assert [name for _, name in host.spawned] == ["w-1", "w-2"]
