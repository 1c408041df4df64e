"""What the server speaks (v2 behind its flag, or v1 only) and the key's workspace, learnt once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional

from ._errors import InvalidArgumentError, NotFoundError
from ._requester import Requester

__all__ = ["ServerFacts", "require_v2", "server_facts", "use_v2", "workspace_id_for"]

# Sim's v2 routes are off unless the server sets V2_API; a flag-off route answers an
# authenticated 404. Listing workspaces is the cheapest v2 call, and its answer also names the
# workspace of a workspace key.
_PROBE_PATH = "/api/v2/workspaces"


@dataclass(frozen=True)
class ServerFacts:
    """What one probe of the server taught: whether v2 answers, and the workspaces the key
    sees (at most two are asked for: only "exactly one" matters)."""

    v2: bool
    workspace_ids: List[str]


def _probe(requester: Requester) -> ServerFacts:
    try:
        answer = requester.request(
            "GET", _PROBE_PATH, query={"limit": 2}, what="detecting the server's API version"
        )
    except NotFoundError:
        return ServerFacts(v2=False, workspace_ids=[])
    body: Any = answer.json()
    items = body.get("data") if isinstance(body, dict) else None
    ids = [item["id"] for item in items or [] if isinstance(item, dict) and "id" in item]
    if isinstance(body, dict) and body.get("nextCursor"):
        ids.append("...")  # more than fit: the key sees several workspaces
    return ServerFacts(v2=True, workspace_ids=[str(i) for i in ids])


def server_facts(requester: Requester) -> ServerFacts:
    """The probe's answer for this server and key (asked once, then cached)."""
    return requester.state.fact("server", lambda: _probe(requester))


def use_v2(requester: Requester) -> bool:
    """Whether to call v2 routes: the client's ``api_version``, else what the server speaks."""
    version = requester.config.api_version
    if version != "auto":
        return version == "v2"
    return server_facts(requester).v2


def require_v2(requester: Requester, what: str) -> None:
    """Refuse, before sending, what only v2 can do when the server has v1 only."""
    if not use_v2(requester):
        raise InvalidArgumentError(
            f"{what} needs Sim's v2 API, which this server does not offer (self-hosted servers "
            "enable it with V2_API=true); or the client was created with api_version='v1'",
            "V2_REQUIRED",
        )


def workspace_id_for(requester: Requester, workspace_id: Optional[str], what: str) -> str:
    """The workspace a call is about: the argument, else the client's ``workspace_id`` (or
    ``SIM_WORKSPACE_ID``), else the single workspace a key sees on a v2 server."""
    if workspace_id is not None:
        if not isinstance(workspace_id, str) or not workspace_id.strip():
            raise InvalidArgumentError("workspace_id must be a non-empty string")
        return workspace_id
    configured = requester.config.workspace_id
    if configured is not None:
        return configured
    facts = server_facts(requester) if requester.config.api_version != "v1" else None
    if facts is not None and len(facts.workspace_ids) == 1:
        return facts.workspace_ids[0]
    why = (
        "this key sees several workspaces"
        if facts is not None and facts.workspace_ids
        else "it cannot be discovered from this server"
    )
    raise InvalidArgumentError(
        f"{what} needs a workspace: pass workspace_id=, or create the client with "
        f"workspace_id= (or set SIM_WORKSPACE_ID); {why}"
    )
