"""Per-call cost of ``execute_workflow`` against the same POST sent with a bare requests.Session.

The server runs in a separate process. Rounds of each side are interleaved (every order of
the sides equally often), each round timing ``calls`` calls for wall time (``perf_counter``)
and this process's CPU time (``process_time``: the client alone); a ratio is the median of the
per-round ratios.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any, Callable, Dict, List

import requests

from simstudio import SimStudioClient
from simstudio._config import USER_AGENT

from ._serverproc import ServerProcess
from ._stats import median, paired_ratio, percentile

PAYLOAD = {"message": "hello", "count": 3, "tags": ["a", "b"]}


def _raw_call(session: requests.Session, url: str, api_key: str) -> Callable[[], Any]:
    """The POST a careful user would write by hand: same headers, same body, JSON decoded."""

    def call() -> Any:
        headers = {
            "X-API-Key": api_key,
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Content-Type": "application/json",
            "X-Execution-Id": str(uuid.uuid4()),
        }
        body = json.dumps(PAYLOAD, separators=(",", ":")).encode("utf-8")
        response = session.post(url, data=body, headers=headers, timeout=(10.0, 30.0))
        response.raise_for_status()
        return response.json()

    return call


def _round(func: Callable[[], Any], calls: int) -> Dict[str, float]:
    wall0 = time.perf_counter()
    cpu0 = time.process_time()
    for _ in range(calls):
        func()
    return {
        "wall": (time.perf_counter() - wall0) / calls,
        "cpu": (time.process_time() - cpu0) / calls,
    }


def _latencies(func: Callable[[], Any], count: int) -> List[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


SIDES = ("sdk", "sdk_plain", "raw")


def run(quick: bool = False) -> Dict[str, Any]:
    """Measure SDK vs raw requests per-call cost.

    Three sides, all against the same server: ``sdk`` (a default client), ``sdk_plain`` (a
    client given a plain ``requests.Session()``, so requests does exactly the per-call work it
    does for ``raw``) and ``raw`` (a bare ``requests.Session().post``).

    Args:
        quick: Fewer, shorter rounds (CI smoke).

    Returns:
        Medians per side (``wall_us``, ``cpu_us``, ``calls_per_s``, latency percentiles) and
        the paired ratios ``wall_ratio``/``cpu_ratio`` (sdk / raw) and
        ``plain_wall_ratio``/``plain_cpu_ratio`` (sdk_plain / raw).
    """
    rounds, calls, warmup = (12, 50, 100) if quick else (36, 150, 300)
    orders = list(itertools.permutations(SIDES))  # every order equally often
    with ServerProcess() as server:
        client = SimStudioClient(server.api_key, server.base_url)
        plain = SimStudioClient(server.api_key, server.base_url, session=requests.Session())
        session = requests.Session()
        url = server.base_url + "/api/workflows/echo/execute"
        sides: Dict[str, Callable[[], Any]] = {
            "sdk": lambda: client.execute_workflow("echo", PAYLOAD),
            "sdk_plain": lambda: plain.execute_workflow("echo", PAYLOAD),
            "raw": _raw_call(session, url, server.api_key),
        }
        expected = sides["raw"]()["output"]
        for name in ("sdk", "sdk_plain"):
            if sides[name]().output != expected:
                raise AssertionError("SDK and raw requests got different answers")
        for _ in range(warmup):
            for func in sides.values():
                func()
        samples: Dict[str, List[Dict[str, float]]] = {name: [] for name in SIDES}
        for number in range(rounds):
            for name in orders[number % len(orders)]:
                samples[name].append(_round(sides[name], calls))
        latency = {name: _latencies(func, calls * 2) for name, func in sides.items()}
        for closable in (client, plain, session):
            closable.close()
    result: Dict[str, Any] = {"rounds": rounds, "calls_per_round": calls}
    for name, rows in samples.items():
        walls = [row["wall"] for row in rows]
        cpus = [row["cpu"] for row in rows]
        result[name] = {
            "wall_us": median(walls) * 1e6,
            "cpu_us": median(cpus) * 1e6,
            "calls_per_s": 1.0 / median(walls),
            "p50_ms": median(latency[name]) * 1e3,
            "p99_ms": percentile(latency[name], 0.99) * 1e3,
        }

    def ratio(side: str, key: str) -> float:
        return paired_ratio([r[key] for r in samples[side]], [r[key] for r in samples["raw"]])

    result["wall_ratio"] = ratio("sdk", "wall")
    result["cpu_ratio"] = ratio("sdk", "cpu")
    result["plain_wall_ratio"] = ratio("sdk_plain", "wall")
    result["plain_cpu_ratio"] = ratio("sdk_plain", "cpu")
    result["overhead_us"] = result["sdk"]["wall_us"] - result["raw"]["wall_us"]
    result["fake_transport"] = fake_transport(quick)
    return result


def fake_transport(quick: bool = False) -> Dict[str, Any]:
    """SDK vs raw requests CPU per call with the network replaced by a canned adapter.

    Everything in ``requests`` still runs (``Session.request``, environment and proxy lookup,
    header merging, response building); only the socket is gone, so the difference is the
    SDK's own Python work, free of server and loopback noise.
    """
    import io

    from requests.adapters import HTTPAdapter
    from urllib3 import HTTPResponse

    body = json.dumps(
        {
            "success": True,
            "executionId": str(uuid.uuid4()),
            "output": {"input": PAYLOAD},
            "metadata": {
                "duration": 0.01,
                "startTime": "2026-01-01T00:00:00.000Z",
                "endTime": "2026-01-01T00:00:00.010Z",
            },
        },
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "X-RateLimit-Limit": "999999",
        "X-RateLimit-Remaining": "999999",
        "X-RateLimit-Reset": "2026-01-01T00:01:00.000Z",
        "x-request-id": "0a1b2c3d",
        "Date": "Thu, 01 Jan 2026 00:00:00 GMT",
        "Connection": "keep-alive",
    }

    class CannedAdapter(HTTPAdapter):
        def send(self, request: Any, stream: bool = False, *args: Any, **kwargs: Any) -> Any:
            raw = HTTPResponse(
                body=io.BytesIO(body),
                headers=headers,
                status=200,
                preload_content=False,
                decode_content=False,
            )
            response = self.build_response(request, raw)
            if not stream:
                _ = response.content
            return response

    def canned_session() -> requests.Session:
        session = requests.Session()
        session.mount("http://", CannedAdapter())
        return session

    base_url = "http://127.0.0.1:9"
    client = SimStudioClient("sk-bench", base_url, session=canned_session())
    sides: Dict[str, Callable[[], Any]] = {
        "sdk": lambda: client.execute_workflow("echo", PAYLOAD),
        "raw": _raw_call(canned_session(), base_url + "/api/workflows/echo/execute", "sk-bench"),
    }
    rounds, calls = (10, 200) if quick else (30, 400)
    for func in sides.values():
        for _ in range(calls):
            func()
    cpu: Dict[str, List[float]] = {"sdk": [], "raw": []}
    for number in range(rounds):
        for name in ("sdk", "raw") if number % 2 else ("raw", "sdk"):
            cpu[name].append(_round(sides[name], calls)["cpu"])
    return {
        "sdk_us": median(cpu["sdk"]) * 1e6,
        "raw_us": median(cpu["raw"]) * 1e6,
        "ratio": paired_ratio(cpu["sdk"], cpu["raw"]),
    }
