"""Cost of the day-two handles on a call: a ``with_options()`` view made per request,
``extra_headers``, and the log lines once ``SIM_LOG=info`` or ``debug`` turned them on.

Each side is ``execute_workflow("echo")`` with one handle added, on a client whose session has
a canned adapter (everything in ``requests`` runs, only the socket is gone), so the difference
is the handle's own Python work. Rounds of every side are interleaved; a ratio is the median of
per-round CPU-time ratios to the same call without the handle, in this process.
"""

from __future__ import annotations

import io
import json
import logging
import time
import uuid
from typing import Any, Callable, Dict, List, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse

from simstudio import SimStudioClient

from ._stats import median, paired_ratio

PAYLOAD = {"message": "hello", "count": 3, "tags": ["a", "b"]}
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
_BODY = json.dumps(
    {"success": True, "executionId": str(uuid.uuid4()), "output": {"input": PAYLOAD}},
    separators=(",", ":"),
).encode()
_HEADERS = {
    "Content-Type": "application/json",
    "Content-Length": str(len(_BODY)),
    "X-RateLimit-Limit": "999999",
    "X-RateLimit-Remaining": "999999",
    "x-request-id": "0a1b2c3d",
}


class _CannedAdapter(HTTPAdapter):
    def send(self, request: Any, stream: bool = False, *args: Any, **kwargs: Any) -> Any:
        raw = HTTPResponse(
            body=io.BytesIO(_BODY),
            headers=_HEADERS,
            status=200,
            preload_content=False,
            decode_content=False,
        )
        return self.build_response(request, raw)


class _FormatOnly(logging.Handler):
    """Formats every record like a real handler would, and writes it nowhere."""

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)


SIDES = ("plain", "with_options", "extra_headers", "log_info", "log_debug")
_LEVELS = {"log_info": logging.INFO, "log_debug": logging.DEBUG}


def _sides(client: SimStudioClient) -> Dict[str, Callable[[], Any]]:
    def call() -> Any:
        return client.execute_workflow("echo", PAYLOAD)

    return {
        "plain": call,
        "with_options": lambda: client.with_options(timeout=5).execute_workflow("echo", PAYLOAD),
        "extra_headers": lambda: client.execute_workflow(
            "echo", PAYLOAD, extra_headers={"traceparent": TRACEPARENT}
        ),
        "log_info": call,
        "log_debug": call,
    }


def _round(side: str, func: Callable[[], Any], calls: int) -> float:
    logger = logging.getLogger("simstudio")
    level: Optional[int] = _LEVELS.get(side)
    if level is not None:
        logger.setLevel(level)
    try:
        started = time.process_time()
        for _ in range(calls):
            func()
        return (time.process_time() - started) / calls
    finally:
        logger.setLevel(logging.NOTSET)


def run(quick: bool = False) -> Dict[str, Any]:
    """Measure each handle's cost per call.

    Args:
        quick: Fewer, shorter rounds (CI smoke).

    Returns:
        ``{"plain_us", "rows": [{"side", "cpu_us", "ratio"}]}``: CPU per call and the paired
        ratio to ``plain`` per side.
    """
    rounds, calls = (4, 80) if quick else (30, 400)
    session = requests.Session()
    session.mount("http://", _CannedAdapter())
    client = SimStudioClient("sk-bench", "http://127.0.0.1:9", session=session)
    logger = logging.getLogger("simstudio")
    handler = _FormatOnly()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    sides = _sides(client)
    samples: Dict[str, List[float]] = {name: [] for name in SIDES}
    try:
        for name in SIDES:
            _round(name, sides[name], calls)  # warm-up
        for number in range(rounds):
            order = SIDES if number % 2 == 0 else tuple(reversed(SIDES))
            for name in order:
                samples[name].append(_round(name, sides[name], calls))
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        client.close()
        session.close()
    rows = [
        {
            "side": name,
            "cpu_us": median(samples[name]) * 1e6,
            "ratio": paired_ratio(samples[name], samples["plain"]),
        }
        for name in SIDES
    ]
    return {"rounds": rounds, "calls_per_round": calls, "rows": rows}


if __name__ == "__main__":
    for row in run()["rows"]:
        print(f"{row['side']:14s} {row['cpu_us']:8.1f} us  {row['ratio']:.3f}x")
