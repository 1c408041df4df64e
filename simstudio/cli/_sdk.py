"""The SDK internals the CLI borrows, imported in this one place only.

Everything else the CLI uses is public (``simstudio``'s ``__all__``). These two helpers have no
public home yet; when they move, only the import below changes.
"""

from __future__ import annotations

from ..resources.jobs import job_result
from ..types._wire import error_text

__all__ = ["error_text", "job_result"]
