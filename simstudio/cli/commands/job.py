"""``simstudio job``: show an async job's state, or wait until it has finished."""

from __future__ import annotations

import argparse

from .._options import wait_options
from .._output import EXIT_OK, EXIT_WORKFLOW_FAILED, emit_json, err, out, print_output
from .._parser import Commands
from .._remote import open_client, wait_for_job
from .._sdk import error_text, job_result

__all__ = ["cmd_job", "register"]


def register(commands: Commands) -> None:
    """Add ``job``."""
    job = commands.add("job", cmd_job, summary="show or wait for an async job")
    job.add_argument("task_id", metavar="TASK_ID")
    job.add_argument("--wait", action="store_true", help="wait until the job has finished")
    wait_options(job)


def cmd_job(args: argparse.Namespace) -> int:
    """``simstudio job``: show an async job's state, or wait until it has finished."""
    with open_client(args, polling=args.wait) as client:
        if args.wait:
            _result, job = wait_for_job(client, args.task_id, args)
        else:
            job = client.get_job_status(args.task_id)
    status = job.get("status")
    # A completed job can still hold a run that reported failure (output.success false).
    result = job_result(args.task_id, job) if status == "completed" else None
    if result is not None:
        error = result.error
        failed = not result.success
    else:
        error = error_text(job.get("error")) or f"job {status}"
        failed = status in ("failed", "cancelled")
    if args.as_json:
        emit_json(job)
    else:
        raw = job.get("rawStatus")
        out(f"job {args.task_id}: {status}" + (f" (server says {raw!r})" if raw else ""))
        if result is not None and result.success:
            print_output(result.output)  # the workflow's own output, unwrapped
    if failed:
        err(f"workflow failed: {error or 'no error message'}")
        return EXIT_WORKFLOW_FAILED
    return EXIT_OK
