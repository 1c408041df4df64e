"""One client, 16 threads, 3200 mixed calls against a rate-limiting, fault-injecting server."""

from __future__ import annotations

import gc
import threading
import uuid
from collections import Counter
from typing import Any, Callable, Dict, Iterator, List, Tuple

from fault_helpers import SECRET, Audit, RecordingSleep, socket_fds, wait_until

from simstudio import (
    APIConnectionError,
    RateLimitError,
    ServerError,
    SimStudioClient,
    SimStudioError,
    StreamIncompleteError,
    WorkflowExecutionResult,
)
from simstudio.testing import Fault, LocalSimServer, RateLimit

THREADS = 16
CALLS = 200
OUT = ["agent1.content"]


def _words(workflow_input: Dict[str, Any]) -> Iterator[str]:
    for index, word in enumerate(str(workflow_input.get("message", "")).split(" ")):
        yield word if index == 0 else " " + word


class _Run:
    """Outcomes of all threads: counts per kind, and anything that must never happen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()
        self.wrong: List[Tuple[str, Any]] = []
        self.foreign: List[BaseException] = []
        self.samples: Dict[str, SimStudioError] = {}

    def ok(self, kind: str) -> None:
        with self.lock:
            self.outcomes[kind] += 1

    def failed(self, kind: str, error: SimStudioError) -> None:
        with self.lock:
            self.outcomes[f"{kind}:{type(error).__name__}"] += 1
            self.samples.setdefault(type(error).__name__, error)

    def mismatch(self, marker: str, got: Any) -> None:
        with self.lock:
            self.wrong.append((marker, got))


def _call(client: SimStudioClient, run: _Run, thread: int, index: int) -> None:
    marker = f"t{thread}-i{index}-{uuid.uuid4().hex[:8]}"
    message = f"hello {marker} bye"
    kind = ("sync", "stream", "status", "drop", "proxy", "cut", "retry", "sync")[index % 8]
    try:
        if kind in ("sync", "drop", "proxy", "retry"):
            workflow = {"sync": "echo", "drop": "flaky", "proxy": "behind-proxy"}.get(kind, "echo")
            if kind == "retry":
                result: Any = client.execute_with_retry("echo", {"marker": marker}, max_retries=2)
            else:
                result = client.execute_workflow(workflow, {"marker": marker})
            assert isinstance(result, WorkflowExecutionResult)
            if result.output != {"input": {"marker": marker}}:
                run.mismatch(marker, result.output)
        elif kind in ("stream", "cut"):
            workflow = "words" if kind == "stream" else "words-cut"
            stream = client.stream_workflow(workflow, {"message": message}, selected_outputs=OUT)
            try:
                with stream:
                    for _event in stream:
                        pass
            except StreamIncompleteError as error:
                if not message.startswith(error.text):
                    run.mismatch(marker, error.text)
                raise
            if stream.text != message:
                run.mismatch(marker, stream.text)
        else:
            if client.get_workflow_status("echo").is_deployed is not True:
                run.mismatch(marker, "status")
        run.ok(kind)
    except SimStudioError as error:
        run.failed(kind, error)
    except BaseException as error:  # anything else is a defect
        with run.lock:
            run.foreign.append(error)


def test_sixteen_threads_share_one_client_under_faults(
    sim_server_factory: Callable[..., LocalSimServer], audit: Audit
) -> None:
    """3200 calls (16 x 200) take ~4 s here; each checks it got its own answer back."""
    # 100 executes/s with a burst of 30: this run sends ~2000 executes in a few seconds, so a
    # good share is refused with 429 whatever the machine's speed.
    limit = RateLimit(per_minute=6000, burst=30)
    server = sim_server_factory(api_key=SECRET, rate_limit=limit)
    server.add_workflow("words", _words)
    server.add_workflow("words-cut", _words)
    server.add_workflow("flaky", lambda data: {"input": data})
    server.add_workflow("behind-proxy", lambda data: {"input": data})
    server.inject(Fault(drop="before_response", reset=True), workflow_id="flaky")
    page = "<html><body>502 Bad Gateway</body></html>"
    server.inject(Fault(status=502, body=page, content_type="text/html"), "behind-proxy")
    server.inject(Fault(cut_after_events=2), workflow_id="words-cut")

    gc.collect()  # sockets of earlier tests must not close during ours and skew the count
    fds_before = socket_fds()
    client = SimStudioClient(
        api_key=SECRET, base_url=server.base_url, timeout=10, sleep=RecordingSleep()
    )
    run = _Run()

    def worker(thread: int) -> None:
        for index in range(CALLS):
            _call(client, run, thread, index)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)

    for error in run.samples.values():
        audit.add_error(error)
    assert run.foreign == []
    assert run.wrong == []
    outcomes = run.outcomes
    assert sum(outcomes.values()) == THREADS * CALLS
    assert outcomes["drop:APIConnectionError"] == THREADS * CALLS // 8
    assert outcomes["proxy:ServerError"] == THREADS * CALLS // 8
    assert outcomes["status"] == THREADS * CALLS // 8
    assert outcomes["sync"] > 0
    assert outcomes["stream"] > 0
    assert outcomes["cut:StreamIncompleteError"] > 0
    assert sum(n for kind, n in outcomes.items() if kind.endswith(":RateLimitError")) > 0
    assert set(run.samples) <= {
        APIConnectionError.__name__,
        ServerError.__name__,
        StreamIncompleteError.__name__,
        RateLimitError.__name__,
    }, outcomes
    # Server side: only successful executes ran, nothing ran twice.
    ran = outcomes["sync"] + outcomes["retry"] + outcomes["stream"]
    assert server.executions("echo") + server.executions("words") == ran

    # No connection leaks: at most one pooled connection per thread, none after close().
    assert server.open_connections <= THREADS
    client.close()
    assert wait_until(lambda: server.open_connections == 0), server.open_connections
    assert wait_until(lambda: socket_fds() <= fds_before), (socket_fds(), fds_before)
