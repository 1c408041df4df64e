"""Batch items and their outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Union

from .._errors import SimStudioError
from .workflows import AsyncExecutionResult, WorkflowExecutionResult

__all__ = ["BatchItem", "BatchResult"]


@dataclass(frozen=True)
class BatchItem:
    """One execution of a batch."""

    workflow_id: str
    input_data: Any = None


@dataclass
class BatchResult:
    """The outcome of one batch item: ``result`` or ``error``, never both.

    Attributes:
        index: The item's position in the input.
        item: The item itself.
        result: The execution result (which may itself say ``success=False``).
        error: Why the item could not be executed.
        attempts: Requests sent for this item (rate-limited ones included).
    """

    index: int
    item: BatchItem
    result: Optional[Union[WorkflowExecutionResult, AsyncExecutionResult]] = None
    error: Optional[SimStudioError] = None
    attempts: int = 0

    @property
    def ok(self) -> bool:
        """Whether the item ran and its workflow succeeded."""
        return self.error is None and bool(getattr(self.result, "success", False))
