"""What the ``simstudio`` command prints: stdout/stderr, JSON, progress, errors and exit codes."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from typing import Any, Dict

from .. import (
    APIConnectionError,
    ConfigurationError,
    ExecutionError,
    InvalidArgumentError,
    SimStudioError,
    StreamIncompleteError,
)

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_CONNECTION",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_WORKFLOW_FAILED",
    "Progress",
    "UsageError",
    "as_dict",
    "dumps",
    "emit_json",
    "err",
    "out",
    "print_output",
    "one_line",
    "report_error",
    "usage_error",
]

EXIT_OK = 0
EXIT_WORKFLOW_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_CONNECTION = 4
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake in the command line found after parsing (exit code 2)."""


def out(text: str = "", end: str = "\n") -> None:
    """Write ``text`` to stdout and flush, so streamed text shows up at once."""
    sys.stdout.write(text + end)
    sys.stdout.flush()


def err(text: str) -> None:
    """Write one line to stderr and flush."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def dumps(value: Any) -> str:
    """``value`` as indented JSON; what JSON cannot encode is written as ``str()``."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def emit_json(document: Any) -> None:
    """Write the one JSON document of a ``--json`` run to stdout."""
    out(dumps(document))


def as_dict(model: Any) -> Dict[str, Any]:
    """The fields of a result dataclass, without its ``raw`` wire data (nested results too)."""
    plain: Dict[str, Any] = as_plain(model)
    return plain


def as_plain(value: Any) -> Any:
    """Results (dataclasses, lists of them, nested ones) as JSON-ready data, without ``raw``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: as_plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "raw"
        }
    if isinstance(value, (list, tuple)):
        return [as_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: as_plain(item) for key, item in value.items()}
    return value


def print_output(output: Any) -> None:
    """Print a workflow's output: text as it is, anything else as JSON."""
    if output is None:
        err("(the workflow returned no output)")
    elif isinstance(output, str):
        out(output)
    else:
        out(dumps(output))


class Progress:
    """A one-line progress indicator on stderr while a job is waited for (TTY only)."""

    _FRAMES = "|/-\\"

    def __init__(self, label: str, enabled: bool) -> None:
        self._label = label
        self._enabled = enabled
        self._started = time.monotonic()
        self._updates = 0
        self._width = 0

    def update(self, job: Dict[str, Any]) -> None:
        """Redraw the line with the job's latest status and the time waited so far."""
        if not self._enabled:
            return
        frame = self._FRAMES[self._updates % len(self._FRAMES)]
        self._updates += 1
        elapsed = time.monotonic() - self._started
        line = f"{frame} waiting for {self._label}: {job.get('status')} ({elapsed:.0f}s)"
        self._width = max(self._width, len(line))
        sys.stderr.write("\r" + line.ljust(self._width))
        sys.stderr.flush()

    def finish(self) -> None:
        """Erase the line, if one was drawn."""
        if self._enabled and self._updates:
            sys.stderr.write("\r" + " " * self._width + "\r")
            sys.stderr.flush()


def usage_error(command: str, message: str) -> int:
    """Print a usage error as one line on stderr.

    Returns:
        ``EXIT_USAGE``.
    """
    err(f"simstudio {command}: error: {one_line(message)}")
    return EXIT_USAGE


def one_line(text: str) -> str:
    """``text`` with its line breaks folded into spaces."""
    return " ".join(text.split())


def _exit_code_for(error: SimStudioError) -> int:
    # The caller's own mistakes (a bad argument or base URL) are usage errors, whatever the SDK
    # call that noticed them.
    if isinstance(error, (ConfigurationError, InvalidArgumentError)):
        return EXIT_USAGE
    if isinstance(error, ExecutionError):
        return EXIT_WORKFLOW_FAILED
    if isinstance(error, (APIConnectionError, StreamIncompleteError)):
        return EXIT_CONNECTION
    return EXIT_API_ERROR


def report_error(error: SimStudioError, as_json: bool, command: str) -> int:
    """Describe an SDK error on stderr (and as JSON on stdout with ``--json``).

    Args:
        error: What the SDK raised.
        as_json: Also write the ``{"error": {...}}`` document to stdout.
        command: The subcommand, named in the line of a usage error.

    Returns:
        The exit code for the error: 1, 2, 3 or 4.
    """
    code = _exit_code_for(error)
    if code == EXIT_USAGE:
        usage_error(command, str(error))
    else:
        details = []
        if error.code:
            details.append(f"code {error.code}")
        if error.status is not None:
            details.append(f"HTTP {error.status}")
        suffix = f" ({', '.join(details)})" if details else ""
        err(f"error: {error}{suffix}")
        if error.request_id:
            err(f"request id: {error.request_id}")
    if as_json:
        emit_json(
            {
                "error": {
                    "type": type(error).__name__,
                    "message": str(error),
                    "code": error.code,
                    "status": error.status,
                    "request_id": error.request_id,
                    "retry_after": error.retry_after,
                }
            }
        )
    return code
