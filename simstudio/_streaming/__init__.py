"""Streamed runs: ``WorkflowStream`` over an iterable of bytes (no sockets), its typed events,
the text it keeps, and how a stream is opened.

- ``stream.py``   WorkflowStream: frames -> typed events, completion rules, proxy re-encoding
- ``events.py``   StreamEvent and the parsing of one SSE frame
- ``text.py``     the streamed text, kept once per block and capped
- ``opening.py``  sending a streaming execute; the idle-timeout rule; a JSON answer as a stream
"""

from __future__ import annotations

from .events import StreamEvent, parse_frame
from .opening import DEFAULT_IDLE, DEFAULT_IDLE_TIMEOUT, IdleTimeout, open_workflow_stream
from .stream import WorkflowStream
from .text import DEFAULT_MAX_TEXT_CHARS

__all__ = [
    "DEFAULT_IDLE",
    "DEFAULT_IDLE_TIMEOUT",
    "DEFAULT_MAX_TEXT_CHARS",
    "IdleTimeout",
    "StreamEvent",
    "WorkflowStream",
    "open_workflow_stream",
    "parse_frame",
]
