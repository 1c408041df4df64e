"""Fixtures of the fault suite: leak audit and network guard (autouse), servers, clients, ports."""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
from typing import Any, Callable, Iterator, List

import pytest
from fault_helpers import SECRET, SECRET_2, Audit, RecordingSleep

from simstudio import SimStudioClient
from simstudio.testing import LocalSimServer


def _is_loopback(address: Any) -> bool:
    if isinstance(address, (str, bytes)):
        return True  # AF_UNIX
    host = str(address[0]).split("%")[0]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[Any]]:
    """Refuse (and record) any connect() to a non-loopback address: the suite stays local."""
    attempts: List[Any] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        if not _is_loopback(address):
            attempts.append(address)
            raise OSError(errno.ENETUNREACH, "blocked by the fault suite's network guard")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _is_loopback(address):
            attempts.append(address)
            return errno.ENETUNREACH
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempts
    assert attempts == [], f"the test tried to leave the machine: {attempts!r}"


@pytest.fixture(autouse=True)
def audit(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[Audit]:
    """Capture DEBUG logs of ``simstudio`` and ``urllib3``; after the test, scan every expected
    error, log line and byte of output for the API keys."""
    caplog.set_level(logging.DEBUG, logger="simstudio")
    caplog.set_level(logging.DEBUG, logger="urllib3")
    record = Audit()
    yield record
    out, err = capfd.readouterr()
    record.texts.append(("stdout", out))
    record.texts.append(("stderr", err))
    for phase in ("setup", "call", "teardown"):  # teardown: what ran so far (client.close())
        for entry in caplog.get_records(phase):
            record.texts.append((f"log {entry.name}", entry.getMessage()))
            record.texts.append((f"log {entry.name}", logging.Formatter().format(entry)))
    leaks = record.leaks()
    assert leaks == [], "the API key leaked:\n" + "\n".join(leaks)


@pytest.fixture
def server(sim_server_factory: Callable[..., LocalSimServer]) -> LocalSimServer:
    """A started LocalSimServer (2026 wire format) accepting the key ``SECRET``."""
    return sim_server_factory(api_key=SECRET)


@pytest.fixture
def other_server(sim_server_factory: Callable[..., LocalSimServer]) -> LocalSimServer:
    """A second server (another origin) with its own key ``SECRET_2``."""
    return sim_server_factory(api_key=SECRET_2)


@pytest.fixture
def make_client(audit: Audit) -> Iterator[Callable[..., SimStudioClient]]:
    """``make(base_url, **options)``: a client with the test key that never sleeps for real
    (``sleep`` records waits unless given) and neutral jitter; closed after the test."""
    clients: List[SimStudioClient] = []

    def make(base_url: str, **options: Any) -> SimStudioClient:
        options.setdefault("api_key", SECRET)
        options.setdefault("sleep", RecordingSleep())
        options.setdefault("random", lambda: 0.5)
        client = SimStudioClient(base_url=base_url, **options)
        clients.append(client)
        audit.add("client", client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound (so nobody else takes it), not listening."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


@pytest.fixture
def blackhole_port() -> Iterator[int]:
    """A loopback port whose accept queue is full: new connections hang in SYN-SENT.

    The listener has backlog 0 and never accepts; we connect to it ourselves until a probe
    connect times out, so the next connect (the SDK's) cannot complete either.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers: List[socket.socket] = []
    try:
        for _ in range(8):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.settimeout(0.2)
            fillers.append(probe)
            try:
                probe.connect(("127.0.0.1", port))
            except (socket.timeout, TimeoutError):
                break
        else:
            pytest.skip("this kernel accepts connections beyond a full backlog: no connect timeout")
        yield port
    finally:
        for sock in fillers:
            sock.close()
        listener.close()
