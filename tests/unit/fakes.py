"""Stand-ins for browser objects, for running browser-ring adapters under CPython."""

import asyncio


class JsNull:
    """Pyodide's JsNull: JS null, distinct from None."""


class FakeQuotaExceededError(Exception):
    name = "QuotaExceededError"


class FakeWebStorage:
    """The Web Storage API (localStorage) as a browser exposes it: getItem gives null when absent."""

    def __init__(self, quota: int | None = None):
        self.items: dict[str, str] = {}
        self.quota = quota

    @property
    def length(self) -> int:
        return len(self.items)

    def key(self, index):
        keys = list(self.items)
        return keys[index] if index < len(keys) else JsNull()

    def getItem(self, key):  # noqa: N802 - the browser's name
        return self.items.get(key, JsNull())

    def setItem(self, key, value):  # noqa: N802
        if self.quota is not None:
            used = sum(len(k) + len(v) for k, v in self.items.items() if k != key)
            if used + len(key) + len(value) > self.quota:
                raise FakeQuotaExceededError("Failed to execute 'setItem' on 'Storage': exceeded the quota.")
        self.items[key] = str(value)

    def removeItem(self, key):  # noqa: N802
        self.items.pop(key, None)


class RecordingWorker:
    """A WorkerCaller that records each call (function, args, seconds, what) and answers `reply`, or
    raises `error`."""

    name = "worker-1"

    def __init__(self, reply=None, error=None, started=True):
        self.calls, self.reply, self.error, self.started = [], reply, error, started

    async def call(self, function, args, *, seconds, what):
        self.calls.append((function, args, seconds, what))
        if self.error is not None:
            raise self.error
        return self.reply

    async def start(self):
        self.started = True

    async def runtime_info(self):
        return {}


class AnsweringWorker:
    """A worker answering questions about an option's value (core.plugin.OptionCheck.problem) when
    the test says: `answer(value, refusal)` (or `fail(value, error)`)."""

    def __init__(self):
        self.asked, self.pending = [], {}

    async def problem(self, value):
        self.asked.append(value)
        self.pending[value] = asyncio.get_running_loop().create_future()
        return await self.pending[value]

    async def answer(self, value, refusal):
        self.pending.pop(value).set_result(refusal)
        await asyncio.sleep(0)  # the checker takes the answer

    async def fail(self, value, error):
        self.pending.pop(value).set_exception(error)
        await asyncio.sleep(0)
