"""Workflow states (blocks and edges) on the local server: running an imported workflow's
blocks, giving an import fresh block ids, and the state of a workflow registered in code.

An imported workflow runs its active deployed version: from the start block along the first
outgoing edge of each block. A start block passes on the workflow input; a ``response``
block answers with its ``data`` (``<start.name>``-style references filled in), ``status`` and
``headers``; a ``wait`` block waits ``timeValue`` seconds (or minutes) and outputs
``{"waitDuration", "status"}``; a type registered with ``server.add_block_type`` runs its
handler; any other block outputs ``{"input": <what it received>}``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import threading
import time
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from ._util import new_uuid
from ._workflows import ResponseBlock, Workflow, WorkflowContext, normalize_block_name

State = Dict[str, Any]
#: ``handler(received, block)``: the output of a block of a registered type.
BlockHandler = Callable[[Any, Dict[str, Any]], Any]

START_TYPES = frozenset({"start_trigger", "starter", "api_trigger", "input_trigger"})
_REFERENCE = re.compile(r"<([^<>.\s]+)\.([^<>\s]+)>")


class BlockTypes:
    """The block types a test registered (``server.add_block_type``), one store per server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._handlers: Dict[str, BlockHandler] = {}

    def add(self, block_type: str, handler: BlockHandler) -> None:
        """Register (or replace) the handler of a block type."""
        with self._lock:
            self._handlers[block_type] = handler

    def get(self, block_type: str) -> Optional[BlockHandler]:
        """The handler of a block type, if one was registered."""
        with self._lock:
            return self._handlers.get(block_type)


def _obj(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []


def _sub_value(block: Mapping[str, Any], name: str) -> Any:
    sub = block.get("subBlocks")
    entry = sub.get(name) if isinstance(sub, dict) else None
    return entry.get("value") if isinstance(entry, dict) else None


def chain(state: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The blocks a run visits: the start block, then the first edge out of each block."""
    blocks = _obj(state.get("blocks"))
    found = [b for b in blocks.values() if isinstance(b, dict)]
    if not found:
        return []
    start = next((b for b in found if b.get("type") in START_TYPES), found[0])
    edges = _list(state.get("edges"))
    visited, current = [start], start
    while True:
        following = next(
            (e.get("target") for e in edges if isinstance(e, dict)
             and e.get("source") == current.get("id")), None,
        )  # fmt: skip
        block = blocks.get(following) if isinstance(following, str) else None
        if not isinstance(block, dict) or block in visited:
            return visited
        visited.append(block)
        current = block


def _resolve(value: Any, outputs: Mapping[str, Any]) -> Any:
    """``value`` with ``<block.path>`` references to earlier outputs filled in."""
    if isinstance(value, dict):
        return {key: _resolve(item, outputs) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, outputs) for item in value]
    if not isinstance(value, str):
        return value
    whole = _REFERENCE.fullmatch(value.strip())
    if whole is not None:
        return _lookup(outputs, whole.group(1), whole.group(2))

    def text(match: re.Match[str]) -> str:
        found = _lookup(outputs, match.group(1), match.group(2))
        return found if isinstance(found, str) else json.dumps(found)

    return _REFERENCE.sub(text, value)


def _lookup(outputs: Mapping[str, Any], block: str, path: str) -> Any:
    value = outputs.get(normalize_block_name(block))
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif part != "input":  # <start.input> is the whole input
            return None
    return value


def _response(block: Mapping[str, Any], outputs: Mapping[str, Any]) -> ResponseBlock:
    data = _sub_value(block, "data")
    if isinstance(data, str):
        with contextlib.suppress(ValueError):  # plain text is the body as it is
            data = json.loads(data)
    status = _sub_value(block, "status")
    headers = _sub_value(block, "headers")
    return ResponseBlock(
        data=_resolve(data, outputs),
        status=int(status) if str(status or "").isdigit() else 200,
        headers={str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {},
    )


def _wait(block: Mapping[str, Any], ctx: WorkflowContext) -> Dict[str, Any]:
    try:
        seconds = float(_sub_value(block, "timeValue") or 0)
    except (TypeError, ValueError):
        seconds = 0.0
    if _sub_value(block, "timeUnit") == "minutes":
        seconds *= 60
    finished = ctx.sleep(seconds)
    return {"waitDuration": int(seconds * 1000), "status": "completed" if finished else "cancelled"}


def run_state(
    state: Mapping[str, Any], workflow_input: Any, ctx: WorkflowContext, types: BlockTypes
) -> Any:
    """Run a workflow state's blocks (see the module docstring); the last output is the run's."""
    outputs: Dict[str, Any] = {}
    received: Any = workflow_input
    for block in chain(state):
        kind = str(block.get("type"))
        handler = types.get(kind)
        if handler is not None:
            output = handler(received, block)
        elif kind in START_TYPES:
            output = workflow_input
        elif kind == "response":
            output = _response(block, outputs)
        elif kind == "wait":
            output = _wait(block, ctx)
        else:
            output = {"input": received}
        outputs[normalize_block_name(str(block.get("name") or kind))] = (
            output.as_output() if isinstance(output, ResponseBlock) else output
        )
        received = output
    return received


def runner(workflow_id: str, name: str, active: Callable[[], Optional[State]],
           types: BlockTypes) -> Workflow:  # fmt: skip
    """The execution side of an imported workflow: it runs ``active()``, its live state."""

    def handler(workflow_input: Any, ctx: WorkflowContext) -> Any:
        state = active()
        return run_state(state or {}, workflow_input, ctx, types)

    return Workflow(workflow_id, handler, deployed=False, name=name)


# -- states ----------------------------------------------------------------------------------


def fresh_ids(state: Mapping[str, Any]) -> State:
    """A copy of ``state`` with new block and edge ids, as an import makes."""
    ids = {old: new_uuid() for old in _obj(state.get("blocks"))}
    renewed: State = relabel(dict(state), ids)
    for edge in _list(renewed.get("edges")):
        if isinstance(edge, dict):
            edge["id"] = new_uuid()
    return renewed


def relabel(value: Any, ids: Mapping[str, str]) -> Any:
    """``value`` with every block id replaced: as a whole string or key, and inside longer
    strings (handles such as ``condition-<id>-if``) for ids too long to be a common word."""
    if isinstance(value, dict):
        return {ids.get(key, key): relabel(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [relabel(item, ids) for item in value]
    if not isinstance(value, str):
        return value
    if value in ids:
        return ids[value]
    for old, new in ids.items():
        if len(old) >= 20 and old in value:
            value = value.replace(old, new)
    return value


def content(state: Mapping[str, Any]) -> str:
    """What a deployment compares to tell whether a workflow changed since (a JSON text)."""
    keys = ("blocks", "edges", "loops", "parallels", "variables")
    return json.dumps({key: state.get(key) for key in keys}, sort_keys=True)


def deployed_state(state: Mapping[str, Any]) -> State:
    """The state a deployment version keeps (``lastSaved`` in ms, no metadata)."""
    kept = {key: copy.deepcopy(state.get(key)) for key in ("blocks", "edges", "loops", "parallels")}
    kept["variables"] = copy.deepcopy(state.get("variables") or {})
    kept["lastSaved"] = int(time.time() * 1000)
    return kept


def inputs_of(state: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The start block's input fields ``[{id, name, type}]``."""
    blocks = chain(state)
    fields = _sub_value(blocks[0], "inputFormat") if blocks else None
    return [
        {"id": f.get("id"), "name": f.get("name"), "type": f.get("type")}
        for f in fields or [] if isinstance(f, dict)
    ]  # fmt: skip


def _block(block_id: str, kind: str, name: str, x: int, sub: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": block_id, "type": kind, "name": name, "position": {"x": x, "y": 100},
            "enabled": True, "horizontalHandles": True, "advancedMode": False,
            "errorEnabled": False, "triggerMode": False, "height": 0, "subBlocks": sub,
            "outputs": {}, "data": {}, "locked": False}  # fmt: skip


def code_state(workflow: Workflow) -> State:
    """A state for a workflow registered in code: a start block and the workflow's block."""
    field = {"id": new_uuid(), "name": "message", "type": "string", "value": ""}
    kind = re.sub(r"\d+$", "", workflow.block_name) or "agent"
    start_sub = {"inputFormat": {"id": "inputFormat", "type": "input-format", "value": [field]}}
    return empty_state(
        [
            _block(new_uuid(), "start_trigger", "Start", 0, start_sub),
            _block(workflow.block_id, kind, workflow.block_display, 400, {}),
        ]
    )


def empty_state(blocks: Optional[List[Dict[str, Any]]] = None) -> State:
    """A state of ``blocks`` joined in a line (default: a lone start block)."""
    if blocks is None:
        blocks = [_block(new_uuid(), "start_trigger", "Start", 0, {})]
    edges = [
        {"id": new_uuid(), "source": a["id"], "target": b["id"], "sourceHandle": "source",
         "targetHandle": "target", "type": "default", "data": {}}
        for a, b in zip(blocks, blocks[1:])
    ]  # fmt: skip
    return {"blocks": {b["id"]: b for b in blocks}, "edges": edges, "loops": {}, "parallels": {},
            "variables": {}}  # fmt: skip


def state_of(document: Any) -> Tuple[Optional[State], Dict[str, Any]]:
    """The state and the ``workflow`` part of an export (or of a bare state), or ``None``."""
    if not isinstance(document, dict):
        return None, {}
    meta = _obj(document.get("workflow"))
    state = _obj(document.get("state")) or document
    if not isinstance(state.get("blocks"), dict):
        return None, meta
    return copy.deepcopy(state), meta
