"""The PDF plug-in over a host: as many workers as the host's count, only the first eager, tasks
up to that many at once, the footer's version read from the first worker alone, and another worker
started by the pool when a task finds the first busy."""

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


async def test_the_second_worker_starts_when_a_task_finds_the_first_busy():
    host = Host(2)
    pool = plugin(host).executor.pool
    first = await pool.acquire()
    pool.release(first)
    assert await pool.acquire() is first and [worker.asked for worker in host.made] == [0, 0]
    second = await pool.acquire()  # the first is busy: the second worker boots, then serves
    assert second is not first and [worker.asked for worker in host.made] == [0, 1]
