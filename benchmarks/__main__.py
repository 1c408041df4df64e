"""``python -m benchmarks [--quick] [--write-docs] [--json PATH] [--strict] [--only NAMES]``.

Runs every benchmark against the embedded local server (in its own process) and prints one
table per section, then a summary with each ratio against its target. ``--write-docs``
rewrites ``docs/benchmarks.md`` and ``docs/img/sse-throughput.png`` from this same run.

Exit status: 1 when a section crashed or a correctness check failed (connection reuse,
failed batch items); timing targets only fail the run with ``--strict`` (CI machines are noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from typing import Any, Callable, Dict, List, Optional

from . import bench_batch, bench_calls, bench_import, bench_memory, bench_reuse, bench_stream
from ._machine import describe, load_average
from ._report import render_text, summary_rows
from .bench_logs import run as run_logs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Correctness checks fail the run whatever --strict says: they are not timing noise.
_HARD_CHECKS = ("2. TCP connections", "failed items")


def _knowledge(quick: bool) -> Dict[str, Any]:
    from . import bench_knowledge

    result: Dict[str, Any] = bench_knowledge.run(quick)
    return result


def _sse(quick: bool) -> Dict[str, Any]:
    from . import bench_sse

    result: Dict[str, Any] = bench_sse.run(quick)
    return result


def _options(quick: bool) -> Dict[str, Any]:
    from . import bench_options

    result: Dict[str, Any] = bench_options.run(quick)
    return result


SECTIONS: Dict[str, Callable[[bool], Dict[str, Any]]] = {
    "calls": bench_calls.run,
    "reuse": bench_reuse.run,
    "sse": _sse,
    "stream": bench_stream.run,
    "memory": bench_memory.run,
    "import": bench_import.run,
    "batch": bench_batch.run,
    "options": _options,
    "knowledge": _knowledge,
    "logs": run_logs,
}


def run_all(quick: bool, only: Optional[List[str]] = None, verbose: bool = True) -> Dict[str, Any]:
    """Run the selected sections; failures are recorded, not raised."""
    results: Dict[str, Any] = {
        "quick": quick,
        "machine": describe(),
        "sections": {},
        "seconds": {},
        "errors": {},
    }
    started = time.perf_counter()
    for name, func in SECTIONS.items():
        if only and name not in only:
            continue
        if verbose:
            print(f"running {name} ...", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        try:
            results["sections"][name] = func(quick)
        except Exception:
            results["errors"][name] = traceback.format_exc()
        results["seconds"][name] = time.perf_counter() - begun
    results["total_seconds"] = time.perf_counter() - started
    results["machine"]["load_after"] = load_average()
    return results


def main(argv: Optional[List[str]] = None) -> int:
    """Parse arguments, run, print, optionally write the docs; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark simstudio against raw requests and other SSE parsers, "
        "with the local server in its own process.",
    )
    parser.add_argument("--quick", action="store_true", help="CI smoke run (< 30 s)")
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="rewrite docs/benchmarks.md and docs/img/sse-throughput.png",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the raw results as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any target is missed")
    parser.add_argument("--only", metavar="NAMES", help="comma-separated: " + ",".join(SECTIONS))
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",")] if args.only else None
    if only and set(only) - set(SECTIONS):
        parser.error(f"unknown section(s): {', '.join(sorted(set(only) - set(SECTIONS)))}")
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    results = run_all(args.quick, only)
    results["command"] = command
    print(render_text(results))
    print(
        f"\ntotal {results['total_seconds']:.1f} s ("
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in results["seconds"].items())
        + ")"
    )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    if args.write_docs:
        from ._docs import write_docs

        for path in write_docs(results, ROOT):
            print(f"wrote {os.path.relpath(path, ROOT)}")
    rows = summary_rows(results["sections"])
    hard_failed = [r for r in rows if r[3] is False and any(k in r[0] for k in _HARD_CHECKS)]
    missed = [r for r in rows if r[3] is False]
    if results["errors"] or hard_failed or (args.strict and missed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
