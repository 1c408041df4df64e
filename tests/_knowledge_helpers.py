"""Recorded knowledge-base exchanges for the unit tests, with fake ids in the placeholders.

``tests/testing/fixtures/knowledge_exchanges.json`` holds exchanges with a self-hosted Sim
server (v0.8.9, ``V2_API=true``, December 2026), trimmed: ids are placeholders (``{KB}``,
``{DOC:billing-en.txt}``, ``{WS}``...), keys are named by kind and search hits lack their
``content``. The server contract tests read the same file.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

FIXTURE = Path(__file__).resolve().parent / "testing" / "fixtures" / "knowledge_exchanges.json"
EXCHANGES: Dict[str, Dict[str, Any]] = {
    item["name"]: item for item in json.loads(FIXTURE.read_text(encoding="utf-8"))
}

#: The ids the unit tests use for the placeholders.
IDS = {
    "{KB}": "kb-main",
    "{KB2}": "kb-second",
    "{KB3}": "kb-third",
    "{KBV2}": "kb-v2",
    "{OTHER_KB}": "kb-other",
    "{WS}": "realsim-ws-main",
    "{OTHER_WS}": "realsim-ws-other",
    "{TOKEN}": "upload-token-1",
}
_DOC = re.compile(r"\{DOC:([^}]+)\}")


def doc_id(filename: str) -> str:
    """The fake id of the recorded document called ``filename``."""
    return "doc-" + filename.rsplit(".", 1)[0]


def fill(value: Any, ids: Optional[Mapping[str, str]] = None) -> Any:
    """``value`` with every placeholder replaced (documents by :func:`doc_id`)."""
    table = dict(IDS, **(ids or {}))
    if isinstance(value, str):
        for name, real in table.items():
            value = value.replace(name, real)
        return _DOC.sub(lambda m: doc_id(m.group(1)), value)
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {fill(k, ids): fill(v, ids) for k, v in value.items()}
    return value


def exchange(name: str, ids: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """One recorded exchange, placeholders filled."""
    return fill(copy.deepcopy(EXCHANGES[name]), ids)  # type: ignore[no-any-return]


def answer(name: str) -> Any:
    """The recorded answer body of an exchange."""
    return exchange(name)["response"]


def headers_of(name: str) -> Dict[str, str]:
    """The recorded answer's interesting headers, plus a request id."""
    return {**exchange(name)["response_headers"], "x-request-id": name[:8]}
