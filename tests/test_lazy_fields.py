"""Result dataclasses whose fields are read from the wire on first use (types/_lazy_fields.py)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import pytest

from simstudio import InvalidResponseError, LogEntry, SearchHit, SearchResults
from simstudio.types._lazy_fields import from_wire_body, read_on_first_use

READS: List[str] = []


def _counting(key: str) -> Any:
    def read(body: Dict[str, Any]) -> Any:
        READS.append(key)
        value = body.get(key)
        return value if isinstance(value, str) else None

    return read


@read_on_first_use({"name": _counting("name"), "colour": _counting("colour")}, eager=("id",))
@dataclass
class Thing:
    id: str
    name: Optional[str] = None
    colour: Optional[str] = None
    raw: Any = field(default=None, repr=False, compare=False)


def _thing(**wire: Any) -> Thing:
    return from_wire_body(Thing, {"id": "t1", **wire}, {"id": "t1"})


@pytest.fixture(autouse=True)
def _reset_reads() -> None:
    READS.clear()


def test_a_field_is_read_once_on_first_use_then_kept() -> None:
    thing = _thing(name="lamp", colour=7)
    assert "name" not in vars(thing)
    assert READS == []
    assert thing.name == "lamp"
    assert thing.name == "lamp"
    assert READS == ["name"]
    assert thing.colour is None  # a wire value of the wrong type reads as None
    assert vars(thing)["name"] == "lamp"


def test_dataclass_behaviour_is_unchanged() -> None:
    lazy = _thing(name="lamp", colour="red")
    built = Thing("t1", "lamp", "red")
    assert lazy == built  # equality reads every field
    assert repr(lazy) == "Thing(id='t1', name='lamp', colour='red')"
    assert dataclasses.asdict(_thing(name="lamp"))["name"] == "lamp"
    assert dataclasses.replace(_thing(name="lamp"), colour="blue") == Thing("t1", "lamp", "blue")
    assert copy.copy(_thing(name="lamp")).name == "lamp"
    assert pickle.loads(pickle.dumps(_thing(name="lamp"))).name == "lamp"


def test_fields_set_by_hand_never_consult_the_wire() -> None:
    thing = Thing("t2", name=None, raw={"name": "from the wire"})
    assert thing.name is None
    assert READS == []
    lazy = _thing(name="old")
    lazy.name = "new"
    assert lazy.name == "new"
    assert READS == []


def test_a_class_must_say_how_every_field_is_read() -> None:
    @dataclass
    class Partial:
        id: str
        name: Optional[str] = None
        raw: Any = None

    with pytest.raises(TypeError, match=r"missing \['name'\]"):
        read_on_first_use({}, eager=("id",))(Partial)
    with pytest.raises(TypeError, match=r"unknown \['nope'\]"):
        read_on_first_use({"name": _counting("name"), "nope": _counting("x")}, eager=("id",))(
            Partial
        )


V2_LOG = {"runId": "run-1", "workflowId": "wf", "status": "failed", "level": "error",
          "trigger": "api", "startedAt": "2026-01-01T00:00:00.000Z", "totalDurationMs": 12,
          "cost": {"total": 0.5}, "files": None,
          "traceSpans": [{"id": "s", "name": "Start"}]}  # fmt: skip


def test_log_entry_checks_its_ids_when_built_and_reads_the_rest_later() -> None:
    entry = LogEntry.from_wire(dict(V2_LOG))
    assert vars(entry).keys() == {"id", "execution_id", "raw"}
    assert (entry.id, entry.run_id, entry.is_error) == ("run-1", "run-1", True)
    assert (entry.total_duration_ms, entry.cost, entry.files) == (12.0, 0.5, None)
    assert entry.trace_spans is not None
    assert entry.trace_spans[0].name == "Start"
    assert entry.headers == {}
    with pytest.raises(InvalidResponseError, match="no id or execution id"):
        LogEntry.from_wire({"workflowId": "wf"})
    with pytest.raises(InvalidResponseError, match="no id or execution id"):
        LogEntry.from_wire({"runId": 7})


def test_log_entry_v1_ids_and_nested_execution_data() -> None:
    data = {"finalOutput": {"a": 1}, "traceSpans": []}
    entry = LogEntry.from_wire({"id": "log-1", "executionId": "ex-1", "executionData": data})
    assert (entry.id, entry.execution_id, entry.status) == ("log-1", "ex-1", None)
    assert (entry.final_output, entry.trace_spans) == ({"a": 1}, [])


def test_search_results_read_their_hits_fields_on_first_use() -> None:
    body = {"data": {"results": [
        {"documentId": "d1", "documentName": "a.txt", "content": "x", "chunkIndex": 0,
         "metadata": {"topic": "billing"}, "similarity": 0.9},
        {"documentId": "d2", "knowledgeBaseId": "kb-2", "similarity": 0.2},
    ], "query": "q", "topK": 10, "totalResults": 2, "knowledgeBaseIds": ["kb-1", 3]}}  # fmt: skip
    results = SearchResults.from_wire(body, search_type="vector_only", mode="vector",
                                      min_similarity=0.5, knowledge_base_id="kb-1")  # fmt: skip
    assert [hit.document_id for hit in results] == ["d1"]  # min_similarity, client-side
    hit = results[0]
    assert isinstance(hit, SearchHit)
    assert "content" not in vars(hit)
    assert (hit.knowledge_base_id, hit.document_name, hit.metadata) == (
        "kb-1", "a.txt", {"topic": "billing"})  # fmt: skip
    assert (results.query, results.top_k, results.total_results) == ("q", 10, 2)
    assert results.knowledge_base_ids == ["kb-1"]
    with pytest.raises(InvalidResponseError, match="no documentId"):
        SearchResults.from_wire({"data": {"results": [{"content": "x"}]}},
                                search_type="vector_only", mode="vector")  # fmt: skip
