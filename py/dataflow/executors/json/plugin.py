"""The JSON workbench as a plug-in: its worker (`py/json_worker.py`), its executor over it, its kind,
and the check of a form's schema, asked of that worker: the page's main thread never loads
fastjsonschema (compiling a draft's meta-schema blocks 0.3-0.5 s in Pyodide). The app calls
`plugin(host)` at start-up. Executors ring: the host supplies the workers; nothing here touches the
browser."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from dataflow.core.plugin import Host, OptionCheck, Plugin
from dataflow.core.pool import Pool
from dataflow.core.wire import ErrorRegistry
from dataflow.executors.json.client import WorkerJsonClient
from dataflow.executors.json.executor import JsonClient, JsonExecutor
from dataflow.executors.json.kind import JsonKind

WORKER_SCRIPT = "./py/json_worker.py"
WORKER_PREFIX = "json"


def plugin(host: Host) -> Plugin:
    """JSON tasks run in `?json_workers=N` workers (default 1: a task may hold a 200 MB file), one
    task per worker; `?finish_delay=S` (tests only) waits between storing a result and returning it."""
    kind = JsonKind()
    count = max(1, int(host.query_number("json_workers", 1)))
    workers = host.workers(script=WORKER_SCRIPT, prefix=WORKER_PREFIX, count=count, label="JSON worker",
                           errors=ErrorRegistry(*kind.errors), eager=0)  # booted by the first JSON task
    clients = [WorkerJsonClient(worker) for worker in workers]
    pool: Pool[JsonClient] = Pool(list(clients))
    executor = JsonExecutor(pool, finish_delay=host.query_number("finish_delay", 0.0))

    async def runtime_info() -> dict[str, str]:  # the footer shows no JSON version: a lazy worker stays off
        return {}

    return Plugin(kind=kind, executor=executor, concurrency=pool.size, runtime_info=runtime_info,
                  option_checks=(OptionCheck("schema", schema_check(clients), applies=validates),))


def validates(values: Mapping[str, Any]) -> bool:
    """Whether the JSON options `values` (JsonOptions.to_dict()) validate records against their
    schema: Inspect only, so another operation is never refused for the schema it leaves aside."""
    return values.get("operation", "inspect") == "inspect"


def schema_check(clients: list[WorkerJsonClient]) -> Callable[[Any], Awaitable[str]]:
    """The form's schema check: `await check(text)` is the JSON options' refusal of that schema text,
    or "", from a worker already started if any (else the first, which the call starts)."""

    async def check(schema: Any) -> str:
        client = next((client for client in clients if client.ready), clients[0])
        return await client.schema_refusal(str(schema))

    return check
