"""The records of a stored `.json` / `.jsonl` file for enrichment, read with the JSON kind's
layout detection and record reader (JSONL lines, a top-level array, or the largest array of
objects in a top-level object), yielding to the event loop every `slice_seconds` so a large file
never blocks the page for long. Executors ring: standard library and the JSON executor's reader.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from dataflow.core.blobs import BlobStore, file_key
from dataflow.core.errors import NonRetryableError
from dataflow.executors.json.encoding import to_utf8
from dataflow.executors.json.errors import JsonInputError
from dataflow.executors.json.layout import detect
from dataflow.executors.json.reader import RecordReader

MAX_DEPTH = 512  # the JSON kind's default: deeper records are refused before the parser sees them
SLICE_SECONDS = 0.02  # at most this long between yields (a long task is 50 ms)


async def read_records(data: bytes, name: str, *, pause: Callable[[], Awaitable[None]],
                       slice_seconds: float = SLICE_SECONDS,
                       timer: Callable[[], float] = time.perf_counter) -> list[Any]:
    """Every record of `data` (a file called `name`), in order. `pause()` is awaited whenever
    `slice_seconds` of work have passed (the page passes `asyncio.sleep(0)`-like yields).

    Raises NonRetryableError with the JSON kind's message for a file that is empty, not JSON,
    not UTF-8/UTF-16 or broken at some line and column."""
    if not data.strip():
        raise NonRetryableError(f"{name} is empty: there are no records to enrich.")
    try:
        text = to_utf8(data)
        await pause()
        layout = detect(text.data, name, None, MAX_DEPTH)
        await pause()
        reader = RecordReader(text.data, layout, max_depth=MAX_DEPTH)
        records: list[Any] = []
        started = timer()
        for record in reader.records():
            records.append(record.value)
            if timer() - started >= slice_seconds:
                await pause()
                started = timer()
    except JsonInputError as error:
        raise NonRetryableError(f"{name} cannot be read as records: {error}") from error
    return records


class BlobRecordSource:
    """The RecordSource of a task whose input names a stored file (`file_id`, `file_name`): its
    bytes from the blob store, its records read as above. NonRetryableError when the file is gone."""

    def __init__(self, blobs: BlobStore, *, pause: Callable[[], Awaitable[None]]):
        self.blobs, self.pause = blobs, pause

    async def records(self, input: Mapping[str, Any]) -> list[Any]:  # noqa: A002 - the RecordSource API
        name = str(input.get("file_name") or input.get("name") or "records.json")
        data = await self.blobs.get(file_key(str(input.get("file_id") or "")))
        if data is None:
            raise NonRetryableError(f"The stored copy of {name} is gone (removed or cleared with the site's "
                                    "data); add the file again.")
        return await read_records(data.encode() if isinstance(data, str) else data, name, pause=self.pause)
