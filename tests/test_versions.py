"""Which API version a server speaks, and the key's workspace: asked once, overridable."""

from __future__ import annotations

import pytest
import responses
from _core_helpers import BASE, body, make_client

from simstudio import AuthenticationError, InvalidArgumentError
from simstudio._versions import require_v2, use_v2, workspace_id_for

PROBE = f"{BASE}/api/v2/workspaces"
FLAG_OFF = {"error": {"code": "NOT_FOUND", "message": "Not found"}}


def one_workspace(ws="ws-1", following=None):
    return {"data": [{"id": ws, "name": "Main"}], "nextCursor": following}


def test_v2_is_detected_once_and_cached(rsps):
    rsps.add(responses.GET, PROBE, body=body(one_workspace()))
    client = make_client()
    assert use_v2(client._requester)
    assert use_v2(client._requester)
    assert len(rsps.calls) == 1
    assert "limit=2" in rsps.calls[0].request.url


def test_a_flag_off_server_is_v1(rsps):
    rsps.add(responses.GET, PROBE, body=body(FLAG_OFF), status=404)
    requester = make_client()._requester
    assert not use_v2(requester)
    with pytest.raises(InvalidArgumentError, match="needs Sim's v2 API") as info:
        require_v2(requester, "tags on upload")
    assert info.value.code == "V2_REQUIRED"


def test_an_explicit_version_is_never_probed(rsps):
    assert use_v2(make_client(api_version="v2")._requester)
    assert not use_v2(make_client(api_version="v1")._requester)
    assert len(rsps.calls) == 0
    with pytest.raises(InvalidArgumentError):
        make_client(api_version="v3")


def test_another_server_or_key_is_asked_again(rsps):
    rsps.add(responses.GET, PROBE, body=body(one_workspace()))
    rsps.add(
        responses.GET, "https://other.example/api/v2/workspaces", body=body(FLAG_OFF), status=404
    )
    client = make_client()
    assert use_v2(client._requester)
    client.set_base_url("https://other.example")
    assert not use_v2(client._requester)


def test_auth_errors_of_the_probe_are_raised(rsps):
    rsps.add(responses.GET, PROBE, body=body({"error": {"code": "UNAUTHORIZED"}}), status=401)
    with pytest.raises(AuthenticationError):
        use_v2(make_client()._requester)


def test_workspace_comes_from_argument_then_client_then_env_then_discovery(rsps, monkeypatch):
    rsps.add(responses.GET, PROBE, body=body(one_workspace("ws-found")))
    monkeypatch.delenv("SIM_WORKSPACE_ID", raising=False)
    assert workspace_id_for(make_client()._requester, "ws-arg", "x") == "ws-arg"
    assert workspace_id_for(make_client(workspace_id="ws-c")._requester, None, "x") == "ws-c"
    monkeypatch.setenv("SIM_WORKSPACE_ID", "ws-env")
    assert workspace_id_for(make_client()._requester, None, "x") == "ws-env"
    monkeypatch.delenv("SIM_WORKSPACE_ID")
    assert workspace_id_for(make_client()._requester, None, "x") == "ws-found"


def test_several_workspaces_need_an_explicit_one(rsps, monkeypatch):
    monkeypatch.delenv("SIM_WORKSPACE_ID", raising=False)
    rsps.add(responses.GET, PROBE, body=body(one_workspace("a", following="next")))
    with pytest.raises(InvalidArgumentError, match="several workspaces"):
        workspace_id_for(make_client()._requester, None, "list knowledge bases")
