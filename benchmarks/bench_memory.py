"""Peak memory while consuming a large stream, measured in a fresh interpreter.

``run()`` starts the server process, then for each (mode, method) pair a child
``python -m benchmarks.bench_memory`` that reads the server's URL and key from
``SIM_BASE_URL``/``SIM_API_KEY``, warms up on a small stream, records its baseline and consumes
the big one. The modes are the ways to consume a stream: iterating it with the defaults
(text kept up to ``max_text_chars``), ``iter_sse()`` (a proxy), ``collect_text=False`` and
``max_text_chars=None`` (all text kept). RSS peaks come from ``/proc/self/status``
(``VmHWM`` after resetting it through ``/proc/self/clear_refs``; if that is refused,
``VmRSS`` sampled every millisecond);
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
from typing import Any, Dict, List, Optional, Tuple

from ._handlers import BULK

CHUNK_CHARS = 16_000
FULL_MB = 50
QUICK_MB = 20
#: Mode name -> ``stream_workflow`` options (``iter_sse`` consumes through ``iter_sse()``).
MODES: Dict[str, Dict[str, Any]] = {
    "defaults": {},
    "iter_sse": {},
    "collect_text=False": {"collect_text": False},
    "max_text_chars=None": {"max_text_chars": None},
}


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


def _consume(total_bytes: int, mode: str) -> Tuple[int, Any]:
    """Stream ``total_bytes`` of text in ``mode``; return what arrived and the finished stream
    (still referenced, so what it keeps can be measured)."""
    from simstudio import SimStudioClient

    count = max(1, total_bytes // CHUNK_CHARS)
    received = 0
    with SimStudioClient() as client, client.stream_workflow(
        BULK, {"count": count, "size": CHUNK_CHARS}, selected_outputs=["agent1.content"],
        **MODES[mode],
    ) as stream:  # fmt: skip
        if mode == "iter_sse":
            for wire in stream.iter_sse():
                received += len(wire)
        else:
            for event in stream:
                if event.chunk:
                    received += len(event.chunk)
        if stream.result is None:
            raise AssertionError("stream incomplete")
    return received, stream


def measure(total_bytes: int, mode: str, method: str) -> Dict[str, Any]:
    """Consume ``total_bytes`` of chunks in this process and report the memory it took."""
    _consume(CHUNK_CHARS * 8, mode)  # imports, pools and caches settle first
    gc.collect()
    baseline_kb = _status_kb("VmRSS") or 0
    result: Dict[str, Any] = {"mode": mode, "method": method}
    start = time.perf_counter()
    if method == "tracemalloc":
        tracemalloc.start()
        received, stream = _consume(total_bytes, mode)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["peak_mb"] = peak / 1e6
        result["retained_mb"] = current / 1e6  # held by the finished stream and its result
        del stream
    elif _reset_hwm():
        received, _stream = _consume(total_bytes, mode)
        result["peak_mb"] = ((_status_kb("VmHWM") or 0) - baseline_kb) * 1024 / 1e6
        result["source"] = "VmHWM"
    else:
        with _RssSampler() as sampler:
            received, _stream = _consume(total_bytes, mode)
        result["peak_mb"] = (sampler.peak - baseline_kb) * 1024 / 1e6
        result["source"] = "VmRSS sampled"
    result["seconds"] = time.perf_counter() - start
    result["received_mb"] = received / 1e6
    result["baseline_rss_mb"] = baseline_kb * 1024 / 1e6
    return result


def small_chunks(quick: bool = False) -> Dict[str, Any]:
    """Memory held for text that arrives a few characters per chunk, as model tokens do:
    ``StreamText`` against keeping one string per chunk (what streams did before), in this
    process, measured with ``tracemalloc``."""
    from simstudio._streaming.text import StreamText

    count = 200_000 if quick else 1_000_000

    def held(keep: Any) -> float:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            keep(f"t{i % 10}k ")  # a fresh 4-character str per chunk, as json.loads makes
        grown = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        return grown / 1e6

    text = StreamText(max_chars=None)
    parts: List[str] = []
    kept = held(lambda chunk: text.add("b", chunk))
    listed = held(parts.append)
    return {"chunks": count, "text_mb": count * 4 / 1e6, "stream_text_mb": kept,
            "list_of_chunks_mb": listed}  # fmt: skip


def run(quick: bool = False) -> Dict[str, Any]:
    """Measure the peak memory of every mode with RSS and tracemalloc."""
    from ._serverproc import ServerProcess

    total = (QUICK_MB if quick else FULL_MB) * 1_000_000
    rows: List[Dict[str, Any]] = []
    with ServerProcess() as server:
        env = dict(os.environ, SIM_BASE_URL=server.base_url, SIM_API_KEY=server.api_key)
        for mode in MODES:
            for method in ("rss", "tracemalloc"):
                command = [
                    sys.executable,
                    "-m",
                    "benchmarks.bench_memory",
                    "--bytes",
                    str(total),
                    "--method",
                    method,
                    "--mode",
                    mode,
                ]
                done = subprocess.run(
                    command, env=env, capture_output=True, text=True, check=True, timeout=600
                )
                rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    from simstudio._streaming.text import DEFAULT_MAX_TEXT_CHARS

    return {
        "stream_mb": total / 1e6,
        "chunk_chars": CHUNK_CHARS,
        "max_text_mb": DEFAULT_MAX_TEXT_CHARS / 1e6,
        "rows": rows,
        "small_chunks": small_chunks(quick),
    }


def main(argv: Optional[List[str]] = None) -> int:
    """Child entry point: measure once and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bytes", type=int, default=QUICK_MB * 1_000_000)
    parser.add_argument("--method", choices=["rss", "tracemalloc"], default="rss")
    parser.add_argument("--mode", choices=list(MODES), default="defaults")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.bytes, args.mode, args.method)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
