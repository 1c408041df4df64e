"""client.knowledge: knowledge bases, tag definitions and search, over recorded answers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Dict, List

import pytest
import responses
from _core_helpers import BASE, body, make_client
from _knowledge_helpers import answer, doc_id, exchange, headers_of

from simstudio import (
    BadRequestError,
    ChunkingConfig,
    InvalidArgumentError,
    InvalidResponseError,
    KnowledgeBase,
    NotFoundError,
    PermissionDeniedError,
    SearchResults,
    SimStudioError,
    TagDefinition,
    TagFilter,
)

WS = "realsim-ws-main"
V1 = f"{BASE}/api/v1/knowledge"
V2 = f"{BASE}/api/v2/knowledge"


def client_for(version: str, **kwargs: Any):
    return make_client(api_version=version, workspace_id=WS, **kwargs)


def add(rsps, method: str, url: str, name: str, **kwargs: Any) -> None:
    """Answer ``method url`` with the recorded answer ``name``."""
    recorded = exchange(name)
    rsps.add(method, url, body=body(recorded["response"]), status=recorded["status"],
             headers=headers_of(name), **kwargs)  # fmt: skip


def sent_json(rsps, index: int = -1) -> Dict[str, Any]:
    return json.loads(rsps.calls[index].request.body)


# ----------------------------------------------------------------------------- knowledge bases


def test_v2_list_is_lazy_and_follows_the_cursor(rsps):
    client = client_for("v2")
    first, second = exchange("kb_v2_list_limit1"), exchange("kb_v2_list_limit1_page2")
    paginator = client.knowledge.list(limit=1, sort_by="name")
    assert len(rsps.calls) == 0
    add(rsps, "GET", V2, "kb_v2_list_limit1", match=[responses.matchers.query_param_matcher(
        {"workspaceId": WS, "limit": "1", "sortBy": "name"})])  # fmt: skip
    cursor = first["response"]["nextCursor"]
    add(rsps, "GET", V2, "kb_v2_list_limit1_page2", match=[responses.matchers.query_param_matcher(
        {"workspaceId": WS, "limit": "1", "sortBy": "name", "cursor": cursor})])  # fmt: skip
    bases = list(paginator)
    assert [kb.id for kb in bases] == ["kb-main", "kb-second"]
    main = bases[0]
    assert (main.name, main.doc_count, main.token_count) == ("SDK Tags KB", 6, 170)
    assert main.chunking == ChunkingConfig(1024, 100, 200)
    assert (main.owner_email, main.folder_path) == ("probe@realsim.local", "/")
    assert (main.embedding_model, main.embedding_dimension) == ("text-embedding-3-small", 1536)
    assert main.raw == first["response"]["data"][0]
    assert bases[1].description is None
    assert main.request_id == "kb_v2_li"
    assert second["response"]["nextCursor"] is None


def test_v1_list_is_one_answer_and_search_filters_by_name(rsps):
    client = client_for("v1")
    add(rsps, "GET", V1, "kb_v1_list")
    assert [kb.name for kb in client.knowledge.list()] == ["SDK Tags KB", "SDK Second KB"]
    assert [kb.name for kb in client.knowledge.list(search="SECOND")] == ["SDK Second KB"]
    assert "workspaceId=realsim-ws-main" in rsps.calls[0].request.url
    assert "search" not in rsps.calls[1].request.url  # v1 has no such parameter


def test_create_sends_the_recorded_body_on_both_versions(rsps):
    add(rsps, "POST", V2, "kb_v2_create")
    add(rsps, "POST", V1, "kb_v1_create")
    created = client_for("v2").knowledge.create("SDK v2 KB", description="created via v2")
    assert sent_json(rsps) == exchange("kb_v2_create")["json"]
    assert (created.id, created.name) == ("kb-v2", "SDK v2 KB")
    v1 = client_for("v1").knowledge.create(
        "SDK Tags KB", description="Docs for tag/search recording",
        chunking={"max_size": 1024, "min_size": 100, "overlap": 200},
    )  # fmt: skip
    assert sent_json(rsps) == exchange("kb_v1_create")["json"]
    assert (v1.id, v1.doc_count) == ("kb-main", 0)


def test_get_update_delete(rsps):
    client = client_for("v2")
    add(rsps, "GET", f"{V2}/kb-main", "kb_v2_get")
    add(rsps, "PATCH", f"{V2}/kb-main", "kb_v2_update_chunking")
    add(rsps, "DELETE", f"{V2}/kb-v2", "kb_v2_delete")
    assert client.knowledge.get("kb-main").doc_count == 6
    updated = client.knowledge.update("kb-main", chunking=ChunkingConfig(800, 50, 100))
    assert sent_json(rsps) == exchange("kb_v2_update_chunking")["json"]
    assert updated.chunking == ChunkingConfig(800, 50, 100)
    assert client.knowledge.delete("kb-v2") is None
    assert "workspaceId=realsim-ws-main" in rsps.calls[-1].request.url


def test_v1_update_is_a_put(rsps):
    add(rsps, "PUT", f"{V1}/kb-main", "kb_v1_update")
    kb = client_for("v1").knowledge.update(
        "kb-main", name="SDK Tags KB (renamed)", description="updated via v1"
    )
    assert sent_json(rsps) == exchange("kb_v1_update")["json"]
    assert kb.name == "SDK Tags KB (renamed)"


@pytest.mark.parametrize(
    "call",
    [
        lambda kb: kb.update("kb-main"),
        lambda kb: kb.create(""),
        lambda kb: kb.create("x", chunking={"max": 1}),
        lambda kb: kb.create("x", chunking=ChunkingConfig(max_size=-1)),
        lambda kb: kb.get(123),
        lambda kb: kb.get(".."),
        lambda kb: kb.list(limit=0),
    ],
)
def test_bad_arguments_are_refused_before_sending(rsps, call):
    with pytest.raises(InvalidArgumentError):
        call(client_for("v2").knowledge)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize(
    ("name", "method", "url", "error", "code"),
    [
        ("kb_v1_create_missing_name", "POST", V1, BadRequestError, "INVALID_REQUEST"),
        ("kb_v1_create_other_ws", "POST", V1, PermissionDeniedError, "FORBIDDEN"),
        ("kb_v1_get_unknown", "GET", f"{V1}/kb-main", NotFoundError, "NOT_FOUND"),
        ("kb_v2_create_workspace_key_other_ws", "POST", V2, PermissionDeniedError, "FORBIDDEN"),
        ("kb_v2_get_other_key", "GET", f"{V2}/kb-main", NotFoundError, "NOT_FOUND"),
    ],
)
def test_error_answers_keep_the_servers_words(rsps, name, method, url, error, code):
    add(rsps, method, url, name)
    client = client_for("v1" if "_v1_" in name else "v2")
    call = client.knowledge.create if method == "POST" else client.knowledge.get
    with pytest.raises(error) as info:
        call("x" if method == "POST" else "kb-main")
    recorded = answer(name)["error"]
    assert (recorded if isinstance(recorded, str) else recorded["message"]) in str(info.value)
    assert info.value.code == code
    if error is PermissionDeniedError:
        assert info.value.reason == "workspace"


def test_tags_are_read_only_definitions(rsps):
    add(rsps, "GET", f"{V2}/kb-main/tags", "kb_v2_tags_list")
    definitions = client_for("v2").knowledge.tags("kb-main")
    assert [(d.display_name, d.slot, d.field_type) for d in definitions] == [
        ("public", "boolean1", "boolean"), ("published", "date1", "date"),
        ("priority", "number1", "number"), ("topic", "tag1", "text"), ("lang", "tag2", "text"),
    ]  # fmt: skip
    assert definitions[2].operators == ("eq", "neq", "gt", "gte", "lt", "lte", "between")
    assert definitions[0].operators == ("eq", "neq")
    with pytest.raises(InvalidArgumentError, match="v2 API") as info:
        client_for("v1").knowledge.tags("kb-main")
    assert info.value.code == "V2_REQUIRED"
    assert len(rsps.calls) == 1


def test_the_workspace_comes_from_the_client_the_environment_or_the_key(rsps, monkeypatch):
    add(rsps, "GET", V1, "kb_v1_list")
    rsps.add("GET", f"{BASE}/api/v2/workspaces",
             body=body({"data": [{"id": "ws-of-key"}], "nextCursor": None}))  # fmt: skip
    add(rsps, "GET", V2, "kb_v2_list")
    monkeypatch.delenv("SIM_WORKSPACE_ID", raising=False)
    list(make_client(api_version="v1", workspace_id="ws-arg").knowledge.list("explicit"))
    assert "workspaceId=explicit" in rsps.calls[-1].request.url
    list(make_client(api_version="v1", workspace_id="ws-arg").knowledge.list())
    assert "workspaceId=ws-arg" in rsps.calls[-1].request.url
    monkeypatch.setenv("SIM_WORKSPACE_ID", "ws-env")
    list(make_client(api_version="v1").knowledge.list())
    assert "workspaceId=ws-env" in rsps.calls[-1].request.url
    monkeypatch.delenv("SIM_WORKSPACE_ID")
    auto = make_client()
    list(auto.knowledge.list())
    list(auto.knowledge.list())
    assert [c.request.url.split("?")[0] for c in rsps.calls[-3:]] == [
        f"{BASE}/api/v2/workspaces", V2, V2]  # one probe: the version and the workspace
    assert "workspaceId=ws-of-key" in rsps.calls[-1].request.url
    with pytest.raises(InvalidArgumentError, match="needs a workspace"):
        make_client(api_version="v1").knowledge.list()


def test_auto_uses_v1_when_the_v2_flag_is_off(rsps, monkeypatch):
    monkeypatch.delenv("SIM_WORKSPACE_ID", raising=False)
    rsps.add("GET", f"{BASE}/api/v2/workspaces", status=404,
             body=body({"error": {"code": "NOT_FOUND", "message": "Not found"}}))  # fmt: skip
    add(rsps, "GET", f"{V1}/kb-main", "kb_v1_get")
    client = make_client(workspace_id=WS)
    assert client.knowledge.get("kb-main").name == "SDK Tags KB"
    assert client.knowledge.get("kb-main").doc_count == 6
    assert [c.request.url.split("?")[0] for c in rsps.calls] == [
        f"{BASE}/api/v2/workspaces", f"{V1}/kb-main", f"{V1}/kb-main"]  # fmt: skip


def test_unusable_answers_are_invalid_responses(rsps):
    rsps.add("GET", f"{V2}/kb-main", body=body({"data": {"name": "no id"}}))
    rsps.add("GET", V1, body=body({"success": True, "data": {}}))
    with pytest.raises(InvalidResponseError):
        client_for("v2").knowledge.get("kb-main")
    with pytest.raises(InvalidResponseError):
        list(client_for("v1").knowledge.list())
    odd = KnowledgeBase.from_wire({"id": "x", "chunkingConfig": {"maxSize": "big"}})
    assert odd.chunking is None


# ----------------------------------------------------------------------------- search


SEARCH_CASES = [
    # (recorded exchange, call arguments, expected search_type)
    ("search_v2_tag_only_one", {"tags": {"topic": "billing"}}, "tag_only"),
    ("search_v2_vector_only", {"query": "billing invoice refunds"}, "vector_only"),
    ("search_v2_combined", {"query": "billing invoice", "tags": {"lang": "de"}}, "combined"),
    ("search_v2_tag_only_topk_1", {"tags": {"lang": "en"}, "top_k": 1}, "tag_only"),
    ("search_v2_hybrid", {"query": "REST API keys", "mode": "hybrid"}, "vector_only"),
    ("search_v2_bool_eq", {"tags": {"public": False}}, "tag_only"),
    ("search_v2_tag_only_two_and", {"tags": {"topic": "billing", "lang": "en"}}, "tag_only"),
]


@pytest.mark.parametrize(("name", "kwargs", "search_type"), SEARCH_CASES)
def test_the_mode_follows_from_what_is_given(rsps, name, kwargs, search_type):
    add(rsps, "POST", f"{V2}/search", name)
    query = kwargs.pop("query", None)
    results = client_for("v2").knowledge.search("kb-main", query, **kwargs)
    recorded = exchange(name)
    sent = sent_json(rsps)
    assert {k: v for k, v in sent.items() if k not in ("topK", "searchMode")} == {
        k: v for k, v in recorded["json"].items() if k not in ("topK", "searchMode")}
    defaults = {"topK": 10, "searchMode": "vector"}
    for field, default in defaults.items():
        assert sent[field] == recorded["json"].get(field, default)
    assert results.search_type == search_type
    expected = recorded["response"]["data"]["results"]
    assert [hit.document_name for hit in results] == [r["documentName"] for r in expected]
    assert [hit.similarity for hit in results.results] == [r["similarity"] for r in expected]
    assert len(results) == results.total_results == len(expected)


def test_hits_are_typed_and_v1_hits_get_their_knowledge_base(rsps):
    add(rsps, "POST", f"{V1}/search", "search_v1_vector_only")
    results = client_for("v1").knowledge.search("kb-main", "billing invoice refunds")
    assert isinstance(results, SearchResults)
    hit = results[0]
    assert (hit.knowledge_base_id, hit.document_id, hit.document_name, hit.chunk_index) == (
        "kb-main", doc_id("billing-en.txt"), "billing-en.txt", 0)  # fmt: skip
    assert hit.metadata == {"topic": "billing", "lang": "en", "tag3": "unlabelled-value",
                            "priority": 3, "published": "2025-01-15T00:00:00.000Z",
                            "public": True}  # fmt: skip
    assert hit.similarity == pytest.approx(0.545544716450257)
    assert (results.query, results.top_k, results.mode) == ("billing invoice refunds", 10, "vector")
    assert results.reranker_status is None
    assert results.request_id == "search_v"


def test_min_similarity_is_applied_by_the_sdk(rsps):
    add(rsps, "POST", f"{V2}/search", "search_v2_vector_only")
    results = client_for("v2").knowledge.search("kb-main", "billing invoice refunds",
                                                min_similarity=0.4)  # fmt: skip
    assert "threshold" not in sent_json(rsps)  # there is no such parameter on the server
    assert [hit.document_name for hit in results] == ["billing-en.txt"]
    assert (results.total_results, results.min_similarity) == (2, 0.4)


def test_filters_travel_with_their_operators_and_dates(rsps):
    add(rsps, "POST", f"{V2}/search", "search_v2_date_between")
    add(rsps, "GET", f"{V2}/kb-main/tags", "kb_v2_tags_list")
    results = client_for("v2").knowledge.search(
        "kb-main",
        filters=[TagFilter("published", "between", dt.date(2025, 2, 1), "2025-05-01")],
    )
    assert sent_json(rsps)["tagFilters"] == [{"tagName": "published", "operator": "between",
                                              "value": "2025-02-01", "valueTo": "2025-05-01"}]
    assert len(results) == 4


def test_equality_needs_no_definitions_other_operators_are_checked_against_them(rsps):
    add(rsps, "POST", f"{V2}/search", "search_v2_tag_only_one")
    add(rsps, "GET", f"{V2}/kb-main/tags", "kb_v2_tags_list")
    client = client_for("v2")
    client.knowledge.search("kb-main", filters=[TagFilter("topic", "neq", "x")],
                            tags={"public": True})  # fmt: skip
    assert [c.request.method for c in rsps.calls] == ["POST"]
    client.knowledge.search("kb-main", filters=[TagFilter("topic", "contains", "ill")])
    assert [c.request.method for c in rsps.calls] == ["POST", "GET", "POST"]  # fresh each call
    with pytest.raises(InvalidArgumentError, match="number tag and does not support operator"):
        client.knowledge.search("kb-main", filters=[TagFilter("priority", "contains", "3")])
    with pytest.raises(InvalidArgumentError, match="number tag: compare it with numbers"):
        client.knowledge.search("kb-main", filters=[TagFilter("priority", "gt", "high")])
    with pytest.raises(InvalidArgumentError, match="did you mean 'topic'"):
        client.knowledge.search("kb-main", filters=[TagFilter("Topic", "contains", "b")])
    assert [c.request.method for c in rsps.calls].count("POST") == 2


def test_v1_refuses_what_it_would_silently_misread(rsps):
    client = client_for("v1")
    # v1 would treat "contains" on a number tag as "eq" and answer 200 (search_v1_num_contains).
    with pytest.raises(InvalidArgumentError, match="number tag"):
        client.knowledge.search("kb-main", filters=[TagFilter("priority", "contains", 3)])
    with pytest.raises(InvalidArgumentError, match="boolean tag"):
        client.knowledge.search("kb-main", filters=[TagFilter("public", "gt", True)])
    with pytest.raises(InvalidArgumentError) as info:
        client.knowledge.search(["kb-main", "kb-second"], tags={"topic": "billing"})
    assert info.value.code == "V2_REQUIRED"
    assert len(rsps.calls) == 0


def test_v2_searches_across_knowledge_bases_with_tags(rsps):
    add(rsps, "POST", f"{V2}/search", "search_v2_multi_kb_tags")
    results = client_for("v2").knowledge.search(["kb-main", "kb-second"], tags={"topic": "billing"})
    assert sent_json(rsps)["knowledgeBaseIds"] == ["kb-main", "kb-second"]
    assert [hit.knowledge_base_id for hit in results] == ["kb-main", "kb-main", "kb-second"]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("kb",), {}),
        (("kb", "   "), {}),
        (([],), {"query": "x"}),
        ((["kb"] * 21, "x"), {}),
        (("kb", "x"), {"top_k": 0}),
        (("kb", "x"), {"top_k": 101}),
        (("kb", "x"), {"top_k": 2.5}),
        (("kb", "x"), {"mode": "keyword"}),
        (("kb", "x"), {"min_similarity": "high"}),
        (("kb", "x" * 32769), {}),
        (("kb",), {"tags": ["topic"]}),
        (("kb",), {"filters": TagFilter("topic", "eq", "x")}),
        (("kb",), {"filters": [TagFilter("t", "eq", "x")] * 11}),
    ],
)
def test_bad_searches_are_refused_before_sending(rsps, args, kwargs):
    with pytest.raises(InvalidArgumentError):
        client_for("v2").knowledge.search(*args, **kwargs)
    assert len(rsps.calls) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"operator": "like", "value": "x"}, "not one of"),
        ({"operator": "between", "value": 2}, "needs value_to"),
        ({"operator": "eq", "value": 2, "value_to": 3}, "only used with"),
        ({"operator": "eq", "value": float("nan")}, "finite"),
        ({"operator": "eq", "value": [1]}, "text, a number"),
    ],
)
def test_tag_filters_check_themselves(kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        TagFilter("priority", **kwargs)


@pytest.mark.parametrize(
    "name",
    ["search_v2_unknown_tag", "search_v2_num_string_value", "search_v2_multi_kb_tags_missing_def",
     "search_v2_threshold_field", "search_v2_other_ws_kb", "search_v1_topk_fraction"],
)  # fmt: skip
def test_the_servers_refusals_arrive_with_its_message(rsps, name):
    recorded = exchange(name)
    version = "v1" if "_v1_" in name else "v2"
    rsps.add("POST", f"{BASE}/api/{version}/knowledge/search", status=recorded["status"],
             body=body(recorded["response"]))  # fmt: skip
    message = recorded["response"]["error"]
    message = message if isinstance(message, str) else message["message"]
    with pytest.raises(SimStudioError) as info:  # the class depends on the status
        client_for(version, max_retries=0).knowledge.search("kb-main", "q")
    assert message in str(info.value)
    assert info.value.status == recorded["status"]


def test_definitions_and_results_tolerate_odd_answers():
    assert TagDefinition.from_wire({"displayName": "x", "tagSlot": "tag1"}).field_type == "text"
    with pytest.raises(InvalidResponseError):
        TagDefinition.from_wire({"displayName": "x"})
    with pytest.raises(InvalidResponseError):
        SearchResults.from_wire({"data": {}}, search_type="tag_only", mode="vector")
    hits: List[Any] = [{"documentId": "d", "similarity": "high"}]
    results = SearchResults.from_wire({"data": {"results": hits}}, search_type="tag_only",
                                      mode="vector")  # fmt: skip
    assert results[0].similarity == 0.0


def test_the_reranker_is_asked_for_on_v2_only(rsps):
    add(rsps, "POST", f"{V2}/search", "search_v2_reranker")
    results = client_for("v2").knowledge.search("kb-main", "billing", reranker=True)
    assert sent_json(rsps)["rerankerEnabled"] is True
    assert results.reranker_status == "unavailable"
    with pytest.raises(InvalidArgumentError, match="v2 API"):
        client_for("v1").knowledge.search("kb-main", "billing", reranker=True)
