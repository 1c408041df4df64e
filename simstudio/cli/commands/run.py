"""``simstudio run``: execute a workflow (sync, streamed, queued, or queued and waited for)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Optional

from ... import SimStudioClient, WorkflowExecutionResult
from .._options import wait_options
from .._output import (
    EXIT_OK,
    EXIT_WORKFLOW_FAILED,
    UsageError,
    as_dict,
    emit_json,
    err,
    out,
    print_output,
)
from .._parser import Commands
from .._remote import follow_command, open_client, wait_for_job

__all__ = ["cmd_run", "register"]

# Workflows run for minutes; without --timeout an execute may take this long per request.
EXECUTE_TIMEOUT = 300.0


def register(commands: Commands) -> None:
    """Add ``run``."""
    run = commands.add("run", cmd_run, summary="execute a workflow and print its output")
    run.add_argument("workflow_id", metavar="WORKFLOW_ID")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="JSON", help="the workflow input as JSON")
    source.add_argument(
        "--input-file", metavar="PATH", help="read the input JSON from a file ('-': stdin)"
    )
    run.add_argument("--stream", action="store_true", help="print streamed text as it arrives")
    run.add_argument(
        "--async", dest="async_", action="store_true", help="queue the run; print the job id"
    )
    run.add_argument(
        "--wait", action="store_true", help="queue the run (implies --async) and wait for it"
    )
    run.add_argument(
        "-o",
        "--selected-output",
        action="append",
        metavar="BLOCK.ATTR",
        help="a block output to stream, e.g. agent1.content (repeatable)",
    )
    wait_options(run)


def cmd_run(args: argparse.Namespace) -> int:
    """``simstudio run``: execute a workflow and print its output (see ``docs/cli.md``)."""
    if args.stream and (args.async_ or args.wait):
        raise UsageError("--stream cannot be combined with --async or --wait")
    if args.api_key_stdin and args.input_file == "-":
        raise UsageError("--api-key-stdin and --input-file - cannot both read standard input")
    input_data = _read_json_input(args)
    with open_client(args, polling=args.wait) as client:
        if args.stream:
            return _stream_run(client, args, input_data)
        if args.async_ or args.wait:
            return _queue_run(client, args, input_data)
        result = client.execute_workflow(
            args.workflow_id,
            input_data,
            timeout=args.deadline.call_timeout(EXECUTE_TIMEOUT),
            selected_outputs=args.selected_output,
        )
        return _finish_run(result, args.as_json)


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
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
                raise UsageError(f"{source}: {reason or exc}") from None
    else:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{source} is not valid JSON: {exc}") from None


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


def _stream_run(client: SimStudioClient, args: argparse.Namespace, input_data: Any) -> int:
    if not args.selected_output and not args.as_json:
        err("note: without --selected-output Sim streams no text, only the final result")
    ends_with_newline = True
    with client.stream_workflow(
        args.workflow_id,
        input_data,
        selected_outputs=args.selected_output,
        timeout=args.deadline.call_timeout(EXECUTE_TIMEOUT),
        deadline=args.deadline.call_deadline(),
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


def _queue_run(client: SimStudioClient, args: argparse.Namespace, input_data: Any) -> int:
    queued = client.execute_workflow(
        args.workflow_id,
        input_data,
        timeout=args.deadline.call_timeout(EXECUTE_TIMEOUT),
        async_execution=True,
    )
    if isinstance(queued, WorkflowExecutionResult):  # the server ran it synchronously
        return _finish_run(queued, args.as_json)
    if not args.wait:
        if args.as_json:
            emit_json(as_dict(queued))
        else:
            out(f"queued job {queued.task_id}")
            out(f"status URL: {queued.status_url}")
            out(f"follow it with: {follow_command(queued.task_id, args)}")
        return EXIT_OK
    # queued=True: the id is on stderr before waiting, whatever ends the wait.
    result, _job = wait_for_job(client, queued.task_id, args, queued=True)
    return _finish_run(result, args.as_json)
