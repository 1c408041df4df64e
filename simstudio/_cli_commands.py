"""The ``simstudio`` commands that call a Sim server: run, job, status and usage."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from typing import Any, Dict, Optional, Tuple

from ._cli_output import (
    EXIT_OK,
    EXIT_WORKFLOW_FAILED,
    Progress,
    UsageError,
    as_dict,
    emit_json,
    err,
    out,
    print_output,
)
from ._client import SimStudioClient
from ._errors import ExecutionError
from .resources.jobs import job_result
from .types._wire import error_text
from .types.workflows import WorkflowExecutionResult

__all__ = ["cmd_job", "cmd_run", "cmd_status", "cmd_usage"]


def _read_json_input(args: argparse.Namespace) -> Any:
    if args.input is not None:
        text, source = args.input, "--input"
    elif args.input_file is not None:
        source = f"--input-file {args.input_file}"
        if args.input_file == "-":
            text = sys.stdin.read()
        else:
            try:
                with open(args.input_file, encoding="utf-8") as handle:
                    text = handle.read()
            except OSError as exc:
                raise UsageError(f"{source}: {exc.strerror or exc}") from None
    else:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{source} is not valid JSON: {exc}") from None


def _make_client(args: argparse.Namespace) -> SimStudioClient:
    api_key: Optional[str] = None
    if args.api_key_stdin:
        api_key = sys.stdin.readline().strip()
        if not api_key:
            raise UsageError("--api-key-stdin: standard input held no API key")
    elif not os.environ.get("SIM_API_KEY", "").strip():
        raise UsageError("no API key: set SIM_API_KEY, or pipe the key in with --api-key-stdin")
    return SimStudioClient(api_key=api_key, base_url=args.base_url, timeout=args.timeout)


def _finish_run(
    result: WorkflowExecutionResult, as_json: bool, streamed: Optional[str] = None
) -> int:
    if as_json:
        document = as_dict(result)
        if streamed is not None:
            document["text"] = streamed
        emit_json(document)
    elif result.success and not streamed:
        print_output(result.output)
    if result.success:
        return EXIT_OK
    err(f"workflow failed: {result.error or 'no error message'}")
    return EXIT_WORKFLOW_FAILED


def _wait_for_job(
    client: SimStudioClient, task_id: str, args: argparse.Namespace
) -> Tuple[WorkflowExecutionResult, Dict[str, Any]]:
    """Wait for a job; a failed one becomes a ``success=False`` result, not an exception."""
    progress = Progress(f"job {task_id}", sys.stderr.isatty())
    last: Dict[str, Any] = {}

    def on_status(job: Dict[str, Any]) -> None:
        last.clear()
        last.update(job)
        progress.update(job)

    try:
        result = client.wait_for_job(
            task_id,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            on_status=on_status,
        )
    except ExecutionError as error:
        job = error.body if isinstance(error.body, dict) else dict(last)
        metadata = job.get("metadata")
        result = WorkflowExecutionResult(
            success=False,
            error=error_text(job.get("error")) or str(error),
            metadata=metadata if isinstance(metadata, dict) else None,
            status=str(job.get("status", "failed")),
        )
    finally:
        progress.finish()
    return result, last


def _stream_run(client: SimStudioClient, args: argparse.Namespace, input_data: Any) -> int:
    if not args.selected_output and not args.as_json:
        err("note: without --selected-output Sim streams no text, only the final result")
    ends_with_newline = True
    with client.stream_workflow(
        args.workflow_id, input_data, selected_outputs=args.selected_output, timeout=args.timeout
    ) as stream:
        for event in stream:
            if event.type == "chunk" and event.chunk and not args.as_json:
                out(event.chunk, end="")
                ends_with_newline = event.chunk.endswith("\n")
            elif event.type == "stream_error":
                err(f"warning: block {event.block_id or '?'} stopped streaming: {event.error}")
    if not ends_with_newline:
        out()
    result = stream.final_result()
    return _finish_run(result, args.as_json, stream.text)


def cmd_run(args: argparse.Namespace) -> int:
    """``simstudio run``: execute a workflow (sync, streamed, queued or queued and waited for)."""
    if args.stream and (args.async_ or args.wait):
        raise UsageError("--stream cannot be combined with --async or --wait")
    input_data = _read_json_input(args)
    if args.timeout is None:
        args.timeout = 300.0  # workflows run for minutes; the server enforces its own limit
    with _make_client(args) as client:
        if args.stream:
            return _stream_run(client, args, input_data)
        if not (args.async_ or args.wait):
            result = client.execute_workflow(
                args.workflow_id, input_data, selected_outputs=args.selected_output
            )
            return _finish_run(result, args.as_json)
        queued = client.execute_workflow(args.workflow_id, input_data, async_execution=True)
        if isinstance(queued, WorkflowExecutionResult):  # the server ran it synchronously
            return _finish_run(queued, args.as_json)
        if not args.wait:
            if args.as_json:
                emit_json(as_dict(queued))
            else:
                out(f"queued job {queued.task_id}")
                out(f"status URL: {queued.status_url}")
                out(f"follow it with: simstudio job {shlex.quote(queued.task_id)} --wait")
            return EXIT_OK
        result, _job = _wait_for_job(client, queued.task_id, args)
        return _finish_run(result, args.as_json)


def cmd_job(args: argparse.Namespace) -> int:
    """``simstudio job``: show an async job's state, or wait until it has finished."""
    with _make_client(args) as client:
        if args.wait:
            _result, job = _wait_for_job(client, args.task_id, args)
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


def cmd_status(args: argparse.Namespace) -> int:
    """``simstudio status``: show whether a workflow is deployed and up to date."""
    with _make_client(args) as client:
        status = client.get_workflow_status(args.workflow_id)
    if args.as_json:
        emit_json(dict(as_dict(status), workflow_id=args.workflow_id))
        return EXIT_OK
    if status.is_deployed:
        since = f" (since {status.deployed_at})" if status.deployed_at else ""
        out(f"{args.workflow_id}: deployed{since}")
    else:
        out(f"{args.workflow_id}: not deployed")
    if status.needs_redeployment:
        out("the workflow changed since its deployment: redeploy it to run the new version")
    return EXIT_OK


def cmd_usage(args: argparse.Namespace) -> int:
    """``simstudio usage``: show the plan, this period's usage and the rate limits."""
    with _make_client(args) as client:
        limits = client.get_usage_limits()
    if args.as_json:
        emit_json(as_dict(limits))
        return EXIT_OK
    usage = limits.usage
    cost, budget = usage.get("currentPeriodCost"), usage.get("limit")
    out(f"plan: {usage.get('plan', 'unknown')}")
    if isinstance(cost, (int, float)) and isinstance(budget, (int, float)) and budget > 0:
        share = cost / budget * 100
        out(f"usage this period: ${cost:,.2f} of ${budget:,.2f} ({share:.1f}%)")
    out("rate limits (requests per minute):")
    for name in ("sync", "async"):
        bucket = limits.rate_limit.get(name)
        if isinstance(bucket, dict):
            out(
                f"  {name:<5}  limit {bucket.get('limit')}  remaining {bucket.get('remaining')}"
                f"  resets {bucket.get('resetAt')}"
                + ("  LIMITED" if bucket.get("isLimited") else "")
            )
    return EXIT_OK
