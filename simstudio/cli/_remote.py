"""What the commands that call a Sim server share: the client, and waiting for a job."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import Any, Dict, Optional, Tuple

from .. import (
    ExecutionError,
    RequestTimeoutError,
    SimStudioClient,
    SimStudioError,
    WorkflowExecutionResult,
)
from ._deadline import CommandTimeoutError
from ._output import Progress, UsageError, err
from ._sdk import error_text

__all__ = ["DEFAULT_READ_TIMEOUT", "follow_command", "open_client", "wait_for_job"]

# The SDK's own default per request.
DEFAULT_READ_TIMEOUT = 30.0


def _api_key(args: argparse.Namespace) -> Optional[str]:
    if args.api_key_stdin:
        key = sys.stdin.readline().strip()
        if not key:
            raise UsageError("--api-key-stdin: standard input held no API key")
        return key
    if not os.environ.get("SIM_API_KEY", "").strip():
        raise UsageError("no API key: set SIM_API_KEY, or pipe the key in with --api-key-stdin")
    return None  # the client reads SIM_API_KEY itself


def open_client(args: argparse.Namespace, *, polling: bool = False) -> SimStudioClient:
    """The client of a command, its timeouts and pauses bound by ``args.deadline``.

    Args:
        args: The parsed options of a command added with ``server=True``.
        polling: The command waits for a job (its reads are short polls).

    Raises:
        UsageError: There is no API key.
    """
    deadline = args.deadline
    return SimStudioClient(
        api_key=_api_key(args),
        base_url=args.base_url,
        timeout=deadline.read_timeout(DEFAULT_READ_TIMEOUT, polling),
        sleep=deadline.sleep,
    )


def follow_command(task_id: str, args: argparse.Namespace) -> str:
    """The command that picks up job ``task_id`` again, ready to paste."""
    words = ["simstudio", "job", task_id, "--wait"]
    if args.base_url:
        words += ["--base-url", args.base_url]
    return " ".join(shlex.quote(word) for word in words)


def wait_for_job(
    client: SimStudioClient, task_id: str, args: argparse.Namespace, *, queued: bool = False
) -> Tuple[WorkflowExecutionResult, Dict[str, Any]]:
    """Wait for a job; a failed one becomes a ``success=False`` result, not an exception.

    When the wait stops early (Ctrl-C, ``--timeout``, a network error), stderr says how to
    follow the job, which keeps running on the server.

    Args:
        client: The command's client.
        task_id: The job.
        args: The command's options (``wait_timeout``, ``poll_interval``, ``deadline``...).
        queued: The command has just queued the job: say its id on stderr first.

    Returns:
        The result and the last job state seen.
    """
    last: Dict[str, Any] = {}
    try:
        if queued:  # inside the try: a Ctrl-C right after this line still gets the hint
            err(f"queued job {task_id}; waiting for it (Ctrl-C stops waiting, not the job)")
        result = _wait(client, task_id, args, last)
    except ExecutionError as error:
        job = error.body if isinstance(error.body, dict) else dict(last)
        metadata = job.get("metadata")
        result = WorkflowExecutionResult(
            success=False,
            error=error_text(job.get("error")) or str(error),
            metadata=metadata if isinstance(metadata, dict) else None,
            status=str(job.get("status", "failed")),
        )
    except KeyboardInterrupt:
        err(f"stopped waiting; job {task_id} was not cancelled. Follow it with:")
        err(f"  {follow_command(task_id, args)}")
        raise
    except SimStudioError:
        err(f"job {task_id} may still be running. Follow it with:")
        err(f"  {follow_command(task_id, args)}")
        raise
    return result, last


def _wait(
    client: SimStudioClient, task_id: str, args: argparse.Namespace, last: Dict[str, Any]
) -> WorkflowExecutionResult:
    deadline = args.deadline
    budget, limited = deadline.wait_timeout(args.wait_timeout)
    progress = Progress(f"job {task_id}", sys.stderr.isatty())
    left_before = deadline.remaining() or 0.0

    def on_status(job: Dict[str, Any]) -> None:
        last.clear()
        last.update(job)
        progress.update(job)

    try:
        return client.wait_for_job(
            task_id, timeout=budget, poll_interval=args.poll_interval, on_status=on_status
        )
    except RequestTimeoutError as error:
        waited = left_before - (deadline.remaining() or 0.0)
        if limited and not isinstance(error, CommandTimeoutError) and waited >= budget:
            # The wait's own end, which --timeout set: say so rather than "after 3.2s".
            raise deadline.error(f"job {task_id} had not finished") from None
        raise
    finally:
        progress.finish()
