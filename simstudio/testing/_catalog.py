"""The workflows Sim's management API sees on a local server: their records, folders, deployed
versions, and the link to what the execute routes run.

Every workflow the execute routes know (the built-ins, ``server.add_workflow``) has a record
too, in the main workspace; imported and created workflows get one and a runner
(``_blocks.runner``) that executes their active version. Route handlers hold ``state.lock``
while they use the catalog.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple
from urllib.parse import quote

from ._blocks import BlockTypes, State, code_state, content, deployed_state, runner
from ._envelopes import ApiError
from ._state import ServerState
from ._util import new_uuid
from ._workflows import Workflow


@dataclass
class Folder:
    """A workflow folder (its ``name`` decoded; paths are built from the parents)."""

    id: str
    workspace_id: str
    name: str
    parent_id: Optional[str]
    created_at: float
    updated_at: float


@dataclass
class Version:
    """A deployment version: a snapshot of the workflow's state at a deploy."""

    id: str
    number: int
    name: Optional[str]
    description: Optional[str]
    state: State
    created_at: float
    deployed_by: str


@dataclass
class Attempt:
    """The latest deployment attempt: a deploy (``deploy``) or a rollback (``activate``)."""

    id: str
    version: Version
    action: str
    requested_at: float
    activated_at: float


@dataclass
class Record:
    """One workflow as the management API sees it."""

    id: str
    workspace_id: str
    name: str
    description: Optional[str]
    folder_id: Optional[str]
    sort_order: int
    created_at: float
    updated_at: float
    state: State
    runner: Workflow
    versions: List[Version] = field(default_factory=list)
    active: Optional[Version] = None
    deployed_at: Optional[float] = None
    attempt: Optional[Attempt] = None

    @property
    def is_deployed(self) -> bool:
        """Whether a version is active."""
        return self.active is not None

    @property
    def needs_redeployment(self) -> bool:
        """Whether the workflow changed since its active version was deployed."""
        return self.active is not None and content(self.state) != content(self.active.state)


class Catalog:
    """Records and folders of every workspace on one server (a ``state.store``)."""

    def __init__(self) -> None:
        self.records: Dict[str, Record] = {}
        self.folders: Dict[str, Folder] = {}
        self.started = time.time()

    # -- workflows ----------------------------------------------------------------------------

    def sync(self, state: ServerState) -> None:
        """Give every workflow registered in code a record (in the main workspace)."""
        for workflow_id, workflow in list(state.workflows.items()):
            record = self.records.get(workflow_id)
            if record is None:
                self.records[workflow_id] = self._adopt(state, workflow)
            elif record.runner is not workflow:  # replaced with add_workflow
                record.runner = workflow
                self._follow_runner(record)

    def _adopt(self, state: ServerState, workflow: Workflow) -> Record:
        record = Record(
            workflow.workflow_id, workflow.workspace_id or state.directory.main.id,
            workflow.name or workflow.workflow_id, None, None, 0, self.started, self.started,
            code_state(workflow), workflow,
        )  # fmt: skip
        self._follow_runner(record)
        return record

    def _follow_runner(self, record: Record) -> None:
        if record.runner.deployed and record.active is None:
            at = record.runner.deployed_at
            version = Version(new_uuid(), len(record.versions) + 1, None, None,
                              deployed_state(record.state), at, "Local User")  # fmt: skip
            record.versions.append(version)
            record.active, record.deployed_at = version, at
            record.attempt = Attempt(new_uuid(), version, "deploy", at, at)
        elif not record.runner.deployed:
            record.active = record.deployed_at = None

    def in_workspace(self, workspace_id: str) -> List[Record]:
        """The workspace's workflows."""
        return [r for r in self.records.values() if r.workspace_id == workspace_id]

    def add(
        self, state: ServerState, workspace_id: str, name: str, description: Optional[str],
        folder_id: Optional[str], workflow_state: State,
    ) -> Record:  # fmt: skip
        """A new, undeployed workflow (first in its workspace's position order)."""
        orders = [r.sort_order for r in self.in_workspace(workspace_id)]
        workflow_id = new_uuid()
        now = time.time()
        record: Record

        def active() -> Optional[State]:
            return record.active.state if record.active is not None else None

        execution = runner(workflow_id, name, active, state.store(BlockTypes))
        execution.workspace_id = workspace_id
        record = Record(workflow_id, workspace_id, name, description, folder_id,
                        min([0, *orders]) - 1, now, now, workflow_state, execution)  # fmt: skip
        self.records[workflow_id] = record
        state.workflows[workflow_id] = execution
        return record

    def delete(self, state: ServerState, record: Record) -> None:
        """Remove a workflow: gone from lists, and its executes answer 404."""
        self.records.pop(record.id, None)
        if state.workflows.get(record.id) is record.runner:
            del state.workflows[record.id]

    # -- deployments --------------------------------------------------------------------------

    def deploy(
        self, record: Record, name: Optional[str], description: Optional[str], user: str
    ) -> Version:
        """Snapshot the workflow as a new version and activate it."""
        now = time.time()
        number = max([v.number for v in record.versions], default=0) + 1
        version = Version(new_uuid(), number, name, description, deployed_state(record.state),
                          now, user)  # fmt: skip
        record.versions.append(version)
        self.activate(record, version, "deploy", now)
        return version

    def activate(self, record: Record, version: Version, action: str, requested: float) -> None:
        """Make ``version`` the one executes run."""
        now = time.time()
        record.active, record.deployed_at = version, now
        record.attempt = Attempt(new_uuid(), version, action, requested, now)
        record.runner.deployed, record.runner.deployed_at = True, now

    def rollback_target(self, record: Record, number: Optional[int]) -> Version:
        """The version a rollback activates: ``number``, else the highest below the active."""
        if record.active is None:
            raise ApiError(400, "Workflow is not deployed")
        if number is not None:
            found = next((v for v in record.versions if v.number == number), None)
            if found is None:
                raise ApiError(404, "Deployment version not found")
            return found
        below = [v for v in record.versions if v.number < record.active.number]
        if not below:
            raise ApiError(400, "No previous deployment version to roll back to")
        return max(below, key=lambda v: v.number)

    def undeploy(self, record: Record) -> None:
        """Stop serving the workflow (its versions stay)."""
        if record.active is None:
            raise ApiError(400, "Workflow is not deployed")
        record.active = record.deployed_at = None
        record.runner.deployed = False

    def edit(self, record: Record, workflow_state: State) -> None:
        """Replace the workflow's state, as an edit in Sim's editor does."""
        record.state = copy.deepcopy(workflow_state)
        record.updated_at = time.time()

    # -- folders ------------------------------------------------------------------------------

    def folder_path(self, folder_id: Optional[str]) -> str:
        """The canonical path of a folder (``/`` for the root)."""
        names: List[str] = []
        while folder_id is not None and folder_id in self.folders:
            folder = self.folders[folder_id]
            names.append(quote(folder.name, safe=""))
            folder_id = folder.parent_id
        return "/" + "/".join(reversed(names))

    def folders_in(self, workspace_id: str) -> List[Folder]:
        """The workspace's folders, every depth."""
        return [f for f in self.folders.values() if f.workspace_id == workspace_id]

    def find_folder(self, workspace_id: str, path: str) -> Optional[Folder]:
        """The folder at a canonical path (``None`` for a missing one; see ``is_root``)."""
        return next(
            (f for f in self.folders_in(workspace_id) if self.folder_path(f.id) == path), None
        )

    def children(
        self, workspace_id: str, folder_id: Optional[str]
    ) -> Tuple[List[Folder], List[Record]]:
        """The folders and workflows directly in a folder (``None``: the root)."""
        folders = [f for f in self.folders_in(workspace_id) if f.parent_id == folder_id]
        workflows = [r for r in self.in_workspace(workspace_id) if r.folder_id == folder_id]
        return folders, workflows
