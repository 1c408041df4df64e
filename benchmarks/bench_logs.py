"""Listing 50,000 execution log entries: ``client.logs.list()`` against a raw requests loop.

The server (its own process) holds 50,000 synthetic entries. Each round walks all of them
once with the SDK's lazy iterator (typed ``LogEntry`` objects, 1,000 per page) and once with a
bare ``requests.Session`` loop over the same pages (``GET /api/v2/logs``, ``.json()``, follow
``nextCursor``), in alternating order; the ratio is the median of the per-round ratios. It is
measured twice: against the embedded server as it is, and with 50 ms added to each page's
answer (``CONDITIONS``), because the ratio depends on how fast the server is while the SDK's
own cost per entry does not (reported as ``extra_cpu_us_per_entry``). Memory:
``tracemalloc``'s peak while the iterator walks 50,000 entries against its peak for the first
1,000 (one page), both consumed without being kept.
"""

from __future__ import annotations

import gc
import itertools
import time
import tracemalloc
from typing import Any, Callable, Dict, List

import requests

from simstudio import SimStudioClient
from simstudio._config import USER_AGENT

from ._serverproc import ServerProcess
from ._stats import median, paired_ratio

ENTRIES = 50_000
QUICK_ENTRIES = 5_000
PAGE = 1000
WORKSPACE = "ws-bench"


def _sdk_walk(client: SimStudioClient, stop: int = 0) -> Callable[[], int]:
    def walk() -> int:
        entries = client.logs.list(WORKSPACE, limit=PAGE)
        seen = 0
        for _entry in itertools.islice(entries, stop) if stop else entries:
            seen += 1
        return seen

    return walk


def _raw_walk(session: requests.Session, base_url: str, api_key: str) -> Callable[[], int]:
    """The loop a careful user would write by hand: same pages, JSON decoded, cursor followed."""
    headers = {"X-API-Key": api_key, "User-Agent": USER_AGENT, "Accept": "application/json"}

    def walk() -> int:
        seen, cursor = 0, None
        while True:
            params = {"workspaceId": WORKSPACE, "limit": PAGE}
            if cursor:
                params["cursor"] = cursor
            response = session.get(
                base_url + "/api/v2/logs", params=params, headers=headers, timeout=(10.0, 60.0)
            )
            response.raise_for_status()
            body = response.json()
            for _item in body["data"]:
                seen += 1
            cursor = body.get("nextCursor")
            if not cursor:
                return seen

    return walk


def _timed(walk: Callable[[], int], expected: int) -> Dict[str, float]:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    seen = walk()
    if seen != expected:
        raise AssertionError(f"walked {seen} entries, expected {expected}")
    return {"wall": time.perf_counter() - wall0, "cpu": time.process_time() - cpu0}


def _peak_mb(walk: Callable[[], int]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        walk()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


#: (name, seconds added to each page's answer): the embedded server as it is (a few ms for a
#: page of 1,000), and one that takes 50 ms more per page; the exchanges recorded from a real
#: Sim server on loopback took 33 ms at the least (median 94 ms) for pages of at most 5.
CONDITIONS = (("embedded", 0.0), ("50ms", 0.05))


def _compare(walks: Dict[str, Callable[[], int]], entries: int, rounds: int) -> Dict[str, Any]:
    times: Dict[str, List[Dict[str, float]]] = {"sdk": [], "raw": []}
    for number in range(rounds):
        for side in ("sdk", "raw") if number % 2 == 0 else ("raw", "sdk"):
            times[side].append(_timed(walks[side], entries))
    wall = {side: [t["wall"] for t in rows] for side, rows in times.items()}
    cpu = {side: [t["cpu"] for t in rows] for side, rows in times.items()}
    return {
        "sdk_s": median(wall["sdk"]),
        "raw_s": median(wall["raw"]),
        "wall_ratio": paired_ratio(wall["sdk"], wall["raw"]),
        "cpu_ratio": paired_ratio(cpu["sdk"], cpu["raw"]),
        # What the typed objects cost the client, whatever the server's speed.
        "extra_cpu_us_per_entry": (median(cpu["sdk"]) - median(cpu["raw"])) / entries * 1e6,
        "sdk_rounds_s": wall["sdk"],
        "raw_rounds_s": wall["raw"],
    }


def run(quick: bool = False) -> Dict[str, Any]:
    """Time and memory of walking every entry, SDK iterator against the raw loop.

    Returns:
        ``{"entries", "page", "rounds", "conditions": {name: {"latency_s", "sdk_s", "raw_s",
        "wall_ratio", "cpu_ratio", "extra_cpu_us_per_entry", ...}}, "peak_small_mb",
        "peak_all_mb", "memory_ratio", "raw_peak_all_mb"}``.
    """
    entries = QUICK_ENTRIES if quick else ENTRIES
    rounds = 3 if quick else 9
    conditions: Dict[str, Any] = {}
    with ServerProcess(workspace_id=WORKSPACE) as server:
        server.add_logs(entries)
        client = SimStudioClient(server.api_key, server.base_url, api_version="v2")
        session = requests.Session()
        walks = {
            "sdk": _sdk_walk(client),
            "raw": _raw_walk(session, server.base_url, server.api_key),
        }
        for walk in walks.values():
            walk()  # warm up: connections, imports, caches
        for name, latency in CONDITIONS:
            server.latency(latency, "/api/v2/logs")
            conditions[name] = {"latency_s": latency, **_compare(walks, entries, rounds)}
        server.latency(0.0, "/api/v2/logs")
        peak_small = _peak_mb(_sdk_walk(client, stop=PAGE))
        peak_all = _peak_mb(walks["sdk"])
        raw_peak = _peak_mb(walks["raw"])
        client.close()
        session.close()
    return {
        "entries": entries,
        "page": PAGE,
        "rounds": rounds,
        "conditions": conditions,
        "peak_small_mb": peak_small,
        "peak_all_mb": peak_all,
        "memory_ratio": peak_all / peak_small if peak_small else float("nan"),
        "raw_peak_all_mb": raw_peak,
    }
