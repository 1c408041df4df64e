"""Peak memory while consuming a large stream, measured in a fresh interpreter.

``run()`` starts the server process, then for each (``collect_text``, method) pair a child
``python -m benchmarks.bench_memory`` that reads the server's URL and key from
``SIM_BASE_URL``/``SIM_API_KEY``, warms up on a small stream, records its baseline and consumes
the big one. RSS peaks come from ``/proc/self/status`` (``VmHWM`` after resetting it through
``/proc/self/clear_refs``; if that is refused, ``VmRSS`` sampled every millisecond);
``tracemalloc`` runs in its own child because tracing costs memory and time itself.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from typing import Any, Dict, List, Optional

from ._handlers import BULK

CHUNK_CHARS = 16_000
FULL_MB = 200
QUICK_MB = 20


def _status_kb(field: str) -> Optional[int]:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


class _RssSampler:
    """Samples VmRSS in a thread when VmHWM cannot be reset."""

    def __init__(self) -> None:
        self.peak = _status_kb("VmRSS") or 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(0.001):
            self.peak = max(self.peak, _status_kb("VmRSS") or 0)

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def _consume(total_bytes: int, collect_text: bool) -> int:
    from simstudio import SimStudioClient

    count = max(1, total_bytes // CHUNK_CHARS)
    received = 0
    with SimStudioClient() as client, client.stream_workflow(
        BULK,
        {"count": count, "size": CHUNK_CHARS},
        selected_outputs=["agent1.content"],
        collect_text=collect_text,
    ) as stream:
        for event in stream:
            if event.chunk:
                received += len(event.chunk)
        if stream.result is None:
            raise AssertionError("stream incomplete")
    return received


def measure(total_bytes: int, collect_text: bool, method: str) -> Dict[str, Any]:
    """Consume ``total_bytes`` of chunks in this process and report the memory it took."""
    _consume(CHUNK_CHARS * 8, collect_text)  # imports, pools and caches settle first
    gc.collect()
    baseline_kb = _status_kb("VmRSS") or 0
    result: Dict[str, Any] = {"collect_text": collect_text, "method": method}
    start = time.perf_counter()
    if method == "tracemalloc":
        tracemalloc.start()
        received = _consume(total_bytes, collect_text)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["peak_mb"] = peak / 1e6
    elif _reset_hwm():
        received = _consume(total_bytes, collect_text)
        result["peak_mb"] = ((_status_kb("VmHWM") or 0) - baseline_kb) * 1024 / 1e6
        result["source"] = "VmHWM"
    else:
        with _RssSampler() as sampler:
            received = _consume(total_bytes, collect_text)
        result["peak_mb"] = (sampler.peak - baseline_kb) * 1024 / 1e6
        result["source"] = "VmRSS sampled"
    result["seconds"] = time.perf_counter() - start
    result["received_mb"] = received / 1e6
    result["baseline_rss_mb"] = baseline_kb * 1024 / 1e6
    return result


def run(quick: bool = False) -> Dict[str, Any]:
    """Measure peak memory for collect_text False/True with RSS and tracemalloc."""
    from ._serverproc import ServerProcess

    total = (QUICK_MB if quick else FULL_MB) * 1_000_000
    rows: List[Dict[str, Any]] = []
    with ServerProcess() as server:
        env = dict(os.environ, SIM_BASE_URL=server.base_url, SIM_API_KEY=server.api_key)
        for collect_text in (False, True):
            for method in ("rss", "tracemalloc"):
                command = [
                    sys.executable,
                    "-m",
                    "benchmarks.bench_memory",
                    "--bytes",
                    str(total),
                    "--method",
                    method,
                ] + (["--collect-text"] if collect_text else [])
                done = subprocess.run(
                    command, env=env, capture_output=True, text=True, check=True, timeout=600
                )
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {"stream_mb": total / 1e6, "chunk_chars": CHUNK_CHARS, "rows": rows}


def main(argv: Optional[List[str]] = None) -> int:
    """Child entry point: measure once and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bytes", type=int, default=QUICK_MB * 1_000_000)
    parser.add_argument("--method", choices=["rss", "tracemalloc"], default="rss")
    parser.add_argument("--collect-text", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.bytes, args.collect_text, args.method)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
