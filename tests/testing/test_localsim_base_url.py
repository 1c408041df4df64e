"""``LocalSimServer.base_url`` before ``start()``: known for a fixed port, else a clear error."""

from __future__ import annotations

import socket

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_fixed_port_gives_the_url_before_start_and_it_is_the_one_served() -> None:
    port = free_port()
    server = LocalSimServer(port=port)
    before = server.base_url
    assert before == f"http://127.0.0.1:{port}"
    assert "not started" in repr(server)
    with server:
        assert server.base_url == before
        assert Api(server).execute("echo", {"a": 1}).status == 200
    assert server.base_url == before  # still usable after stop()


def test_a_wildcard_host_is_reached_through_loopback_before_start() -> None:
    port = free_port()
    assert LocalSimServer(host="0.0.0.0", port=port).base_url == f"http://127.0.0.1:{port}"


def test_port_zero_before_start_is_a_clear_error_naming_the_ways_out() -> None:
    server = LocalSimServer()
    with pytest.raises(RuntimeError) as info:
        _ = server.base_url
    message = str(info.value)
    assert "port=0" in message
    assert "start()" in message
    assert "port=N" in message
    assert repr(server) == "LocalSimServer('not started', wire_format='2026')"


def test_port_zero_after_start_keeps_its_url_across_a_restart() -> None:
    server = LocalSimServer()
    server.start()
    try:
        url = server.base_url
        assert url == f"http://127.0.0.1:{server.port}"
    finally:
        server.stop()
    assert server.base_url == url
    with server:
        assert server.base_url == url
        assert Api(server).execute("echo", {}).status == 200
