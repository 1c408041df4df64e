"""Knowledge bases: memory of a lazy 10,000-document listing, and the cost of a search call.

The local server runs in its own process (spawned), seeded with one knowledge base of 100
documents, one of 10,000 and the six recorded documents to search. Two measurements:

- ``memory``: the ``tracemalloc`` peak while iterating ``client.knowledge.documents.list(kb,
  limit=100)`` over 10,000 documents, divided by the peak over 100 documents (flat memory: the
  ratio stays near 1, however long the list).
- ``search``: ``client.knowledge.search(kb, query)`` against a bare ``requests.Session().post``
  of the same body with the same headers, JSON decoded; rounds interleaved, every order of the
  sides equally often, the ratio is the median of the per-round ratios. Measured against the
  server as it is and with 20 ms added to each search (``CONDITIONS``).

Run alone: ``python -m benchmarks.bench_knowledge [--quick]``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import multiprocessing
import time
import tracemalloc
import urllib.parse
from typing import Any, Callable, Dict, List

import requests

from simstudio import SimStudioClient
from simstudio._config import USER_AGENT

from ._stats import median, paired_ratio

SMALL, LARGE = 100, 10_000
LARGE_QUICK = 2_000  # the CI smoke run (the ratio is the same; 10,000 take a few seconds)
QUERY = "billing invoice refunds"
TEXTS = [
    "Billing invoices are sent monthly. Refunds for billing errors are issued within five days.",
    "Rechnungen werden monatlich versendet. Billing Rechnung Erstattung. Invoice Zahlung.",
    "The REST API uses API keys for authentication. Rate limits apply per key.",
    "Die REST API verwendet API Schluessel. Rate limits gelten pro Schluessel.",
    "Security: passwords are hashed and two-factor authentication protects every account.",
    "Sicherheit: Passwoerter werden gehasht. Security Zwei-Faktor Authentifizierung.",
]


def _child(conn: Any, large: int) -> None:
    from simstudio.testing import Fault, LocalSimServer
    from simstudio.testing._knowledge import KnowledgeStore

    server = LocalSimServer(processing_delay=0.0).start()
    client = SimStudioClient(api_key=server.personal_key, base_url=server.base_url,
                             workspace_id=server.workspace_id)  # fmt: skip
    ids = {name: client.knowledge.create(name).id for name in ("small", "large", "search")}
    # Seeded in the store directly: 10,100 uploads over HTTP would take most of the run.
    store = server._state.store(KnowledgeStore)  # the benchmark's own server, in its process
    for name, count in (("small", SMALL), ("large", large)):
        kb = store.base(ids[name])
        for number in range(count):
            store.add_document(kb, f"doc-{number:05d}.txt", "text/plain",  # type: ignore[arg-type]
                               f"Document {number} about billing and invoices.".encode(), 0.0)
    for number, text in enumerate(TEXTS):
        client.knowledge.documents.upload(ids["search"], text.encode(), filename=f"{number}.txt")
    client.close()
    conn.send((server.base_url, server.personal_key, server.workspace_id, ids))
    try:
        while True:
            command = conn.recv()
            if not (isinstance(command, tuple) and command[0] == "latency"):
                break
            server.clear_faults()
            if command[1]:
                server.inject(Fault(latency=command[1]), path="/api/v2/knowledge/search")
            conn.send(True)
    except EOFError:
        pass
    finally:
        server.stop(timeout=2.0)


def _peak(client: SimStudioClient, kb: str, clear_url_cache: bool) -> Dict[str, float]:
    gc.collect()
    urllib.parse.urlsplit.cache_clear()
    tracemalloc.start()
    started = time.perf_counter()
    count = 0
    for count, _document in enumerate(client.knowledge.documents.list(kb, limit=100), 1):
        if clear_url_cache and count % 100 == 0:
            urllib.parse.urlsplit.cache_clear()  # see memory(): the stdlib's, not the SDK's
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"documents": count, "peak_kib": peak / 1024, "seconds": seconds}


def memory(client: SimStudioClient, ids: Dict[str, str], large_count: int) -> Dict[str, Any]:
    """Peak traced memory listing 10,000 documents lazily, against listing 100.

    Each page's URL carries a new cursor, and ``urllib.parse.urlsplit`` (which ``requests``
    calls) keeps the last 128 URLs it split: about 1 KiB a page, bounded, but part of the
    plain peak. ``ratio`` includes it; ``sdk_ratio`` clears that cache between pages, which
    leaves what the SDK itself keeps.
    """
    result: Dict[str, Any] = {}
    for label, clear in (("plain", False), ("sdk", True)):
        _peak(client, ids["small"], clear)  # warm-up: imports, connection, version probe
        small = min((_peak(client, ids["small"], clear) for _ in range(3)),
                    key=lambda r: r["peak_kib"])  # fmt: skip
        large = _peak(client, ids["large"], clear)
        if (small["documents"], large["documents"]) != (SMALL, large_count):
            raise AssertionError(f"listed {small['documents']}/{large['documents']} documents")
        ratio = large["peak_kib"] / small["peak_kib"]
        result[label] = {"small": small, "large": large, "ratio": ratio}
    return {**result["plain"], "sdk_ratio": result["sdk"]["ratio"],
            "sdk_large_peak_kib": result["sdk"]["large"]["peak_kib"],
            "sdk_small_peak_kib": result["sdk"]["small"]["peak_kib"]}  # fmt: skip


def _raw_search(session: requests.Session, url: str, key: str, workspace: str,
                kb: str) -> Callable[[], Any]:  # fmt: skip
    """The POST a careful user would write by hand (as ``bench_calls`` does): the body built
    from the query and the headers set on each call, the answer checked and JSON decoded."""

    def call() -> Any:
        headers = {"X-API-Key": key, "User-Agent": USER_AGENT, "Accept": "application/json",
                   "Content-Type": "application/json"}  # fmt: skip
        body = {"workspaceId": workspace, "knowledgeBaseIds": kb, "topK": 10,
                "searchMode": "vector", "query": QUERY}  # fmt: skip
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        response = session.post(url, data=data, headers=headers, timeout=(10.0, 30.0))
        response.raise_for_status()
        return response.json()

    return call


def _round(func: Callable[[], Any], calls: int) -> Dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        func()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall / calls, "cpu": cpu / calls}


#: (name, seconds added to each search's answer, rounds, calls per round): the embedded server
#: as it is (about 1 ms a search on loopback), and one that takes 20 ms more, less than a real
#: Sim server took for any search in the exchanges recorded for the contract (self-hosted, on
#: loopback, with an instant fake embeddings endpoint: 23 ms at the least, median 46 ms). The
#: SDK's own cost does not change with the server's speed; the ratio does, so both are
#: reported, with that cost in client CPU per call.
CONDITIONS = (("embedded", 0.0, 36, 100), ("20ms", 0.02, 12, 20))
QUICK_CONDITIONS = (("embedded", 0.0, 6, 30), ("20ms", 0.02, 3, 5))


def _compare(sides: Dict[str, Callable[[], Any]], rounds: int, calls: int) -> Dict[str, Any]:
    samples: Dict[str, List[Dict[str, float]]] = {name: [] for name in sides}
    orders = list(itertools.permutations(sides))  # every order equally often
    for number in range(rounds):
        for name in orders[number % len(orders)]:
            samples[name].append(_round(sides[name], calls))
    wall = {name: [s["wall"] for s in rows] for name, rows in samples.items()}
    cpu = {name: [s["cpu"] for s in rows] for name, rows in samples.items()}
    return {
        "rounds": rounds, "calls_per_round": calls,
        "sdk_us": median(wall["sdk"]) * 1e6, "raw_us": median(wall["raw"]) * 1e6,
        "sdk_plain_us": median(wall["sdk_plain"]) * 1e6,
        "wall_ratio": paired_ratio(wall["sdk"], wall["raw"]),
        "plain_wall_ratio": paired_ratio(wall["sdk_plain"], wall["raw"]),
        # What the SDK's checks and typed results cost the client, whatever the server's speed.
        "extra_cpu_us": (median(cpu["sdk_plain"]) - median(cpu["raw"])) * 1e6,
    }  # fmt: skip


def search(client: SimStudioClient, base_url: str, key: str, workspace: str, kb: str,
           quick: bool, set_latency: Callable[[float], None]) -> Dict[str, Any]:  # fmt: skip
    """A search call against a bare requests POST of the same body, per server speed.

    Three sides, as in ``bench_calls``: ``sdk`` (a default client), ``sdk_plain`` (a client on
    a plain ``requests.Session()``: like for like with ``raw``) and ``raw``.
    """
    plain = SimStudioClient(api_key=key, base_url=base_url, workspace_id=workspace,
                            session=requests.Session())  # fmt: skip
    session = requests.Session()
    sides: Dict[str, Callable[[], Any]] = {
        "sdk": lambda: client.knowledge.search(kb, QUERY),
        "sdk_plain": lambda: plain.knowledge.search(kb, QUERY),
        "raw": _raw_search(session, base_url + "/api/v2/knowledge/search", key, workspace, kb),
    }
    expected = [hit["documentName"] for hit in sides["raw"]()["data"]["results"]]
    for name in ("sdk", "sdk_plain"):
        if [hit.document_name for hit in sides[name]()] != expected or not expected:
            raise AssertionError("the SDK and raw requests found different hits")
    for _ in range(100):
        for func in sides.values():
            func()  # warm up: connections, the version probe, caches
    conditions: Dict[str, Any] = {}
    for name, latency, rounds, calls in QUICK_CONDITIONS if quick else CONDITIONS:
        set_latency(latency)
        conditions[name] = {"latency_s": latency, **_compare(sides, rounds, calls)}
    set_latency(0.0)
    session.close()
    plain.close()
    return {"hits": len(expected), "conditions": conditions}


def run(quick: bool = False) -> Dict[str, Any]:
    """Both measurements against one seeded server process."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    large = LARGE_QUICK if quick else LARGE
    process = context.Process(target=_child, args=(child, large), daemon=True)
    process.start()
    try:
        if not parent.poll(120):
            raise RuntimeError("the knowledge benchmark server did not start")
        base_url, key, workspace, ids = parent.recv()

        def set_latency(seconds: float) -> None:
            parent.send(("latency", seconds))
            parent.recv()

        with SimStudioClient(api_key=key, base_url=base_url, workspace_id=workspace) as client:
            result = {"memory": memory(client, ids, large),
                      "search": search(client, base_url, key, workspace, ids["search"], quick,
                                       set_latency)}  # fmt: skip
    finally:
        parent.send("stop")
        process.join(10)
    return result


def main() -> None:
    """Print the numbers of one run."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_knowledge")
    parser.add_argument("--quick", action="store_true")
    result = run(parser.parse_args().quick)
    mem = result["memory"]
    print(f"list {mem['large']['documents']} documents: peak {mem['large']['peak_kib']:.0f} KiB "
          f"({mem['large']['seconds']:.2f} s); {mem['small']['documents']}: "
          f"{mem['small']['peak_kib']:.0f} KiB; ratio {mem['ratio']:.2f}x; without the "
          f"stdlib's URL cache {mem['sdk_large_peak_kib']:.0f} / {mem['sdk_small_peak_kib']:.0f}"
          f" KiB = {mem['sdk_ratio']:.2f}x")
    for name, found in result["search"]["conditions"].items():
        print(f"search, server {name}: SDK {found['sdk_us']:.0f} us (on a plain Session "
              f"{found['sdk_plain_us']:.0f} us), raw requests {found['raw_us']:.0f} us; ratios "
              f"{found['wall_ratio']:.3f}x and {found['plain_wall_ratio']:.3f}x; SDK client CPU "
              f"+{found['extra_cpu_us']:.0f} us a call ({found['rounds']} rounds of "
              f"{found['calls_per_round']})")  # fmt: skip


if __name__ == "__main__":
    main()
