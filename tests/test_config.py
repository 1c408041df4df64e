"""Client configuration: key/base URL resolution, validation, session ownership, setters, close."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from _core_helpers import BASE, EXEC_SYNC_SUCCESS, KEY, STATUS_OK, WF, body, make_client

from simstudio import ConfigurationError, InvalidArgumentError, SimStudioClient
from simstudio._config import (
    DEFAULT_BASE_URL,
    ClientConfig,
    check_api_key,
    normalize_base_url,
    resolve_timeout,
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    monkeypatch.delenv("SIM_API_KEY", raising=False)
    monkeypatch.delenv("SIM_BASE_URL", raising=False)


# ----------------------------------------------------------------------------- API key


def test_key_from_environment(monkeypatch, rsps):
    monkeypatch.setenv("SIM_API_KEY", "sk-sim-from-env")
    client = SimStudioClient()
    rsps.add(responses.GET, f"{DEFAULT_BASE_URL}/api/workflows/{WF}/status", body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert rsps.calls[0].request.headers["X-API-Key"] == "sk-sim-from-env"


def test_explicit_key_wins_over_environment(monkeypatch, rsps):
    monkeypatch.setenv("SIM_API_KEY", "sk-sim-from-env")
    client = SimStudioClient(api_key="sk-sim-explicit")
    rsps.add(responses.GET, f"{DEFAULT_BASE_URL}/api/workflows/{WF}/status", body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert rsps.calls[0].request.headers["X-API-Key"] == "sk-sim-explicit"


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_key_fails_at_construction(key):
    with pytest.raises(ConfigurationError) as info:
        SimStudioClient(api_key=key)
    message = str(info.value)
    assert "SIM_API_KEY" in message
    assert "api_key" in message
    assert info.value.code == "CONFIGURATION_ERROR"


def test_bad_key_characters_not_echoed():
    secret = "sk-sim-secret\nInjected: header"
    with pytest.raises(ConfigurationError) as info:
        SimStudioClient(api_key=secret)
    assert "sk-sim-secret" not in str(info.value)
    assert "sk-sim-secret" not in repr(info.value)


def test_non_string_key_refused():
    with pytest.raises(ConfigurationError):
        check_api_key(12345)


def test_key_is_stripped(rsps):
    client = make_client(api_key=f"  {KEY}\n")
    rsps.add(responses.GET, f"{BASE}/api/workflows/{WF}/status", body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert rsps.calls[0].request.headers["X-API-Key"] == KEY


# ----------------------------------------------------------------------------- base URL


def test_default_base_url():
    client = SimStudioClient(api_key=KEY)
    assert client.base_url == "https://sim.ai"


def test_base_url_from_environment(monkeypatch):
    monkeypatch.setenv("SIM_BASE_URL", "http://localhost:3000/")
    client = SimStudioClient(api_key=KEY)
    assert client.base_url == "http://localhost:3000"


def test_empty_base_url_environment_falls_back_to_default(monkeypatch):
    monkeypatch.setenv("SIM_BASE_URL", "")
    assert SimStudioClient(api_key=KEY).base_url == "https://sim.ai"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("https://sim.ai", "https://sim.ai"),
        ("https://sim.ai/", "https://sim.ai"),
        ("https://sim.ai///", "https://sim.ai"),
        ("HTTPS://Sim.AI/", "https://sim.ai"),
        ("  https://sim.ai  ", "https://sim.ai"),
        ("http://127.0.0.1:3000/", "http://127.0.0.1:3000"),
        ("https://example.com/sim/", "https://example.com/sim"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_base_url_normalisation(raw, normalised):
    assert normalize_base_url(raw) == normalised
    assert SimStudioClient(api_key=KEY, base_url=raw).base_url == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "sim.ai",
        "ftp://sim.ai",
        "file:///etc/passwd",
        "https://",
        "https:///path",
        "https://sim.ai?x=1",
        "https://sim.ai/#frag",
        "https://user:pass@sim.ai",
        "https://sim.ai:notaport",
        "",
        "   ",
        None,
        42,
    ],
)
def test_base_url_validation(raw):
    with pytest.raises(ConfigurationError):
        normalize_base_url(raw)


def test_base_url_with_credentials_is_not_echoed():
    with pytest.raises(ConfigurationError) as info:
        SimStudioClient(api_key=KEY, base_url="https://user:hunter2@sim.ai")
    assert "hunter2" not in str(info.value)


def test_path_prefix_base_url_is_used(rsps):
    client = make_client(base_url="https://example.com/sim/")
    rsps.add(
        responses.GET, f"https://example.com/sim/api/workflows/{WF}/status", body=body(STATUS_OK)
    )
    client.get_workflow_status(WF)
    assert rsps.calls[0].request.url == f"https://example.com/sim/api/workflows/{WF}/status"


# ----------------------------------------------------------------------------- timeouts / retries


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (10.0, 30.0)),
        (30, (10.0, 30.0)),
        (3, (3.0, 3.0)),
        (0.5, (0.5, 0.5)),
        ((1, 2), (1.0, 2.0)),
    ],
)
def test_resolve_timeout(value, expected):
    assert resolve_timeout(value, (10.0, 30.0)) == expected


@pytest.mark.parametrize("value", [0, -1, (0, 1), (1, 2, 3), "30", True, (1, -2), [1, 2]])
def test_bad_timeouts(value):
    with pytest.raises(InvalidArgumentError):
        resolve_timeout(value, (10.0, 30.0))


@pytest.mark.parametrize("value", [-1, 1.5, True, "2"])
def test_bad_max_retries(value):
    with pytest.raises(InvalidArgumentError):
        SimStudioClient(api_key=KEY, max_retries=value)


def test_config_repr_hides_key():
    config = ClientConfig.create(KEY, None)
    assert KEY not in repr(config)
    assert KEY not in str(config)
    assert "sim.ai" in repr(config)
    assert config.api_key == KEY


def test_config_is_frozen():
    config = ClientConfig.create(KEY, None)
    with pytest.raises(AttributeError):
        config.api_key = "x"  # type: ignore[misc]


# ----------------------------------------------------------------------------- session & lifecycle


class CountingSession(requests.Session):
    def __init__(self):
        super().__init__()
        self.closed = 0

    def close(self):
        self.closed += 1
        super().close()


def test_injected_session_used_and_not_closed(rsps):
    session = CountingSession()
    session.headers["X-Corp-Proxy"] = "yes"
    client = make_client(session=session)
    rsps.add(responses.GET, f"{BASE}/api/workflows/{WF}/status", body=body(STATUS_OK))
    client.get_workflow_status(WF)
    assert rsps.calls[0].request.headers["X-Corp-Proxy"] == "yes"
    client.close()
    assert session.closed == 0


def test_own_session_closed_by_close(monkeypatch):
    closed = []
    monkeypatch.setattr(requests.Session, "close", lambda self: closed.append(self))
    client = make_client()
    client.close()
    assert len(closed) == 1


def test_context_manager_closes_and_blocks_calls(rsps):
    with make_client() as client:
        assert isinstance(client, SimStudioClient)
    for call in (
        lambda: client.execute_workflow(WF),
        lambda: client.get_workflow_status(WF),
        lambda: client.get_job_status("job"),
        lambda: client.get_usage_limits(),
        lambda: client.validate_workflow(WF),
        lambda: client.stream_workflow(WF),
        lambda: client.execute_workflow(WF, stream=True),
    ):
        with pytest.raises(ConfigurationError) as info:
            call()
        assert info.value.code == "CLIENT_CLOSED"
    assert len(rsps.calls) == 0


def test_close_is_idempotent():
    client = make_client()
    client.close()
    client.close()


def test_set_api_key_takes_effect_on_next_call(rsps):
    client = make_client()
    rsps.add(responses.POST, f"{BASE}/api/workflows/{WF}/execute", body=body(EXEC_SYNC_SUCCESS))
    client.execute_workflow(WF)
    client.set_api_key("sk-sim-rotated")
    client.execute_workflow(WF)
    assert rsps.calls[0].request.headers["X-API-Key"] == KEY
    assert rsps.calls[1].request.headers["X-API-Key"] == "sk-sim-rotated"


def test_set_api_key_validates():
    client = make_client()
    with pytest.raises(ConfigurationError):
        client.set_api_key("")
    with pytest.raises(ConfigurationError):
        client.set_api_key("bad key")


def test_set_base_url_takes_effect_on_next_call(rsps):
    client = make_client()
    rsps.add(responses.POST, f"{BASE}/api/workflows/{WF}/execute", body=body(EXEC_SYNC_SUCCESS))
    rsps.add(
        responses.POST,
        f"https://my-custom-domain.com/api/workflows/{WF}/execute",
        body=body(EXEC_SYNC_SUCCESS),
    )
    client.execute_workflow(WF)
    client.set_base_url("https://my-custom-domain.com/")
    assert client.base_url == "https://my-custom-domain.com"
    client.execute_workflow(WF, {"a": 1})
    assert rsps.calls[1].request.url == f"https://my-custom-domain.com/api/workflows/{WF}/execute"
    assert rsps.calls[1].request.headers["X-API-Key"] == KEY
    assert json.loads(rsps.calls[1].request.body) == {"a": 1}


def test_set_base_url_validates_and_keeps_old_on_error():
    client = make_client()
    with pytest.raises(ConfigurationError):
        client.set_base_url("ftp://nope")
    assert client.base_url == BASE


def test_client_repr_and_str_hide_key():
    client = make_client()
    assert KEY not in repr(client)
    assert KEY not in str(client)
    assert BASE in repr(client)
