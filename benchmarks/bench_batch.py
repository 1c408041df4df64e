"""``execute_batch`` against a rate-limited server: no failures, throughput near the limit.

The server (separate process) has a token bucket ``RateLimit(per_minute, burst)``; the batch
uses ``requests_per_minute="auto"`` (read from ``get_usage_limits``). The allowed rate over the
run is ``burst + per_minute/60 * elapsed`` executions (a full bucket, then the refill); the
fraction achieved is ``items / allowed``.
"""

from __future__ import annotations

import time
from typing import Any, Dict

from simstudio import SimStudioClient
from simstudio.testing import RateLimit

from ._serverproc import ServerProcess

PER_MINUTE = 6000.0
BURST = 10


def run(quick: bool = False) -> Dict[str, Any]:
    """Run the batch and report failures, attempts and the achieved share of the limit."""
    items = 100 if quick else 500
    limit = RateLimit(per_minute=PER_MINUTE, burst=BURST)
    with ServerProcess(rate_limit=limit) as server, SimStudioClient(
        server.api_key, server.base_url
    ) as client:
        start = time.perf_counter()
        results = client.execute_batch(
            [("echo", {"n": number}) for number in range(items)], max_workers=4
        )
        elapsed = time.perf_counter() - start
    failed = [r for r in results if not r.ok]
    attempts = sum(r.attempts for r in results)
    rate = PER_MINUTE / 60.0
    allowed = BURST + rate * elapsed
    return {
        "items": items,
        "per_minute": PER_MINUTE,
        "burst": BURST,
        "elapsed_s": elapsed,
        "failed": len(failed),
        "rate_limited_retries": attempts - items,
        "achieved_per_s": items / elapsed,
        "allowed": allowed,
        "fraction_of_allowed": items / allowed,
        "fraction_of_rate": (items / elapsed) / rate,
    }
