"""Deployment routes (workflows-api.md §2-4): deploy, undeploy and rollback in v1 (workspace
keys allowed) and v2 (personal keys only), and v2's deployment state and versions."""

from __future__ import annotations

import math
from typing import Optional, Tuple

from . import _workflow_views as views
from ._catalog import Version
from ._envelopes import V2, ApiError, v2_data, v2_list
from ._pagination import read_page_request
from ._public import Call
from ._responses import Response
from ._routes_workflows import answer, catalog, record, require_role
from ._validation import Checks, invalid, invalid_type, out_of_range


def _guard(call: Call) -> Checks:
    """The body's checks; v2 refuses workspace keys first (before reading the body)."""
    if call.version == V2:
        call.require_personal_key()
    return call.body_checks()


def deploy(call: Call) -> Response:
    """``POST /api/v{1,2}/workflows/{id}/deploy``: a new version, active at once."""
    checks = _guard(call)
    name = checks.string("name", min_length=1, max_length=100,
                         messages={"too_small": "Name cannot be empty"})  # fmt: skip
    description = None
    if checks.values.get("description") is None:
        checks.allow("description")
    else:
        description = checks.string("description", max_length=50000)
    if name is not None and not name.strip() and not checks.issues:
        checks.add(out_of_range(["name"], "string", 1, False, "Name cannot be empty"))
    checks.done()
    with call.state.lock:
        found = catalog(call)
        target = record(call, found)
        require_role(call, target.workspace_id, "admin", "deploy workflows")
        found.deploy(target, name.strip() if name else None, description, _deployer(call))
        return answer(call, views.deployed(target, call.version))


def _deployer(call: Call) -> str:
    return call.principal.user.name


def undeploy(call: Call) -> Response:
    """``DELETE /api/v{1,2}/workflows/{id}/deploy``: executes answer 403 afterwards."""
    _guard(call).done()
    with call.state.lock:
        found = catalog(call)
        target = record(call, found)
        require_role(call, target.workspace_id, "admin", "undeploy workflows")
        found.undeploy(target)
        return answer(call, views.undeployed(target, call.version))


def rollback(call: Call) -> Response:
    """``POST /api/v{1,2}/workflows/{id}/rollback``: activate ``version`` or the previous one."""
    checks = _guard(call)
    number = checks.integer("version", minimum=1,
                            too_small="version must be a positive integer")  # fmt: skip
    checks.done()
    with call.state.lock:
        found = catalog(call)
        target = record(call, found)
        require_role(call, target.workspace_id, "admin", "roll back workflows")
        chosen = found.rollback_target(target, number)
        found.activate(target, chosen, "activate", call.request.received_at)
        return answer(call, views.deployed(target, call.version))


def deployment(call: Call) -> Response:
    """``GET /api/v2/workflows/{id}/deployment``."""
    call.query_checks().done()
    with call.state.lock:
        found = catalog(call)
        return v2_data(views.deployment(record(call, found)))


def versions(call: Call) -> Response:
    """``GET /api/v2/workflows/{id}/versions``: newest first; a cursor is bound to its workflow."""
    checks = call.query_checks()
    paging = read_page_request(checks)
    checks.done()
    with call.state.lock:
        found = catalog(call)
        target = record(call, found)

        def newest_first(version: Version) -> Tuple[int]:
            return (-version.number,)

        page, cursor = paging.page(target.versions, newest_first, {"workflowId": target.id})
        return v2_list([views.version_item(target, v) for v in page], cursor)


def _number(text: str) -> int:
    try:
        value = float(text) if text.strip() else math.nan
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise invalid([invalid_type(["version"], "number", math.nan)])
    if math.isinf(value) or value != int(value) or value < 1:
        raise invalid([out_of_range(["version"], "number", 1, False)])
    return int(value)


def version(call: Call) -> Response:
    """``GET /api/v2/workflows/{id}/versions/{version}``: one version with its state."""
    call.query_checks().done()
    number = _number(call.params["version"])
    with call.state.lock:
        found = catalog(call)
        target = record(call, found)
        chosen: Optional[Version] = next(
            (v for v in target.versions if v.number == number), None
        )
        if chosen is None:
            raise ApiError(404, "Deployment version not found")
        return v2_data(views.version_detail(target, chosen))
