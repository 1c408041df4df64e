"""Deploying workflows: deploy, undeploy, roll back, and the deployment's state and versions."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from .._config import Timeout
from .._inputs import resource_path
from .._pagination import Paginator
from .._versions import require_v2
from ..types._wire import v2_data
from ..types.workflow_admin import Deployment, WorkflowVersion
from ._base import Resource
from ._lists import check_limit, v2_list
from ._workflow_admin import V2, check_text, check_version, send_deployment

__all__ = ["WorkflowDeployments"]


class WorkflowDeployments(Resource):
    """The deployment half of ``client.workflows`` (see :class:`Workflows`).

    Every deploy makes a new version; a rollback activates an earlier one. Sim's v2 API
    refuses deploy, undeploy and rollback to workspace API keys while v1 allows them: the SDK
    sends these through v2 and, after the first such refusal, through v1 for that key.
    """

    def deploy(
        self,
        workflow_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Deployment:
        """Deploy the workflow as it is now, as a new version (even when nothing changed).

        Args:
            workflow_id: The workflow's id.
            name: A name for the version (1-100 characters).
            description: A description of the version (up to 50,000 characters).
            timeout: Seconds to wait for the answer (a first deploy can take a while).
            extra_headers: Headers for this call only.

        Returns:
            The :class:`Deployment`; ``version`` is the new version's number.
        """
        body: Dict[str, Any] = {}
        if name is not None:
            body["name"] = check_text(name, "name", 100)
        if description is not None:
            body["description"] = check_text(description, "description", 50000, empty=True)
        return self._deployment("deploy", workflow_id, body, timeout, extra_headers)

    def undeploy(
        self,
        workflow_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Deployment:
        """Stop serving the workflow: executes answer 403 ``Workflow is not deployed`` until the
        next deploy or rollback. Its versions are kept.

        Raises:
            BadRequestError: It is not deployed (HTTP 400).
        """
        return self._deployment("undeploy", workflow_id, {}, timeout, extra_headers)

    def rollback(
        self,
        workflow_id: str,
        version: Optional[int] = None,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Deployment:
        """Activate an earlier version: ``version``, or without it the highest version below
        the active one.

        Raises:
            BadRequestError: The workflow is not deployed, or there is no earlier version.
            NotFoundError: There is no such version.
        """
        body = {"version": check_version(version)} if version is not None else {}
        return self._deployment("roll back", workflow_id, body, timeout, extra_headers)

    def _deployment(
        self,
        operation: str,
        workflow_id: str,
        body: Dict[str, Any],
        timeout: Optional[Timeout],
        extra_headers: Optional[Mapping[str, str]],
    ) -> Deployment:
        what = f"workflows.{operation.replace(' ', '')}({workflow_id!r})"
        answer = send_deployment(
            self._requester, operation, workflow_id, what=what, body=body, timeout=timeout,
            extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda b: Deployment.from_wire(v2_data(b, what)), answer)

    def deployment(
        self,
        workflow_id: str,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Deployment:
        """The workflow's deployment: ``is_deployed``, ``active_version`` and whether it
        changed since (``needs_redeployment``). Needs Sim's v2 API."""
        what = f"workflows.deployment({workflow_id!r})"
        require_v2(self._requester, f"client.{what}")
        answer = self._requester.request(
            "GET", V2.path("/{workflow_id}/deployment", workflow_id=workflow_id), what=what,
            timeout=timeout, extra_headers=extra_headers,
        )  # fmt: skip
        return self._build(lambda b: Deployment.from_wire(v2_data(b, what)), answer)

    def versions(
        self,
        workflow_id: str,
        *,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> Paginator[WorkflowVersion]:
        """The workflow's deployed versions, newest first, fetched lazily (``limit`` per
        page). Needs Sim's v2 API."""
        what = f"workflows.versions({workflow_id!r})"
        require_v2(self._requester, f"client.{what}")
        return v2_list(
            self._requester,
            V2.path("/{workflow_id}/versions", workflow_id=workflow_id),
            WorkflowVersion.from_wire,
            what=what,
            limit=check_limit(limit),
            cursor=cursor,
            timeout=timeout,
            extra_headers=extra_headers,
        )

    def version(
        self,
        workflow_id: str,
        n: int,
        *,
        timeout: Optional[Timeout] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> WorkflowVersion:
        """Version ``n`` of the workflow, with its ``state`` as it was deployed. Needs Sim's
        v2 API."""
        number = check_version(n, "n")
        what = f"workflows.version({workflow_id!r}, {number})"
        require_v2(self._requester, f"client.{what}")
        path = resource_path(
            V2.base + "/{workflow_id}/versions/{version}", workflow_id=workflow_id,
            version=str(number),
        )  # fmt: skip
        answer = self._requester.request(
            "GET", path, what=what, timeout=timeout, extra_headers=extra_headers
        )
        return self._build(lambda b: WorkflowVersion.from_wire(v2_data(b, what)), answer)
