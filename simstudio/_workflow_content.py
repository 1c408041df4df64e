"""Workflow content, ids aside: a digest of an export that two copies of one workflow share
(an import gives every block and edge a new id)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Tuple

__all__ = ["canonical_content"]


def canonical_content(document: Dict[str, Any]) -> str:
    """A digest of an export's content: blocks, edges, loops, parallels and variables, with
    the ids an import regenerates replaced by stable labels (block order: type, name,
    position). Equal digests mean the same workflow, ids, names and timestamps aside."""
    state = _object(document.get("state"))
    blocks = _object(state.get("blocks"))
    content = {key: state.get(key) for key in ("blocks", "edges", "loops", "parallels")}
    variables = state.get("variables")
    content["variables"] = sorted(
        (json.dumps({k: v for k, v in value.items() if k != "id"}, sort_keys=True)
         for value in variables.values() if isinstance(value, dict)),
    ) if isinstance(variables, dict) else variables  # fmt: skip
    relabelled = _relabel(content, dict(_block_labels(blocks)))
    edges = relabelled.get("edges") if isinstance(relabelled.get("edges"), list) else []
    relabelled["edges"] = sorted(
        json.dumps({k: v for k, v in edge.items() if k != "id"}, sort_keys=True)
        for edge in edges if isinstance(edge, dict)
    )  # fmt: skip
    canonical = json.dumps(relabelled, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _object(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _block_labels(blocks: Dict[str, Any]) -> List[Tuple[str, str]]:
    """``(block id, stable label)`` pairs: blocks ordered by type, name and position."""

    def order(block_id: str) -> Tuple[str, str, str]:
        block = _object(blocks[block_id])
        position = json.dumps(block.get("position"), sort_keys=True)
        return str(block.get("type")), str(block.get("name")), position

    return [(bid, f"@block{i}@") for i, bid in enumerate(sorted(blocks, key=order))]


def _relabel(value: Any, labels: Dict[str, str]) -> Any:
    # Ids as whole strings or keys; inside longer strings (handles such as
    # "condition-<id>-if") only ids too long to be an ordinary word.
    if isinstance(value, dict):
        return {labels.get(k, k): _relabel(item, labels) for k, item in value.items()}
    if isinstance(value, list):
        return [_relabel(item, labels) for item in value]
    if isinstance(value, str):
        if value in labels:
            return labels[value]
        for old, new in labels.items():
            if len(old) >= 20:
                value = value.replace(old, new)
    return value
