"""Streaming through WorkflowStream over loopback: throughput and first-event latency.

The server (a separate process) runs the ``bulk`` workflow: a generator yielding ``count``
chunks of ``size`` characters with no delay between them; every chunk is one SSE frame
``data: {"blockId":...,"chunk":...}``. The client reads typed, JSON-decoded events. The bare
parser (``SSEDecoder``) and the typing step (``parse_frame``) are timed on the same bytes
in this process, so the loopback result can be read as a fraction of each.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Tuple

from simstudio import SimStudioClient
from simstudio._streaming import parse_frame
from simstudio.sse import SSEDecoder

from ._handlers import BULK, FIRST, FIRST_CLOSE, bulk
from ._serverproc import ServerProcess
from ._stats import median, percentile

SELECT = ["agent1.content"]
CHUNK_CHARS = 200
_FEED = 64 * 1024


def _frames(block_id: str, count: int, size: int) -> bytes:
    text = next(iter(bulk({"count": 1, "size": size})))
    frame = "data: " + json.dumps({"blockId": block_id, "chunk": text}, separators=(",", ":"))
    return (frame + "\n\n").encode("utf-8") * count


def _offline(stream: bytes, repeats: int) -> Tuple[float, float]:
    """Best seconds for (SSEDecoder only, SSEDecoder + parse_frame) over ``stream``."""
    pieces = [stream[i : i + _FEED] for i in range(0, len(stream), _FEED)]
    best_parse = best_typed = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        decoder = SSEDecoder()
        for piece in pieces:
            decoder.feed(piece)
        best_parse = min(best_parse, time.perf_counter() - start)
        start = time.perf_counter()
        decoder = SSEDecoder()
        for piece in pieces:
            for event in decoder.feed(piece):
                parse_frame(event)
        best_typed = min(best_typed, time.perf_counter() - start)
    return best_parse, best_typed


def _consume(client: SimStudioClient, count: int, size: int) -> Dict[str, float]:
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    chunks = 0
    with client.stream_workflow(
        BULK, {"count": count, "size": size}, selected_outputs=SELECT, collect_text=False
    ) as stream:
        for event in stream:
            if event.type == "chunk":
                chunks += 1
        if stream.result is None or chunks != count:
            raise AssertionError(f"stream incomplete: {chunks} of {count} chunks")
    return {"wall": time.perf_counter() - wall0, "cpu": time.process_time() - cpu0}


def throughput(server: ServerProcess, quick: bool) -> Dict[str, Any]:
    """Loopback MB/s and events/s through ``WorkflowStream``, and the offline ceilings."""
    count = 20_000 if quick else 100_000
    runs = 3 if quick else 5
    with SimStudioClient(server.api_key, server.base_url) as client:
        block_id = ""
        with client.stream_workflow(
            BULK, {"count": 1, "size": CHUNK_CHARS}, selected_outputs=SELECT
        ) as probe:
            for event in probe:
                block_id = block_id or (event.block_id or "")
        stream = _frames(block_id, count, CHUNK_CHARS)
        samples = [_consume(client, count, CHUNK_CHARS) for _ in range(runs)]
    parse_s, typed_s = _offline(stream, runs)
    wall = median([s["wall"] for s in samples])
    cpu = median([s["cpu"] for s in samples])
    mb = len(stream) / 1e6
    return {
        "events": count,
        "frame_bytes": len(stream) // count,
        "stream_mb": mb,
        "runs": runs,
        "loopback_mb_s": mb / wall,
        "loopback_events_s": count / wall,
        "client_cpu_mb_s": mb / cpu,
        "client_cpu_us_per_event": cpu / count * 1e6,
        "parser_mb_s": mb / parse_s,
        "typed_mb_s": mb / typed_s,
        "fraction_of_parser": (mb / wall) / (mb / parse_s),
        "cpu_fraction_of_parser": (mb / cpu) / (mb / parse_s),
    }


def _first_event_latency(client: SimStudioClient, workflow: str) -> Tuple[float, float]:
    start = time.perf_counter()
    with client.stream_workflow(workflow, {"pause": 0.02}, selected_outputs=SELECT) as stream:
        events = iter(stream)
        for event in events:
            if event.type == "chunk":
                received = time.perf_counter()
                flushed = float(event.chunk or "nan")
                break
        else:
            raise AssertionError("no chunk event")
        for _event in events:
            pass
    return received - flushed, received - start


def first_event(server: ServerProcess, quick: bool) -> Dict[str, Any]:
    """Time from the server handing over the first frame to the event in the caller's hands."""
    trials = 15 if quick else 60
    rows: List[Dict[str, Any]] = []
    with SimStudioClient(server.api_key, server.base_url) as client:
        for framing, workflow in (("chunked", FIRST), ("close-delimited", FIRST_CLOSE)):
            _first_event_latency(client, workflow)  # warm-up
            lags: List[float] = []
            totals: List[float] = []
            for _ in range(trials):
                lag, total = _first_event_latency(client, workflow)
                lags.append(lag)
                totals.append(total)
            rows.append(
                {
                    "framing": framing,
                    "trials": trials,
                    "p50_ms": median(lags) * 1e3,
                    "p90_ms": percentile(lags, 0.9) * 1e3,
                    "max_ms": max(lags) * 1e3,
                    "call_to_event_p50_ms": median(totals) * 1e3,
                }
            )
    return {"rows": rows}


def run(quick: bool = False) -> Dict[str, Any]:
    """Streaming throughput and first-event latency against a server in another process."""
    with ServerProcess(stream_chunk_delay=0.0) as server:
        return {"throughput": throughput(server, quick), "first_event": first_event(server, quick)}
