"""promote(): a workflow from one workspace (or server) to another -- export, import, deploy,
verify -- leaving the target as it was when a step fails; safe to run again."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from ._errors import BadRequestError, SimStudioError
from ._folders import FolderPath, split_path
from ._versions import use_v2
from ._workflow_content import canonical_content
from .types.workflow_admin import Workflow

if TYPE_CHECKING:
    from ._client import SimStudioClient

__all__ = ["PromotionReport", "PromotionStep", "promote"]

#: ``check(target_client, workflow_id)``: a smoke test of the deployed workflow; raising fails
#: the promotion (and rolls it back).
Check = Callable[["SimStudioClient", str], Any]


@dataclass
class PromotionStep:
    """One thing :func:`promote` did (or tried).

    Attributes:
        action: ``export``, ``find``, ``import``, ``deploy``, ``verify``, ``rollback``,
            ``undeploy`` or ``delete``.
        ok: Whether it worked (a skipped step is ok).
        detail: What happened, in words.
    """

    action: str
    ok: bool
    detail: str


@dataclass
class PromotionReport:
    """What :func:`promote` did, step by step.

    Attributes:
        ok: The workflow is live in the target and passed verification.
        source_workflow_id: The promoted workflow.
        name: Its name in the target.
        target_workflow_id: The target's workflow (``None`` if none was found or kept).
        created: A new workflow was imported into the target (and kept).
        changed: The target serves something it did not serve before.
        version: The version live in the target now (``None`` if nothing is, or not known).
        previous_version: The version that was live before (``None``: nothing, or unknown on
            a v1-only server).
        rolled_back: A failure was undone (rollback, undeploy or deleting the import).
        restored: After a failure, whether the target is as it was (``False``: see steps).
        error: Why it failed, or ``None``.
        steps: Every step, in order.
    """

    ok: bool
    source_workflow_id: str
    name: str
    target_workflow_id: Optional[str] = None
    created: bool = False
    changed: bool = False
    version: Optional[int] = None
    previous_version: Optional[int] = None
    rolled_back: bool = False
    restored: bool = True
    error: Optional[str] = None
    steps: List[PromotionStep] = field(default_factory=list)

    def add(self, action: str, ok: bool, detail: str) -> None:
        """Record a step."""
        self.steps.append(PromotionStep(action, ok, detail))

    def summary(self) -> str:
        """The report as lines of text, one per step, for a CI log."""
        lines = [f"{'ok' if s.ok else 'FAILED'} {s.action}: {s.detail}" for s in self.steps]
        outcome = "promoted" if self.ok else f"not promoted: {self.error}"
        return "\n".join([*lines, f"{self.name!r} {outcome}"])


@dataclass(frozen=True)
class _Live:
    """What was live: deployed or not, since when, which version (v2 only)."""

    is_deployed: bool
    deployed_at: Optional[str]
    version: Optional[int]
    needs_redeployment: bool = False


def promote(
    source: SimStudioClient,
    workflow_id: str,
    target: SimStudioClient,
    *,
    target_workspace_id: Optional[str] = None,
    name: Optional[str] = None,
    folder: Optional[FolderPath] = None,
    check: Optional[Check] = None,
) -> PromotionReport:
    """Promote a workflow: export it from ``source``, import it into ``target``, deploy it
    there and verify it; when deploying or verifying fails, undo what was done.

    Safe to run again: a workflow of the same name in the target folder whose content (blocks,
    edges, loops, parallels, variables; ids aside) equals the source's is reused, and deployed
    only if it is not live already. Sim cannot replace the content of an existing workflow,
    so a changed source is imported as a new workflow next to the old one, which is left as
    it is.

    Undoing a failure: a workflow imported by this run is deleted (v2; on a v1-only server it
    is undeployed and left for the next run to reuse); a reused one goes back to the version
    that was live before (undeployed if none was).

    Args:
        source: A client of the source workspace.
        workflow_id: The workflow to promote.
        target: A client of the target workspace (another key, or another server); a
            workspace key works (deploys then go through Sim's v1 routes).
        target_workspace_id: The target workspace; default: the target client's.
        name: Its name in the target; default: the source's.
        folder: The target folder (v2); default: the top level.
        check: ``check(target, workflow_id)`` after the deploy, e.g. a test run; raising
            fails the promotion.

    Returns:
        The :class:`PromotionReport`; ``report.ok`` says whether it worked.

    Raises:
        SimStudioError: Exporting, or looking into the target, failed (nothing was changed).
    """
    document = source.workflows.export(workflow_id)
    meta = _object(document.get("workflow"))
    wanted = name if name is not None else str(meta.get("name") or workflow_id)
    report = PromotionReport(False, workflow_id, wanted)
    report.add("export", True, f"exported {workflow_id} from {source.base_url}")
    existing = _find(target, document, wanted, target_workspace_id, folder, report)
    v2 = use_v2(target._requester)
    if existing is not None:
        report.target_workflow_id = existing.id
        before = _live(target, existing.id, v2)
    else:
        try:
            created = target.workflows.import_(
                document, workspace_id=target_workspace_id, name=wanted, folder=folder
            )
        except SimStudioError as error:
            return _failed(report, "import", error)
        report.add("import", True, f"imported as {created.id}")
        report.target_workflow_id, report.created = created.id, True
        before = _Live(False, None, None)
    report.previous_version = before.version if before.is_deployed else None
    return _deploy_and_verify(report, target, before, v2, check)


def _deploy_and_verify(
    report: PromotionReport, target: SimStudioClient, before: _Live, v2: bool,
    check: Optional[Check],
) -> PromotionReport:  # fmt: skip
    workflow_id = report.target_workflow_id or ""
    if before.is_deployed and not before.needs_redeployment:
        report.add("deploy", True, f"already live (version {before.version or '?'}): skipped")
        report.version = before.version
    else:
        try:
            deployment = target.workflows.deploy(
                workflow_id, description=f"promoted from {report.source_workflow_id}"
            )
        except SimStudioError as error:
            return _undo(_failed(report, "deploy", error), target, before, v2)
        report.version, report.changed = deployment.version, True
        report.add("deploy", True, f"deployed version {deployment.version}")
    try:
        status = target.get_workflow_status(workflow_id)
        if not status.is_deployed:
            raise SimStudioError("the workflow status says it is not deployed", "NOT_DEPLOYED")
        if check is not None:
            check(target, workflow_id)
    except Exception as error:  # a failing check of any kind fails the promotion
        return _undo(_failed(report, "verify", error), target, before, v2)
    report.add("verify", True, "deployed" + (" and checked" if check is not None else ""))
    report.ok = True
    return report


def _failed(report: PromotionReport, action: str, error: BaseException) -> PromotionReport:
    report.error = f"{action} failed: {error}"
    report.add(action, False, str(error))
    return report


def _find(
    target: SimStudioClient, document: Dict[str, Any], name: str, workspace_id: Optional[str],
    folder: Optional[FolderPath], report: PromotionReport,
) -> Optional[Workflow]:  # fmt: skip
    """A workflow of this name and content in the target folder, if there is one."""
    where = "/" + "/".join(split_path(folder)) if folder is not None else "/"
    v2 = use_v2(target._requester)
    # v1 has no folders (a folder= refuses there) and no search: its root is folder "/".
    listed = folder if folder is not None else ("/" if v2 else None)
    found = target.workflows.list(workspace_id, folder=listed, search=name if v2 else None)
    same_name = [w for w in found if w.name == name and (v2 or w.folder == "/")]
    wanted = canonical_content(document)
    for candidate in same_name:
        if canonical_content(target.workflows.export(candidate.id)) == wanted:
            report.add("find", True, f"{candidate.id} in {where} has this content: reusing it")
            return candidate
    others = f"; {len(same_name)} of that name with other content left as they are"
    report.add("find", True, f"no {name!r} with this content in {where}" + others * bool(same_name))
    return None


def _live(target: SimStudioClient, workflow_id: str, v2: bool) -> _Live:
    if v2:
        deployment = target.workflows.deployment(workflow_id)
        return _Live(
            deployment.is_deployed, deployment.deployed_at, deployment.active_version,
            deployment.needs_redeployment,
        )  # fmt: skip
    status = target.get_workflow_status(workflow_id)
    return _Live(status.is_deployed, status.deployed_at, None, status.needs_redeployment)


def _undo(
    report: PromotionReport, target: SimStudioClient, before: _Live, v2: bool
) -> PromotionReport:
    """Put the target back as it was; record each step, and whether it worked."""
    workflow_id = report.target_workflow_id or ""
    try:
        if report.created and v2:
            target.workflows.delete(workflow_id)
            report.add("delete", True, f"deleted the imported {workflow_id}")
            report.target_workflow_id, report.created = None, False
        else:
            _restore_deployment(report, target, workflow_id, before, v2)
        report.rolled_back, report.version = True, before.version if before.is_deployed else None
    except SimStudioError as error:
        report.restored = False
        report.add("rollback", False, f"could not undo: {error}")
    return report


def _restore_deployment(
    report: PromotionReport, target: SimStudioClient, workflow_id: str, before: _Live, v2: bool
) -> None:
    now = _live(target, workflow_id, v2)
    if (now.is_deployed, now.deployed_at, now.version) == (
        before.is_deployed, before.deployed_at, before.version,
    ):  # fmt: skip
        report.add("rollback", True, "nothing had changed: nothing to undo")
    elif before.is_deployed:
        # v1 cannot say which version was live: its rollback goes to the one below the active.
        restored = target.workflows.rollback(workflow_id, before.version)
        report.add("rollback", True, f"rolled back to version {restored.version}")
    else:
        with contextlib.suppress(BadRequestError):  # not deployed after all
            target.workflows.undeploy(workflow_id)
        report.add("undeploy", True, "undeployed: nothing was live before")
    if report.created:
        report.restored = False
        report.add("delete", False, f"{workflow_id} is left undeployed (v1 cannot delete it)")


def _object(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}
