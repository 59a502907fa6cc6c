"""The PDF service called in-process, as a worker would answer it: for tests and benchmarks."""

from dataflow.executors.pdf.service import PdfService


class LocalPdfClient:
    """The service called in-process (tests, benchmarks); the same calls a worker answers."""

    ready = True  # in-process: nothing to start

    def __init__(self, service: PdfService):
        self.service = service

    async def start(self):
        pass

    async def open(self, task_id, file_id, options, *, source, password):
        return await self.service.open(task_id, file_id, options, source=source, password=password)

    async def process(self, task_id, start, end, budget=None):
        return await self.service.process(task_id, start, end, budget)

    async def finish(self, task_id, run):
        return await self.service.finish(task_id, run)

    async def forget(self, task_id):
        self.service.forget(task_id)


class SinglePool:
    """A pool of one client that is never busy (calls to one service are serialised by the caller)."""

    idle = True

    def __init__(self, client):
        self.client = client

    async def acquire(self):
        return self.client

    def release(self, client) -> None:
        pass
