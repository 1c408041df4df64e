"""Every recorded 403 of logs, workspaces and MCP (public-api.md §5-§7) says what the key lacks.

The bodies are the recorded answers (logs_v1_list_other_ws, logs_v2_list_other_ws, ws_v2_get_other,
ws_v2_members_other, mcp_v2_create_other_ws, mcp_v2_tools_workspace_key_forbidden), plus the
local server's own words where nothing was recorded.
"""

from __future__ import annotations

import pytest
import responses
from _core_helpers import BASE, KEY, body, make_client

from simstudio import PermissionDeniedError

V1_OTHER_WS = {"error": "API key is not authorized for this workspace"}
V2_OTHER_WS = {
    "error": {"code": "FORBIDDEN", "message": "Workspace API key cannot access this workspace"}
}
V2_PERSONAL_KEY_ONLY = {
    "error": {
        "code": "FORBIDDEN",
        "message": "Workspace API key cannot perform this operation",
        "details": {"code": "WORKSPACE_KEY_OPERATION_NOT_PERMITTED"},
    }
}
# Not recorded: what the local server answers (the words of Sim's Roles and Permissions page).
LOCAL_NOT_A_MEMBER = {
    "error": {"code": "FORBIDDEN", "message": "You do not have access to this workspace"}
}
LOCAL_LEVEL = {
    "error": {
        "code": "FORBIDDEN",
        "message": "This operation needs write permission in the workspace",
    }
}


def _logs(client):
    return list(client.logs.list("realsim-ws-other"))  # v1 or v2, as the client is made


def _workspace(client):
    return client.workspaces.get("realsim-ws-other")


def _members(client):
    return list(client.workspaces.members("realsim-ws-other"))


def _mcp_create(client):
    return client.mcp.create("x", "http://127.0.0.1:18100/mcp", workspace_id="realsim-ws-other")


def _mcp_tools(client):
    return client.mcp.tools("mcp-5b9c83a5")


CASES = [
    # (call, method, path, api version, body, reason, detail code, words of the advice)
    (_logs, "GET", "/api/v1/logs", "v1", V1_OTHER_WS, "workspace", None, "another workspace"),
    (_logs, "GET", "/api/v2/logs", "v2", V2_OTHER_WS, "workspace", None, "another workspace"),
    (_workspace, "GET", "/api/v2/workspaces/realsim-ws-other", "v2", V2_OTHER_WS, "workspace",
     None, "another workspace"),
    (_members, "GET", "/api/v2/workspaces/realsim-ws-other/members", "v2", V2_OTHER_WS,
     "workspace", None, "another workspace"),
    (_mcp_create, "POST", "/api/v2/mcp-servers", "v2", V2_OTHER_WS, "workspace", None,
     "another workspace"),
    (_mcp_tools, "GET", "/api/v2/mcp-servers/mcp-5b9c83a5/tools", "v2", V2_PERSONAL_KEY_ONLY,
     "personal_key_required", "WORKSPACE_KEY_OPERATION_NOT_PERMITTED", "personal API key"),
    (_logs, "GET", "/api/v2/logs", "v2", LOCAL_NOT_A_MEMBER, "not_member", None,
     "not a member of this workspace"),
    (_mcp_create, "POST", "/api/v2/mcp-servers", "v2", LOCAL_LEVEL, "permission", None,
     "(Read, Write or Admin)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "path", "version", "answer", "reason", "detail", "advice"),
    CASES,
    ids=[
        "logs-v1-other-ws",
        "logs-v2-other-ws",
        "workspace-other",
        "members-other",
        "mcp-create-other-ws",
        "mcp-tools-workspace-key",
        "local-not-a-member",
        "local-permission-level",
    ],
)
def test_a_403_names_what_the_key_lacks(
    rsps, call, method, path, version, answer, reason, detail, advice
):
    client = make_client(api_version=version, workspace_id="realsim-ws-main")
    rsps.add(method, BASE + path, body=body(answer), status=403)
    with pytest.raises(PermissionDeniedError) as info:
        call(client)
    error = info.value
    assert (error.status, error.reason, error.detail_code) == (403, reason, detail)
    assert error.server_code == (None if version == "v1" else "FORBIDDEN")
    assert error.code == (detail or "FORBIDDEN")
    assert advice in str(error)
    assert KEY not in str(error)
    assert KEY not in repr(error)
    assert len(rsps.calls) == 1  # a refusal is never retried


def test_an_unexplained_403_keeps_the_servers_words_and_no_reason(rsps):
    client = make_client(api_version="v2", workspace_id="realsim-ws-main")
    unexplained = {"error": {"code": "FORBIDDEN", "message": "Forbidden"}}
    rsps.add(responses.GET, f"{BASE}/api/v2/logs", body=body(unexplained), status=403)
    with pytest.raises(PermissionDeniedError) as info:
        list(client.logs.list())
    assert (info.value.reason, info.value.detail_code) == (None, None)
    assert str(info.value) == "logs.list() failed (HTTP 403): Forbidden"
