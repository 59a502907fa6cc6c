"""Entry point of a JSON worker (the JSON plug-in's worker script): PyScript runs this in a Web
Worker and exposes `__export__` to the main thread. JSON strings in, JSON strings out.

fastjsonschema (a user's schema in Inspect) is loaded here, from the vendored lock, and nowhere
else: the main thread never imports it, and asks this worker whether the form's schema can be used
(`json_schema_refusal`: its draft's meta-schema takes 0.3-0.5 s to compile in Pyodide)."""

import json

import pyodide_js

from dataflow.browser.worker_side import idb_blob_store, reply
from dataflow.browser.worker_side import runtime_info as versions
from dataflow.executors.json.options import schema_refusal
from dataflow.executors.json.service import JsonService

await pyodide_js.loadPackage("fastjsonschema")  # noqa: F704, PLE1142 - PyScript runs this module with top-level await

_service: JsonService | None = None


def service() -> JsonService:
    global _service
    if _service is None:
        _service = JsonService(idb_blob_store())
    return _service


async def json_open(task_id: str, file_id: str, options_json: str, source: str, checkpoint_json: str) -> str:
    return await reply(lambda: service().open(task_id, file_id, json.loads(options_json), source=source,
                                              checkpoint=json.loads(checkpoint_json)))


async def json_process(task_id: str, position_json: str, budget: int) -> str:
    return await reply(lambda: service().process(task_id, json.loads(position_json), int(budget)))


async def json_finish(task_id: str, run: str) -> str:
    return await reply(lambda: service().finish(task_id, str(run)))


async def json_forget(task_id: str) -> str:
    async def forget() -> None:
        service().forget(task_id)

    return await reply(forget)


async def json_schema_refusal(schema: str) -> str:
    """Why the JSON options refuse the schema text `schema` (their message), or "" (the page's form)."""
    async def check() -> str:
        return schema_refusal(str(schema))

    return await reply(check)


def runtime_info() -> str:
    return versions("fastjsonschema")


def json_memory() -> str:
    """JSON {"heap_bytes": size of this worker's WebAssembly memory}: it only grows, so read after a
    task it is the high-water mark of everything the worker held (for `make bench`)."""
    return json.dumps({"heap_bytes": int(pyodide_js._module.HEAP8.length)})


__export__ = ["json_open", "json_process", "json_finish", "json_forget", "json_schema_refusal", "runtime_info",
              "json_memory"]
