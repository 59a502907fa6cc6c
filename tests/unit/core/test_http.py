"""The HTTP seam: an answer's defaults, and the LLM kind naming the very same classes."""

from dataflow.core.http import HttpResponse, TransportError
from dataflow.executors.llm import errors, transport


def test_an_answer_without_readable_headers_has_none():
    assert HttpResponse(status=200, body=b"{}").headers == {}


def test_the_llm_kind_uses_the_cores_seam():
    assert transport.HttpResponse is HttpResponse and errors.TransportError is TransportError
    assert issubclass(errors.RequestTimeoutError, TransportError)
