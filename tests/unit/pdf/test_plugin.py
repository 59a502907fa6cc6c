"""The PDF plug-in over a host: as many workers as the host's count, only the first eager, tasks
up to that many at once, and the footer's version read from the first worker alone."""

from dataflow.executors.pdf.plugin import WORKER_PREFIX, plugin


class Worker:
    def __init__(self, name):
        self.name, self.asked = name, 0

    @property
    def started(self):
        return self.asked > 0

    async def call(self, function, args, *, seconds, what):
        raise AssertionError("no PDF call is made here")

    async def runtime_info(self):
        self.asked += 1
        return {"pypdf": "6.0.0", "python": "3.14"}


class Host:
    def __init__(self, count):
        self.count, self.made, self.asked_for = count, [], {}

    def query_number(self, name, default):
        return default

    def worker_count(self):
        return self.count

    def workers(self, *, script, prefix, count, label, errors, eager=None):
        self.asked_for = {"prefix": prefix, "count": count, "eager": eager}
        self.made = [Worker(f"{prefix}-{number}") for number in range(1, count + 1)]
        return self.made


async def test_two_workers_run_two_tasks_at_once_and_only_the_first_is_asked_for_the_footer():
    host = Host(2)
    made = plugin(host)
    assert made.concurrency == 2
    assert host.asked_for == {"prefix": WORKER_PREFIX, "count": 2, "eager": 1}
    assert await made.runtime_info() == {"pypdf": "6.0.0"}
    assert [worker.asked for worker in host.made] == [1, 0]  # the lazy worker stays off


def test_one_worker_runs_one_task_at_a_time():
    assert plugin(Host(1)).concurrency == 1
