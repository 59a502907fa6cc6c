"""The LLM kind's errors: what fails a task, what asks the user for a key. Standard library only."""

from __future__ import annotations

from dataflow.core.errors import NonRetryableError
from dataflow.core.http import TransportError

__all__ = ["AnswerError", "InvalidApiKeyError", "ModelNotFoundError", "OptionError", "RequestTimeoutError",
           "SchemaError", "TransportError"]


class InvalidApiKeyError(NonRetryableError):
    """The provider refused the key (HTTP 401 or 403): the task waits for a valid one."""


class ModelNotFoundError(NonRetryableError):
    """The provider does not know the model or the endpoint (HTTP 404): the task fails."""


class RequestTimeoutError(TransportError):
    """No answer within the request time limit; the request was aborted."""


class SchemaError(ValueError):
    """A JSON Schema uses something this validator does not support, or is not a schema."""


class AnswerError(ValueError):
    """The model's answer is not the JSON asked for; the message says why."""


class OptionError(ValueError):
    """An option cannot be used; `option` names it (the page marks that field), the message starts
    with its label."""

    def __init__(self, message: str, option: str):
        super().__init__(message)
        self.option = option
