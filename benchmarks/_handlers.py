"""Workflows the benchmark server registers (module level, so a spawned child can import them)."""

from __future__ import annotations

import time
from typing import Any, Dict, Iterator

from simstudio.testing import Fault, LocalSimServer

#: Workflow ids registered by :func:`register`.
BULK = "bulk"
FIRST = "first"
FIRST_CLOSE = "first-close"


def bulk(workflow_input: Dict[str, Any]) -> Iterator[str]:
    """Stream ``count`` chunks of ``size`` ASCII characters as fast as the server can write."""
    count = int(workflow_input.get("count", 1000))
    size = int(workflow_input.get("size", 200))
    text = ("lorem ipsum dolor sit amet, consectetur adipiscing elit " * (size // 50 + 1))[:size]
    for _ in range(count):
        yield text


def first(workflow_input: Dict[str, Any]) -> Iterator[str]:
    """Wait ``pause`` seconds (the client is then blocked reading), then yield a timestamp.

    The chunk is ``repr(time.perf_counter())`` taken right before the frame is handed to the
    server's writer; on Linux ``perf_counter`` is ``CLOCK_MONOTONIC``, one clock for every
    process, so the client can subtract it from its own reading.
    """
    time.sleep(float(workflow_input.get("pause", 0.02)))
    yield repr(time.perf_counter())
    yield " end"


def register(server: LocalSimServer) -> None:
    """Add the benchmark workflows (and the close-delimited framing fault) to ``server``."""
    server.add_workflow(BULK, bulk, name="Bulk stream")
    server.add_workflow(FIRST, first, name="First event")
    server.add_workflow(FIRST_CLOSE, first, name="First event (close-delimited)")
    server.inject(Fault(framing="close"), workflow_id=FIRST_CLOSE)
