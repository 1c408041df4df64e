"""Turning one run's results into the console table, docs/benchmarks.md and the SSE plot."""

from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

Row = Tuple[str, str, str, Optional[bool]]  # what, measured, target, met (None: no target)

TARGET_CALL_RATIO = 1.03
TARGET_LATENCY_MS = 5.0
TARGET_MEMORY_MB = 10.0
TARGET_BATCH_FRACTION = 0.9
OPTION_LABELS = {
    "plain": "nothing added",
    "with_options": "a with_options() view made per call",
    "extra_headers": "extra_headers (traceparent)",
    "log_info": "logging at INFO (SIM_LOG=info)",
    "log_debug": "logging at DEBUG (SIM_LOG=debug)",
}
TARGET_LOGS_RATIO = 1.05
TARGET_LOGS_MEMORY_RATIO = 1.25


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], markdown: bool) -> str:
    """A plain-text (aligned) or Markdown table."""
    cells = [[str(cell) for cell in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in cells]
        return "\n".join(lines)
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths))
        )

    out = [line(list(headers)), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    return "\n".join(out)


def _f(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def _x(value: Any, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}x"


def _status(met: Optional[bool]) -> str:
    return "" if met is None else ("PASS" if met else "MISS")


def _memory_target(mode: str, memory: Dict[str, Any]) -> Optional[float]:
    """MB a mode may grow by: flat when nothing is kept; with the defaults, the capped text
    once plus the one copy joining it into the result makes (2x the cap) and a flat margin."""
    if mode in ("iter_sse", "collect_text=False"):
        return TARGET_MEMORY_MB
    if mode == "defaults":
        return 2 * float(memory.get("max_text_mb", 16.8)) + TARGET_MEMORY_MB
    return None


def _small_chunks_note(memory: Dict[str, Any]) -> str:
    small = memory.get("small_chunks")
    if not small:
        return ""
    return (
        f"Text arriving in 4-character chunks ({small['chunks']:,} chunks, "
        f"{small['text_mb']:g} MB of text): the stream keeps {small['stream_text_mb']:.1f} MB; "
        f"one string per chunk would keep {small['list_of_chunks_mb']:.1f} MB."
    )


def summary_rows(sections: Dict[str, Any]) -> List[Row]:
    """The headline numbers, each with its target."""
    rows: List[Row] = []
    calls = sections.get("calls")
    if calls:
        rows.append(
            (
                "1. execute_workflow time / raw requests (wall, paired median)",
                _x(calls["wall_ratio"]),
                f"<= {TARGET_CALL_RATIO}x",
                calls["wall_ratio"] <= TARGET_CALL_RATIO,
            )
        )
        rows.append(
            ("1. execute_workflow client CPU / raw requests", _x(calls["cpu_ratio"]), "", None)
        )
        rows.append(
            (
                "1. same, SDK on a plain requests.Session (like for like), wall",
                _x(calls["plain_wall_ratio"]),
                f"<= {TARGET_CALL_RATIO}x",
                calls["plain_wall_ratio"] <= TARGET_CALL_RATIO,
            )
        )
        rows.append(
            (
                "1. execute_workflow latency p50 (loopback)",
                f"{calls['sdk']['p50_ms']:.2f} ms",
                f"< {TARGET_LATENCY_MS:g} ms",
                calls["sdk"]["p50_ms"] < TARGET_LATENCY_MS,
            )
        )
    reuse = sections.get("reuse")
    if reuse:
        for row in reuse["rows"]:
            rows.append(
                (
                    f"2. TCP connections: {row['scenario']}",
                    str(row["connections"]),
                    "1",
                    row["connections"] == 1,
                )
            )
    sse = sections.get("sse")
    if sse:
        ratios = sse.get("ratios", {}).get("8KiB", {})
        others = {
            name: value
            for name, value in ratios.items()
            if name not in ("simstudio", "bytes.split floor")
        }
        mine = ratios.get("simstudio")
        if mine is not None:
            for name, value in others.items():
                rows.append(
                    (
                        f"3. SSE parser throughput / {name} (8 KiB chunks)",
                        _x(mine / value, 2),
                        "> 1x",
                        mine / value > 1.0,
                    )
                )
            floor = ratios.get("bytes.split floor")
            if floor:
                rows.append(
                    ("3. SSE parser throughput / bytes.split floor", _x(mine / floor, 2), "", None)
                )
    stream = sections.get("stream")
    if stream:
        tp = stream["throughput"]
        rows.append(
            (
                "4. WorkflowStream over loopback (typed events)",
                f"{tp['loopback_mb_s']:.1f} MB/s, {tp['loopback_events_s']:,.0f} events/s",
                "",
                None,
            )
        )
        rows.append(
            (
                "4. ... as a fraction of the bare parser (wall / client CPU)",
                f"{tp['fraction_of_parser']:.3f} / {tp['cpu_fraction_of_parser']:.3f}",
                "",
                None,
            )
        )
        for row in stream["first_event"]["rows"]:
            rows.append(
                (
                    f"5. first-event latency p50, {row['framing']}",
                    f"{row['p50_ms']:.2f} ms (p90 {row['p90_ms']:.2f})",
                    f"< {TARGET_LATENCY_MS:g} ms",
                    row["p50_ms"] < TARGET_LATENCY_MS,
                )
            )
    memory = sections.get("memory")
    if memory:
        for row in memory["rows"]:
            target = _memory_target(row["mode"], memory)
            label = "RSS peak" if row["method"] == "rss" else "tracemalloc peak"
            rows.append(
                (
                    f"6. {label} above baseline, {memory['stream_mb']:g} MB stream, {row['mode']}",
                    f"{row['peak_mb']:.1f} MB",
                    f"< {target:g} MB" if target else "",
                    row["peak_mb"] < target if target else None,
                )
            )
        small = memory.get("small_chunks")
        if small:
            rows.append(
                (
                    "6. text kept for 4-character chunks / text size (one str per chunk: "
                    f"{small['list_of_chunks_mb'] / small['text_mb']:.1f}x)",
                    f"{small['stream_text_mb'] / small['text_mb']:.2f}x",
                    "",
                    None,
                )
            )
    imp = sections.get("import")
    if imp:
        rows.append(
            ("7. import simstudio / import requests (process wall)", _x(imp["ratio"], 2), "", None)
        )
    batch = sections.get("batch")
    if batch:
        rows.append(
            (
                f"9. execute_batch of {batch['items']}: failed items",
                str(batch["failed"]),
                "0",
                batch["failed"] == 0,
            )
        )
        rows.append(
            (
                "9. execute_batch throughput / allowed (burst + rate x elapsed)",
                f"{batch['fraction_of_allowed']:.3f}",
                f">= {TARGET_BATCH_FRACTION}",
                batch["fraction_of_allowed"] >= TARGET_BATCH_FRACTION,
            )
        )
    options = sections.get("options")
    if options:
        for row in options["rows"][1:]:
            rows.append(
                (
                    f"10. execute_workflow with {OPTION_LABELS[row['side']]} / without (CPU)",
                    _x(row["ratio"]),
                    "",
                    None,
                )
            )
    rows.extend(_knowledge_rows(sections.get("knowledge")))
    logs = sections.get("logs")
    if logs:
        for name, row in logs["conditions"].items():
            page_ms = f"+{row['latency_s'] * 1000:g} ms per page" if row["latency_s"] else "as is"
            target = name != "embedded"  # the embedded server's own speed is informational
            rows.append(
                (
                    f"10. logs.list() over {logs['entries']:,} entries / raw requests loop, "
                    f"embedded server {page_ms} (wall)",
                    _x(row["wall_ratio"]),
                    f"<= {TARGET_LOGS_RATIO}x" if target else "",
                    row["wall_ratio"] <= TARGET_LOGS_RATIO if target else None,
                )
            )
        rows.append(
            (
                f"10. logs.list() tracemalloc peak, {logs['entries']:,} / {logs['page']:,} entries",
                _x(logs["memory_ratio"], 2),
                f"<= {TARGET_LOGS_MEMORY_RATIO}x (flat)",
                logs["memory_ratio"] <= TARGET_LOGS_MEMORY_RATIO,
            )
        )
    return rows


# Listing 10,000 documents lazily: the peak may grow this much over listing 100.
TARGET_FLAT_RATIO = 1.25


def _knowledge_rows(knowledge: Optional[Dict[str, Any]]) -> List[Row]:
    if not knowledge:
        return []
    memory, search = knowledge["memory"], knowledge["search"]
    rows: List[Row] = [
        (f"10. list {memory['large']['documents']:,} documents / 100: peak memory (SDK)",
         _x(memory["sdk_ratio"], 2),
         f"<= {TARGET_FLAT_RATIO}x", memory["sdk_ratio"] <= TARGET_FLAT_RATIO),
        ("10. same, with urllib's 128-URL cache filling up", _x(memory["ratio"], 2), "", None),
    ]  # fmt: skip
    for name, row in search["conditions"].items():
        server = f"+{row['latency_s'] * 1000:g} ms per search" if row["latency_s"] else "as is"
        target = name != "embedded"  # as for logs: the embedded server's speed is informational
        for label, ratio in (("default client", row["wall_ratio"]),
                             ("SDK on a plain requests.Session (like for like)",
                              row["plain_wall_ratio"])):  # fmt: skip
            rows.append((
                f"10. knowledge.search / raw requests POST, embedded server {server}, {label} "
                "(wall)",
                _x(ratio), f"<= {TARGET_CALL_RATIO}x" if target else "",
                ratio <= TARGET_CALL_RATIO if target else None,
            ))  # fmt: skip
    return rows


def section_tables(sections: Dict[str, Any], markdown: bool) -> List[Tuple[str, str, str]]:
    """``(title, table, note)`` per section, in order."""
    out: List[Tuple[str, str, str]] = []
    calls = sections.get("calls")
    if calls:
        rows = []
        labels = (
            ("sdk", "SDK execute_workflow (default client)"),
            ("sdk_plain", "SDK execute_workflow, session=requests.Session()"),
            ("raw", "raw requests.Session().post"),
        )
        ratios = {
            "sdk": (calls["wall_ratio"], calls["cpu_ratio"]),
            "sdk_plain": (calls["plain_wall_ratio"], calls["plain_cpu_ratio"]),
            "raw": (1.0, 1.0),
        }
        for name, label in labels:
            side = calls[name]
            rows.append(
                [
                    label,
                    _f(side["calls_per_s"], 0),
                    _f(side["wall_us"]),
                    _f(side["cpu_us"]),
                    _x(ratios[name][0]),
                    _x(ratios[name][1]),
                    _f(side["p50_ms"], 3),
                    _f(side["p99_ms"], 3),
                ]
            )
        note = (
            f"{calls['rounds']} interleaved rounds of {calls['calls_per_round']} calls per "
            "side; ratios are medians of per-round ratios to raw requests."
        )
        if "fake_transport" in calls:
            fake = calls["fake_transport"]
            note += (
                f" Without the network (both sides on a plain requests.Session with a "
                f"canned adapter): raw {fake['raw_us']:.1f} us, SDK {fake['sdk_us']:.1f} us "
                f"of CPU per call ({_x(fake['ratio'])}, {fake['sdk_us'] - fake['raw_us']:+.1f}"
                " us: the SDK's own Python work)."
            )
        out.append(
            (
                '1. Per-call cost: execute_workflow("echo") vs raw requests',
                table(
                    [
                        "",
                        "calls/s",
                        "wall us/call",
                        "client CPU us/call",
                        "wall / raw",
                        "CPU / raw",
                        "p50 ms",
                        "p99 ms",
                    ],
                    rows,
                    markdown,
                ),
                note,
            )
        )
    reuse = sections.get("reuse")
    if reuse:
        rows = [[r["scenario"], r["requests"], r["connections"]] for r in reuse["rows"]]
        out.append(
            (
                "2. Connection reuse (server-side count)",
                table(["scenario", "requests", "TCP connections"], rows, markdown),
                "",
            )
        )
    sse = sections.get("sse")
    if sse:
        rows = []
        for r in sse["rows"]:
            ratio = sse.get("ratios", {}).get(r["chunking"], {}).get(r["decoder"])
            rows.append(
                [
                    r["decoder"],
                    r["chunking"],
                    _f(r["mb_per_s"]),
                    _f(r["events_per_s"], 0),
                    _x(ratio, 2),
                ]
            )
        note = (
            f"{sse['stream_bytes'] / 1e6:.1f} MB, {sse['events']:,} events, best of "
            f"{sse['repeats']} (benchmarks/bench_sse.py). " + " ".join(sse.get("notes", []))
        )
        out.append(
            (
                "3. SSE parser throughput",
                table(["decoder", "chunking", "MB/s", "events/s", "vs httpx-sse"], rows, markdown),
                note.strip(),
            )
        )
    stream = sections.get("stream")
    if stream:
        tp = stream["throughput"]
        rows = [
            [
                "SSEDecoder only (same bytes, in memory)",
                _f(tp["parser_mb_s"]),
                _f(tp["parser_mb_s"] * 1e6 / tp["frame_bytes"], 0),
                "1.000",
            ],
            [
                "SSEDecoder + typed StreamEvent (in memory)",
                _f(tp["typed_mb_s"]),
                _f(tp["typed_mb_s"] * 1e6 / tp["frame_bytes"], 0),
                f"{tp['typed_mb_s'] / tp['parser_mb_s']:.3f}",
            ],
            [
                "WorkflowStream over loopback, client CPU",
                _f(tp["client_cpu_mb_s"]),
                _f(tp["client_cpu_mb_s"] * 1e6 / tp["frame_bytes"], 0),
                f"{tp['cpu_fraction_of_parser']:.3f}",
            ],
            [
                "WorkflowStream over loopback, wall",
                _f(tp["loopback_mb_s"]),
                _f(tp["loopback_events_s"], 0),
                f"{tp['fraction_of_parser']:.3f}",
            ],
        ]
        note = (
            f"{tp['events']:,} chunk frames of {tp['frame_bytes']} bytes "
            f"({tp['stream_mb']:.1f} MB), median of {tp['runs']} streams. Client CPU per event: "
            f"{tp['client_cpu_us_per_event']:.2f} us = SSE parsing "
            f"{tp['frame_bytes'] / tp['parser_mb_s']:.2f} + JSON and typing "
            f"{tp['frame_bytes'] / tp['typed_mb_s'] - tp['frame_bytes'] / tp['parser_mb_s']:.2f}"
            f" + reading {tp['client_cpu_us_per_event'] - tp['frame_bytes'] / tp['typed_mb_s']:.2f}"
            " (urllib3/http.client hand over one HTTP chunk, here one frame, per read, and the"
            " decoder is fed once per read)."
        )
        out.append(
            (
                "4. End-to-end streaming throughput",
                table(["path", "MB/s", "events/s", "fraction of parser"], rows, markdown),
                note,
            )
        )
        rows = [
            [
                r["framing"],
                r["trials"],
                _f(r["p50_ms"], 3),
                _f(r["p90_ms"], 3),
                _f(r["max_ms"], 3),
                _f(r["call_to_event_p50_ms"], 2),
            ]
            for r in stream["first_event"]["rows"]
        ]
        out.append(
            (
                "5. First-event latency (server hands the frame over -> event in hand)",
                table(
                    ["framing", "trials", "p50 ms", "p90 ms", "max ms", "call -> event p50 ms"],
                    rows,
                    markdown,
                ),
                "call -> event includes the handler's deliberate 20 ms pause.",
            )
        )
    memory = sections.get("memory")
    if memory:
        rows = [
            [
                r["mode"],
                r["method"] + (f" ({r['source']})" if "source" in r else ""),
                _f(r["peak_mb"], 2),
                _f(r.get("retained_mb"), 2),
                _f(r["baseline_rss_mb"]),
                _f(r["received_mb"]),
                _f(r["seconds"], 2),
            ]
            for r in memory["rows"]
        ]
        out.append(
            (
                f"6. Peak memory while consuming a {memory['stream_mb']:g} MB stream",
                table(
                    [
                        "mode",
                        "method",
                        "peak above baseline MB",
                        "kept by the finished stream MB",
                        "baseline RSS MB",
                        "MB received",
                        "seconds",
                    ],
                    rows,
                    markdown,
                ),
                f"{memory['chunk_chars']:,}-character chunks; each row is a fresh interpreter. "
                + _small_chunks_note(memory),
            )
        )
    imp = sections.get("import")
    if imp:
        rows = [[name, _f(imp["ms"][name]), _f(imp["import_only_ms"][name])] for name in imp["ms"]]
        note = (
            f"median of {imp['runs']} interleaved runs, bytecode cached; simstudio's own "
            f"modules: {imp['simstudio_self_ms']:.1f} ms self time (-X importtime). Ratio "
            f"{_x(imp['ratio'], 2)} of process time, {_x(imp['import_only_ratio'], 2)} of "
            "import time alone."
        )
        out.append(
            (
                "7. Import time",
                table(["command", "process ms", "import only ms"], rows, markdown),
                note,
            )
        )
    batch = sections.get("batch")
    if batch:
        rows = [
            [
                batch["items"],
                f"{batch['per_minute']:g}/min, burst {batch['burst']}",
                _f(batch["elapsed_s"], 2),
                batch["failed"],
                batch["rate_limited_retries"],
                _f(batch["achieved_per_s"]),
                f"{batch['fraction_of_allowed']:.3f}",
                f"{batch['fraction_of_rate']:.3f}",
            ]
        ]
        out.append(
            (
                "9. execute_batch against a rate-limited server",
                table(
                    [
                        "items",
                        "limit",
                        "seconds",
                        "failed",
                        "429 retries",
                        "items/s",
                        "/ allowed",
                        "/ rate",
                    ],
                    rows,
                    markdown,
                ),
                "allowed = burst + rate x elapsed (what the server's bucket admits).",
            )
        )
    options = sections.get("options")
    if options:
        rows = [
            [OPTION_LABELS[r["side"]], _f(r["cpu_us"]), _x(r["ratio"])] for r in options["rows"]
        ]
        out.append(
            (
                "10. Day-two handles: cost per execute_workflow (canned adapter, CPU)",
                table(["", "client CPU us/call", "CPU / plain call"], rows, markdown),
                f"{options['rounds']} interleaved rounds of {options['calls_per_round']} calls per "
                "side on a session with a canned adapter (no socket); ratios are medians of "
                "per-round ratios to the plain call. Logging sides format every line and write "
                "it nowhere.",
            )
        )
    knowledge = sections.get("knowledge")
    if knowledge:
        out.append(_knowledge_table(knowledge, markdown))
    logs = sections.get("logs")
    if logs:
        rows = []
        for row in logs["conditions"].values():
            page = f"+{row['latency_s'] * 1000:g} ms/page" if row["latency_s"] else "as is"
            rows.append([f"client.logs.list() (typed), server {page}", _f(row["sdk_s"], 3),
                         _x(row["wall_ratio"]), _x(row["cpu_ratio"], 2),
                         _f(row["extra_cpu_us_per_entry"], 2)])  # fmt: skip
            rows.append([f"raw requests loop (dicts), server {page}", _f(row["raw_s"], 3),
                         _x(1.0), _x(1.0, 2), ""])  # fmt: skip
        note = (
            f"{logs['entries']:,} entries, {logs['page']:,} per page, median of "
            f"{logs['rounds']} interleaved rounds per server speed; CPU is the client process "
            "only (the server runs in its own). tracemalloc peak while walking: "
            f"{logs['peak_all_mb']:.2f} MB for all entries, {logs['peak_small_mb']:.2f} MB for "
            f"the first {logs['page']:,} (one page); the raw loop: "
            f"{logs['raw_peak_all_mb']:.2f} MB."
        )
        out.append(
            (
                "10. Listing execution logs",
                table(
                    ["side", "seconds", "wall ratio", "CPU ratio", "extra CPU us/entry"],
                    rows,
                    markdown,
                ),
                note,
            )
        )
    return out


def _knowledge_table(knowledge: Dict[str, Any], markdown: bool) -> Tuple[str, str, str]:
    memory, search = knowledge["memory"], knowledge["search"]
    rows = [
        ["list 100 documents (1 page)", f"{memory['small']['peak_kib']:.0f}",
         f"{memory['sdk_small_peak_kib']:.0f}", "", ""],
        [f"list {memory['large']['documents']:,} documents "
         f"({memory['large']['documents'] // 100} pages)",
         f"{memory['large']['peak_kib']:.0f}", f"{memory['sdk_large_peak_kib']:.0f}",
         f"{memory['large']['seconds']:.2f}", ""],
    ]  # fmt: skip
    notes = []
    for row in search["conditions"].values():
        server = f"+{row['latency_s'] * 1000:g} ms" if row["latency_s"] else "as is"
        rows += [
            [f"knowledge.search (SDK) / raw requests POST, server {server}, us",
             f"{row['sdk_us']:.0f}", f"{row['raw_us']:.0f}", _x(row["wall_ratio"]), ""],
            ["same, SDK on a plain requests.Session / raw, us", f"{row['sdk_plain_us']:.0f}",
             f"{row['raw_us']:.0f}", _x(row["plain_wall_ratio"]),
             f"{row['extra_cpu_us']:.0f}"],
        ]  # fmt: skip
        notes.append(f"{row['rounds']} interleaved rounds of {row['calls_per_round']} calls "
                     f"(server {server})")  # fmt: skip
    return (
        "10. Knowledge bases: lazy listing memory, search cost",
        table(["", "peak KiB / SDK us", "w/o URL cache / raw us", "seconds / ratio",
               "extra client CPU us/call"], rows, markdown),
        "tracemalloc peaks in the client process; the server runs in its own process. Search: "
        + "; ".join(notes) + ". The extra client CPU is the like-for-like SDK's over raw "
        "requests': what its checks and typed results cost, whatever the server's speed.",
    )


def render_text(results: Dict[str, Any]) -> str:
    """The console report."""
    sections = results["sections"]
    parts = []
    for title, body, note in section_tables(sections, markdown=False):
        parts.append(f"\n== {title}\n{body}" + (f"\n{note}" if note else ""))
    rows = [
        [what, value, target, _status(met)] for what, value, target, met in summary_rows(sections)
    ]
    parts.append("\n== Summary\n" + table(["", "measured", "target", ""], rows, markdown=False))
    for name, error in results.get("errors", {}).items():
        parts.append(f"\n!! {name} failed:\n{error}")
    return "\n".join(parts)


def plot(results: Dict[str, Any], path: str) -> bool:
    """Write the parser-throughput bar chart (PNG); ``False`` when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sse = results["sections"]["sse"]
    stream = results["sections"].get("stream")
    chunkings = list(dict.fromkeys(r["chunking"] for r in sse["rows"]))
    decoders = list(dict.fromkeys(r["decoder"] for r in sse["rows"]))
    labels = list(decoders)
    values = {
        c: [
            next(r["mb_per_s"] for r in sse["rows"] if r["decoder"] == d and r["chunking"] == c)
            for d in decoders
        ]
        for c in chunkings
    }
    figure, axis = plt.subplots(figsize=(8, 4.5), dpi=110)
    height = 0.8 / max(1, len(chunkings))
    for number, chunking in enumerate(chunkings):
        positions = [i + number * height for i in range(len(labels))]
        bars = axis.barh(positions, values[chunking], height=height, label=f"{chunking} chunks")
        axis.bar_label(bars, fmt="%.0f", padding=3, fontsize=8)
    if stream:
        tp = stream["throughput"]
        extra = [
            ("simstudio typed events\n(in memory)", tp["typed_mb_s"]),
            ("WorkflowStream loopback\n(client CPU)", tp["client_cpu_mb_s"]),
            ("WorkflowStream loopback\n(wall)", tp["loopback_mb_s"]),
        ]
        base = len(labels)
        bars = axis.barh(
            [base + i for i in range(len(extra))],
            [v for _, v in extra],
            height=height,
            color="grey",
            label="end to end (200-char chunks)",
        )
        axis.bar_label(bars, fmt="%.0f", padding=3, fontsize=8)
        labels += [name for name, _ in extra]
    axis.set_yticks(
        [
            i + (height * (len(chunkings) - 1) / 2 if i < len(decoders) else 0)
            for i in range(len(labels))
        ]
    )
    axis.set_yticklabels(labels, fontsize=8)
    axis.invert_yaxis()
    axis.set_xlabel("MB/s (10^6 bytes of SSE per second, higher is better)")
    axis.set_title(
        f"SSE parsing throughput, {sse['stream_bytes'] / 1e6:.0f} MB of Sim frames, "
        f"Python {sse['python']}",
        fontsize=10,
    )
    axis.legend(fontsize=8, loc="lower right")
    axis.margins(x=0.15)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return True
