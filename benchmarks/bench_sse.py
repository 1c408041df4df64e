"""Throughput benchmark of simstudio.sse.SSEDecoder against httpx-sse, sseclient-py and a floor."""

from __future__ import annotations

import argparse
import codecs
import importlib
import importlib.util
import json
import random
import sys
import time
import types
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

from simstudio.sse import SSEDecoder

FULL_BYTES = 50 * 1024 * 1024
QUICK_BYTES = 2 * 1024 * 1024
SEED = 20240611
# Share of frames whose text has non-ASCII characters (model output often has a few).
NON_ASCII_SHARE = 0.05
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     .,;!?'\"-"


def build_stream(target_bytes: int, seed: int = SEED) -> Tuple[bytes, int]:
    """Build a stream of typical Sim frames (``data: {"blockId", "chunk"}``).

    Args:
        target_bytes: Approximate size of the stream.
        seed: Random seed, so every run decodes the same bytes.

    Returns:
        The stream and the number of events in it.
    """
    rng = random.Random(seed)
    block_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(8)]
    frames: List[bytes] = []
    size = 0
    while size < target_bytes:
        text = "".join(rng.choices(_ALPHABET, k=rng.randint(40, 200)))
        if rng.random() < NON_ASCII_SHARE:
            text += " caf\u00e9 \u2014 \u4f60\u597d"  # some non-ASCII, as model output has
        payload = json.dumps({"blockId": rng.choice(block_ids), "chunk": text}, ensure_ascii=False)
        frame = ("data: " + payload + "\n\n").encode("utf-8")
        frames.append(frame)
        size += len(frame)
    return b"".join(frames), len(frames)


def fixed_chunks(stream: bytes, size: int = 8192) -> List[bytes]:
    """Split ``stream`` into chunks of ``size`` bytes."""
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def random_chunks(stream: bytes, seed: int = SEED, max_size: int = 16384) -> List[bytes]:
    """Split ``stream`` into chunks of random sizes in ``1..max_size`` (fixed seed)."""
    rng = random.Random(seed)
    out = []
    pos = 0
    while pos < len(stream):
        step = rng.randint(1, max_size)
        out.append(stream[pos : pos + step])
        pos += step
    return out


def _simstudio(chunks: List[bytes]) -> int:
    decoder = SSEDecoder()
    count = 0
    for chunk in chunks:
        count += len(decoder.feed(chunk))
    return count + len(decoder.close())


def _load_httpx_sse() -> Tuple[Optional[Any], str]:
    """Return httpx-sse's ``_decoders`` module, or ``None`` and why it is unavailable."""
    try:
        return importlib.import_module("httpx_sse._decoders"), ""
    except ImportError as exc:
        first_error = str(exc)
    # httpx_sse/__init__ imports httpx, which the decoders do not need: load them from the
    # installed package directory under a private package name instead.
    spec = importlib.util.find_spec("httpx_sse")
    if spec is None or not spec.submodule_search_locations:
        return None, "httpx-sse not installed"
    alias = "_bench_httpx_sse"
    package = types.ModuleType(alias)
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules[alias] = package
    try:
        module = importlib.import_module(alias + "._decoders")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        return None, f"httpx-sse decoders not importable: {exc}"
    return module, f"httpx_sse imported from its files ({first_error})"


def _make_httpx_sse(module: Any) -> Callable[[List[bytes]], int]:
    def run_httpx_sse(chunks: List[bytes]) -> int:
        # What httpx-sse's EventSource.iter_sse does: response.iter_text() (httpx decodes with
        # an incremental UTF-8 decoder, errors="replace"), SSELineDecoder, then SSEDecoder.
        text_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        lines = module.SSELineDecoder()
        decoder = module.SSEDecoder()
        count = 0
        for chunk in chunks:
            text = text_decoder.decode(chunk)
            if not text:
                continue
            for line in lines.decode(text):
                if decoder.decode(line.rstrip("\n")) is not None:
                    count += 1
        for line in lines.flush():
            if decoder.decode(line.rstrip("\n")) is not None:
                count += 1
        return count

    return run_httpx_sse


def _load_sseclient() -> Tuple[Optional[Callable[[List[bytes]], int]], str]:
    try:
        import sseclient  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as exc:
        return None, f"sseclient-py not importable: {exc}"

    def run_sseclient(chunks: List[bytes]) -> int:
        client = sseclient.SSEClient(iter(chunks))
        count = 0
        for _ in client.events():
            count += 1
        return count

    return run_sseclient, ""


def _split_floor(chunks: List[bytes]) -> int:
    buffer = b""
    count = 0
    for chunk in chunks:
        buffer += chunk
        parts = buffer.split(b"\n\n")
        buffer = parts.pop()
        count += len(parts)
    return count


def _time_once(func: Callable[[List[bytes]], int], chunks: List[bytes]) -> Tuple[float, int]:
    start = time.perf_counter()
    count = func(chunks)
    return time.perf_counter() - start, count


def run(quick: bool = False) -> Dict[str, Any]:
    """Run the benchmark.

    Args:
        quick: Use a ~2 MB stream instead of 50 MB (for smoke tests and CI).

    Returns:
        ``{"stream_bytes", "events", "repeats", "python", "notes", "rows", "ratios"}`` where
        ``rows`` is a list of ``{"decoder", "chunking", "seconds", "mb_per_s", "events_per_s",
        "events"}`` (MB = 10**6 bytes, best of ``repeats``) and ``ratios`` maps each chunking to
        ``{decoder: throughput / httpx-sse throughput}``.
    """
    stream, n_events = build_stream(QUICK_BYTES if quick else FULL_BYTES)
    repeats = 5 if quick else 3
    chunkings = {"8KiB": fixed_chunks(stream), "random 1..16KiB": random_chunks(stream)}
    notes: List[str] = []
    decoders: List[Tuple[str, Callable[[List[bytes]], int]]] = [("simstudio", _simstudio)]
    module, note = _load_httpx_sse()
    if note:
        notes.append(note)
    if module is not None:
        decoders.append(("httpx-sse", _make_httpx_sse(module)))
    sseclient_run, note = _load_sseclient()
    if note:
        notes.append(note)
    if sseclient_run is not None:
        decoders.append(("sseclient-py", sseclient_run))
    decoders.append(("bytes.split floor", _split_floor))

    rows: List[Dict[str, Any]] = []
    for chunking, chunks in chunkings.items():
        # Rounds interleave the decoders so that a busy machine slows them all alike.
        best = {name: float("inf") for name, _ in decoders}
        for _ in range(repeats):
            for name, func in decoders:
                seconds, count = _time_once(func, chunks)
                if count != n_events:
                    raise AssertionError(f"{name} decoded {count} events, expected {n_events}")
                best[name] = min(best[name], seconds)
        for name, _ in decoders:
            rows.append(
                {
                    "decoder": name,
                    "chunking": chunking,
                    "seconds": best[name],
                    "mb_per_s": len(stream) / best[name] / 1e6,
                    "events_per_s": n_events / best[name],
                    "events": n_events,
                }
            )
    ratios: Dict[str, Dict[str, float]] = {}
    for chunking in chunkings:
        base = [r for r in rows if r["chunking"] == chunking and r["decoder"] == "httpx-sse"]
        if base:
            ratios[chunking] = {
                r["decoder"]: r["mb_per_s"] / base[0]["mb_per_s"]
                for r in rows
                if r["chunking"] == chunking
            }
    return {
        "stream_bytes": len(stream),
        "events": n_events,
        "repeats": repeats,
        "python": sys.version.split()[0],
        "notes": notes,
        "rows": rows,
        "ratios": ratios,
    }


def _print_table(result: Dict[str, Any]) -> None:
    print(
        f"stream: {result['stream_bytes'] / 1e6:.1f} MB, {result['events']} events, "
        f"best of {result['repeats']}, Python {result['python']}"
    )
    for note in result["notes"]:
        print(f"note: {note}")
    header = f"{'decoder':<20} {'chunking':<16} {'MB/s':>9} {'events/s':>12} {'vs httpx-sse':>13}"
    print(header)
    print("-" * len(header))
    for row in result["rows"]:
        ratio = result["ratios"].get(row["chunking"], {}).get(row["decoder"])
        ratio_text = f"{ratio:.2f}x" if ratio is not None else "n/a"
        print(
            f"{row['decoder']:<20} {row['chunking']:<16} {row['mb_per_s']:>9.1f} "
            f"{row['events_per_s']:>12,.0f} {ratio_text:>13}"
        )


def main(argv: Optional[List[str]] = None) -> int:
    """Command-line entry point: ``python -m benchmarks.bench_sse [--quick]``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="~2 MB stream instead of 50 MB")
    parser.add_argument("--json", action="store_true", help="print the result as JSON too")
    args = parser.parse_args(argv)
    result = run(quick=args.quick)
    _print_table(result)
    if args.json:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
