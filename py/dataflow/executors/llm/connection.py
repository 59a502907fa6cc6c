"""*Test connection*: one small Chat Completions call with the settings as typed, and a plain
report of what happened. The key goes into the Authorization header only and never into the
report. Standard library only; the page supplies the transport and the clock."""

from __future__ import annotations

import asyncio
import json

from dataflow.core.clock import Clock
from dataflow.core.http import HttpTransport, TransportError
from dataflow.executors.llm.calls import redact
from dataflow.executors.llm.options import LlmOptions
from dataflow.executors.llm.retry_rules import describe

PROBE = "Answer with the JSON object {\"ok\": true} and nothing else."
TIMEOUT = 30.0
NO_KEY = "Enter the API key first: this provider needs one."


def probe_body(model: str) -> bytes:
    """The smallest useful request: a few tokens in, at most 20 out."""
    messages = [{"role": "system", "content": "You answer with JSON only."}, {"role": "user", "content": PROBE}]
    return json.dumps({"model": model, "messages": messages,
                       "max_tokens": 20, "temperature": 0}).encode("utf-8")


async def check_connection(transport: HttpTransport, clock: Clock, options: LlmOptions, api_key: str,
                          *, timeout: float = TIMEOUT) -> tuple[bool, str]:
    """(worked, a sentence for people) after one request to `options.endpoint`; no request at all
    when the provider needs a key (`options.needs_key`) and `api_key` is blank."""
    if options.needs_key and not api_key.strip():
        return False, NO_KEY
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    started = clock.now()
    try:
        response = await asyncio.wait_for(transport.post(options.endpoint, headers, probe_body(options.model)),
                                          timeout)
    except TimeoutError:
        return False, f"No answer from {options.base_url} within {timeout:g} s."
    except TransportError as error:
        return False, redact(f"Could not reach {options.base_url}: {error}.", api_key)
    seconds = clock.now() - started
    reason = redact(describe(response.status, response.body), api_key)
    if 200 <= response.status < 300:
        return True, f"Connected: {options.model} answered in {seconds:.1f} s."
    if response.status in (401, 403):
        return False, f"The provider refused the key ({reason})."
    if response.status == 404:
        return False, f"The provider does not know the model {options.model!r} or this address ({reason})."
    if response.status == 429:
        return True, f"Reachable, but the provider is limiting requests right now ({reason})."
    return False, f"The provider answered with an error ({reason})."
