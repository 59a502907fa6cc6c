"""The orchestrator core: tasks, their lifecycle, retries, persistence and resumption.

Standard library only: this package runs unchanged under CPython (tests) and Pyodide (the app)
and must never import `js`, `pyodide`, `pyscript` or an executor's libraries.
"""

from dataflow.core.clock import Clock, ManualClock, SystemClock
from dataflow.core.errors import (
    CorruptRecordError,
    DataflowError,
    InputMissingError,
    InvalidTransitionError,
    NonRetryableError,
    StorageFullError,
    TaskCancelledError,
    TaskPausedError,
    UnknownTaskError,
)
from dataflow.core.events import TaskEvent
from dataflow.core.executor import ExecutionContext, TaskExecutor
from dataflow.core.model import AttemptRecord, TaskError, TaskState
from dataflow.core.orchestrator import Orchestrator
from dataflow.core.retry import RetryPolicy
from dataflow.core.status import TaskStatus
from dataflow.core.storage import MemoryStorage, Storage

__all__ = [
    "AttemptRecord",
    "Clock",
    "CorruptRecordError",
    "DataflowError",
    "ExecutionContext",
    "InputMissingError",
    "InvalidTransitionError",
    "ManualClock",
    "MemoryStorage",
    "NonRetryableError",
    "Orchestrator",
    "RetryPolicy",
    "Storage",
    "StorageFullError",
    "SystemClock",
    "TaskCancelledError",
    "TaskError",
    "TaskEvent",
    "TaskExecutor",
    "TaskPausedError",
    "TaskState",
    "TaskStatus",
    "UnknownTaskError",
]
