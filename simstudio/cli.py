"""The ``simstudio`` command: demo, serve, run, status, job and usage (``python -m simstudio``)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shlex
import signal
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._client import SimStudioClient
from ._errors import (
    APIConnectionError,
    ConfigurationError,
    ExecutionError,
    RequestTimeoutError,
    SimStudioError,
    StreamIncompleteError,
)
from ._jobs import job_result
from ._models import WorkflowExecutionResult, error_text
from ._version import __version__

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_WORKFLOW_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_CONNECTION = 4
EXIT_INTERRUPTED = 130

_EPILOG = """\
exit codes:
  0    success
  1    the workflow ran and failed (result success false, job failed or cancelled)
  2    usage error: bad arguments, invalid --input JSON, no SIM_API_KEY
  3    the API refused the request; stderr says: error: <message> (code X, HTTP N)
  4    network problem: server unreachable, timed out, stream cut off, port in use
  130  interrupted (Ctrl-C)

environment:
  SIM_API_KEY   the API key of run/status/job/usage (or pipe it in with --api-key-stdin)
  SIM_BASE_URL  the Sim server (default https://sim.ai; --base-url overrides it)

Try it offline: `simstudio demo`, or `simstudio serve` in one terminal and the export line
it prints in another.
"""

_DEMO_MESSAGE = (
    "Hello! This answer is streamed from the built-in agent workflow of an embedded Sim "
    "server, one word at a time, the way a deployed agent streams its reply."
)
# simstudio.testing.__main__.DEFAULT_PORT, repeated so that --help need not import the server
# (tests/test_cli.py checks that the two agree).
_SERVE_PORT = 8787


class _UsageError(Exception):
    """A mistake in the command line found after parsing (exit code 2)."""


# ----------------------------------------------------------------------------- output helpers


def _out(text: str = "", end: str = "\n") -> None:
    sys.stdout.write(text + end)
    sys.stdout.flush()


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _emit_json(document: Any) -> None:
    """Write the one JSON document of a ``--json`` run to stdout."""
    _out(_dumps(document))


def _as_dict(model: Any) -> Dict[str, Any]:
    return {f.name: getattr(model, f.name) for f in dataclasses.fields(model) if f.name != "raw"}


def _print_output(output: Any) -> None:
    if output is None:
        _err("(the workflow returned no output)")
    elif isinstance(output, str):
        _out(output)
    else:
        _out(_dumps(output))


class _Progress:
    """A one-line progress indicator on stderr while a job is waited for (TTY only)."""

    _FRAMES = "|/-\\"

    def __init__(self, label: str, enabled: bool) -> None:
        self._label = label
        self._enabled = enabled
        self._started = time.monotonic()
        self._updates = 0
        self._width = 0

    def update(self, job: Dict[str, Any]) -> None:
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
        if self._enabled and self._updates:
            sys.stderr.write("\r" + " " * self._width + "\r")
            sys.stderr.flush()


# ----------------------------------------------------------------------------- errors


def _exit_code_for(error: SimStudioError) -> int:
    if isinstance(error, ConfigurationError):
        return EXIT_USAGE
    if isinstance(error, ExecutionError):
        return EXIT_WORKFLOW_FAILED
    if isinstance(error, (APIConnectionError, RequestTimeoutError, StreamIncompleteError)):
        return EXIT_CONNECTION
    return EXIT_API_ERROR


def _report_error(error: SimStudioError, as_json: bool) -> int:
    details = []
    if error.code:
        details.append(f"code {error.code}")
    if error.status is not None:
        details.append(f"HTTP {error.status}")
    suffix = f" ({', '.join(details)})" if details else ""
    _err(f"error: {error}{suffix}")
    if error.request_id:
        _err(f"request id: {error.request_id}")
    if as_json:
        _emit_json(
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
    return _exit_code_for(error)


# ----------------------------------------------------------------------------- client commands


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
                raise _UsageError(f"{source}: {exc.strerror or exc}") from None
    else:
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _UsageError(f"{source} is not valid JSON: {exc}") from None


def _make_client(args: argparse.Namespace) -> SimStudioClient:
    api_key: Optional[str] = None
    if args.api_key_stdin:
        api_key = sys.stdin.readline().strip()
        if not api_key:
            raise _UsageError("--api-key-stdin: standard input held no API key")
    elif not os.environ.get("SIM_API_KEY", "").strip():
        raise _UsageError("no API key: set SIM_API_KEY, or pipe the key in with --api-key-stdin")
    return SimStudioClient(api_key=api_key, base_url=args.base_url, timeout=args.timeout)


def _finish_run(
    result: WorkflowExecutionResult, as_json: bool, streamed: Optional[str] = None
) -> int:
    if as_json:
        document = _as_dict(result)
        if streamed is not None:
            document["text"] = streamed
        _emit_json(document)
    elif result.success and not streamed:
        _print_output(result.output)
    if result.success:
        return EXIT_OK
    _err(f"workflow failed: {result.error or 'no error message'}")
    return EXIT_WORKFLOW_FAILED


def _wait_for_job(
    client: SimStudioClient, task_id: str, args: argparse.Namespace
) -> Tuple[WorkflowExecutionResult, Dict[str, Any]]:
    """Wait for a job; a failed one becomes a ``success=False`` result, not an exception."""
    progress = _Progress(f"job {task_id}", sys.stderr.isatty())
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
        _err("note: without --selected-output Sim streams no text, only the final result")
    ends_with_newline = True
    with client.stream_workflow(
        args.workflow_id, input_data, selected_outputs=args.selected_output, timeout=args.timeout
    ) as stream:
        for event in stream:
            if event.type == "chunk" and event.chunk and not args.as_json:
                _out(event.chunk, end="")
                ends_with_newline = event.chunk.endswith("\n")
            elif event.type == "stream_error":
                _err(f"warning: block {event.block_id or '?'} stopped streaming: {event.error}")
    if not ends_with_newline:
        _out()
    result = stream.final_result()
    return _finish_run(result, args.as_json, stream.text)


def _cmd_run(args: argparse.Namespace) -> int:
    if args.stream and (args.async_ or args.wait):
        raise _UsageError("--stream cannot be combined with --async or --wait")
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
                _emit_json(_as_dict(queued))
            else:
                _out(f"queued job {queued.task_id}")
                _out(f"status URL: {queued.status_url}")
                _out(f"follow it with: simstudio job {shlex.quote(queued.task_id)} --wait")
            return EXIT_OK
        result, _job = _wait_for_job(client, queued.task_id, args)
        return _finish_run(result, args.as_json)


def _cmd_job(args: argparse.Namespace) -> int:
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
        _emit_json(job)
    else:
        raw = job.get("rawStatus")
        _out(f"job {args.task_id}: {status}" + (f" (server says {raw!r})" if raw else ""))
        if result is not None and result.success:
            _print_output(result.output)  # the workflow's own output, unwrapped
    if failed:
        _err(f"workflow failed: {error or 'no error message'}")
        return EXIT_WORKFLOW_FAILED
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    with _make_client(args) as client:
        status = client.get_workflow_status(args.workflow_id)
    if args.as_json:
        _emit_json(dict(_as_dict(status), workflow_id=args.workflow_id))
        return EXIT_OK
    if status.is_deployed:
        since = f" (since {status.deployed_at})" if status.deployed_at else ""
        _out(f"{args.workflow_id}: deployed{since}")
    else:
        _out(f"{args.workflow_id}: not deployed")
    if status.needs_redeployment:
        _out("the workflow changed since its deployment: redeploy it to run the new version")
    return EXIT_OK


def _cmd_usage(args: argparse.Namespace) -> int:
    with _make_client(args) as client:
        limits = client.get_usage_limits()
    if args.as_json:
        _emit_json(_as_dict(limits))
        return EXIT_OK
    usage = limits.usage
    cost, budget = usage.get("currentPeriodCost"), usage.get("limit")
    _out(f"plan: {usage.get('plan', 'unknown')}")
    if isinstance(cost, (int, float)) and isinstance(budget, (int, float)) and budget > 0:
        share = cost / budget * 100
        _out(f"usage this period: ${cost:,.2f} of ${budget:,.2f} ({share:.1f}%)")
    _out("rate limits (requests per minute):")
    for name in ("sync", "async"):
        bucket = limits.rate_limit.get(name)
        if isinstance(bucket, dict):
            _out(
                f"  {name:<5}  limit {bucket.get('limit')}  remaining {bucket.get('remaining')}"
                f"  resets {bucket.get('resetAt')}"
                + ("  LIMITED" if bucket.get("isLimited") else "")
            )
    return EXIT_OK


# ----------------------------------------------------------------------------- local server


def _cmd_demo(args: argparse.Namespace) -> int:
    from .testing import LocalSimServer

    _out("Starting an embedded Sim server (simstudio.testing.LocalSimServer)...")
    with LocalSimServer(stream_chunk_delay=args.chunk_delay) as server, SimStudioClient(
        api_key=server.api_key, base_url=server.base_url
    ) as client:
        _out(f"Server {server.base_url}: streaming workflow 'agent' (output agent1.content)")
        _out()
        started = time.monotonic()
        with client.stream_workflow(
            "agent", {"message": args.message}, selected_outputs=["agent1.content"]
        ) as stream:
            for text in stream.iter_text():
                _out(text, end="")
        result = stream.final_result()
        _out("\n")
        _out(
            f"Final result: success={result.success}, {len(stream.text)} characters streamed "
            f"in {time.monotonic() - started:.1f}s (execution id {stream.execution_id})"
        )
        _out(_dumps(result.output))
    _out()
    _out("Server stopped. Next: `simstudio serve` runs it in the foreground for your own code.")
    return EXIT_OK if result.success else EXIT_WORKFLOW_FAILED


def _cmd_serve(args: argparse.Namespace) -> int:
    from .testing import LocalSimServer
    from .testing.__main__ import DEFAULT_PORT, serve

    port = DEFAULT_PORT if args.port is None else args.port

    started: List[LocalSimServer] = []

    def ready(server: LocalSimServer) -> None:
        started.append(server)
        _out(
            f"export SIM_BASE_URL={shlex.quote(server.base_url)} "
            f"SIM_API_KEY={shlex.quote(server.api_key)}"
        )

    previous = _stop_on_sigterm()
    try:
        serve(
            args.host,
            port,
            args.api_key,
            args.wire_format,
            verbose=args.verbose,
            on_ready=ready,
        )
    except KeyboardInterrupt:
        # Ctrl-C before serve_forever took over (e.g. while the banner was printed).
        if not started:
            raise
        started[0].stop()
    except OSError as exc:
        _err(f"error: cannot listen on {args.host}:{port}: {exc.strerror or exc}")
        return EXIT_CONNECTION
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    _out("Server stopped.")
    return EXIT_OK


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm() -> Any:
    """Make SIGTERM (``docker stop``, ``kill``) stop the server as cleanly as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _interrupt)


# ----------------------------------------------------------------------------- parser


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _client_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("connection and output")
    group.add_argument(
        "--base-url", metavar="URL", help="the Sim server (default: $SIM_BASE_URL or sim.ai)"
    )
    group.add_argument(
        "--api-key-stdin",
        action="store_true",
        help="read the API key from the first line of stdin instead of $SIM_API_KEY",
    )
    group.add_argument(
        "--timeout", type=_positive_float, metavar="SECONDS", help="per-request timeout"
    )
    group.add_argument(
        "--json", dest="as_json", action="store_true", help="print one JSON document on stdout"
    )
    return parent


def _wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-timeout",
        type=_positive_float,
        default=600.0,
        metavar="SECONDS",
        help="give up waiting for the job after this long (default 600)",
    )
    parser.add_argument(
        "--poll-interval",
        type=_positive_float,
        default=1.0,
        metavar="SECONDS",
        help="first wait between job polls; grows 1.5x per poll up to 10 s (default 1)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``simstudio`` argument parser (its ``--help`` documents the exit codes).

    Returns:
        An ``argparse.ArgumentParser`` whose parsed namespace has a ``handler``.
    """
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="simstudio",
        description="Run Sim workflows from the command line, or a local Sim server.",
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"simstudio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    client_options = _client_options()

    def command(name: str, handler: Callable[[argparse.Namespace], int], **kwargs: Any) -> Any:
        sub = commands.add_parser(
            name, epilog=_EPILOG, formatter_class=formatter, description=kwargs.get("help"),
            **kwargs,
        )  # fmt: skip
        sub.set_defaults(handler=handler)
        return sub

    demo = command("demo", _cmd_demo, help="stream a workflow from an embedded local Sim server")
    demo.add_argument("--message", default=_DEMO_MESSAGE, help="the text the agent streams back")
    demo.add_argument(
        "--chunk-delay",
        type=float,
        default=0.06,
        metavar="SECONDS",
        help="pause between streamed words (default 0.06)",
    )

    serve = command("serve", _cmd_serve, help="run a local Sim server in the foreground")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=None, help=f"port (default {_SERVE_PORT}; 0: any free one)"
    )
    serve.add_argument("--api-key", help="the API key to accept (default: a generated one)")
    serve.add_argument(
        "--wire-format", choices=["2026", "2025"], default="2026", help="v1 wire format era"
    )
    serve.add_argument("--verbose", action="store_true", help="log every request to stderr")

    run = command(
        "run", _cmd_run, parents=[client_options], help="execute a workflow and print its output"
    )
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
    _wait_options(run)

    status = command(
        "status", _cmd_status, parents=[client_options], help="show a workflow's deployment"
    )
    status.add_argument("workflow_id", metavar="WORKFLOW_ID")

    job = command("job", _cmd_job, parents=[client_options], help="show or wait for an async job")
    job.add_argument("task_id", metavar="TASK_ID")
    job.add_argument("--wait", action="store_true", help="wait until the job has finished")
    _wait_options(job)

    command("usage", _cmd_usage, parents=[client_options], help="show rate limits and usage")
    return parser


def _exit_status(code: Any) -> int:
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_USAGE


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``simstudio`` command line.

    Args:
        argv: The arguments after the program name (default ``sys.argv[1:]``).

    Returns:
        The exit code: 0 success, 1 workflow failed, 2 usage error, 3 API error,
        4 connection or timeout error, 130 interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exit_:  # --help, --version and argparse's usage errors
        return _exit_status(exit_.code)
    try:
        return int(args.handler(args))
    except _UsageError as exc:
        _err(f"simstudio {args.command}: error: {exc}")
        return EXIT_USAGE
    except SimStudioError as error:
        return _report_error(error, getattr(args, "as_json", False))
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:  # pragma: no cover - needs a reader that went away
    # ``simstudio run ... | head``: stop writing to the closed pipe without a traceback.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
