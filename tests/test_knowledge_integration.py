"""client.knowledge against the embedded LocalSimServer over real sockets: the three search
modes, every operator family, AND, case rules, pages, uploads with tags, waiting, errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import requests

from simstudio import (
    AuthenticationError,
    BadRequestError,
    ExecutionError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    SearchResults,
    ServerError,
    SimStudioClient,
    TagFilter,
)
from simstudio.testing import Fault, LocalSimServer

# The recorded documents (public-api.md transcripts) and the tags given to them there.
DOCS = {
    "billing-en.txt": ("Billing invoices are sent monthly. Refunds for billing errors are issued "
                       "within five days. Invoice billing cycle and payment methods.",
                       {"topic": "billing", "lang": "en", "priority": 3, "public": True,
                        "published": dt.date(2025, 1, 15)}),
    "billing-de.txt": ("Rechnungen werden monatlich versendet. Billing Rechnung Erstattung "
                       "innerhalb von fuenf Tagen. Invoice Zahlung.",
                       {"topic": "billing", "lang": "de", "priority": 2, "public": False,
                        "published": dt.date(2025, 2, 20)}),
    "api-en.txt": ("The REST API uses API keys for authentication. Rate limits apply per key. "
                   "Pagination uses cursors and limit parameters.",
                   {"topic": "api", "lang": "en", "priority": 5, "public": True,
                    "published": dt.date(2025, 3, 10)}),
    "api-de.txt": ("Die REST API verwendet API Schluessel. Rate limits gelten pro Schluessel. "
                   "Paginierung mit Cursor.",
                   {"topic": "api", "lang": "de", "priority": 1, "public": False,
                    "published": dt.date(2025, 4, 5)}),
    "security-en.txt": ("Security: passwords are hashed and two-factor authentication protects "
                        "every account. Security audits run yearly.",
                        {"topic": "Security", "lang": "en", "priority": 4, "public": True,
                         "published": dt.date(2025, 5, 1)}),
    "security-de.txt": ("Sicherheit: Passwoerter werden gehasht. Security Zwei-Faktor "
                        "Authentifizierung schuetzt jedes Konto.",
                        {"topic": "security", "lang": "de", "priority": 2, "public": True,
                         "published": dt.date(2025, 6, 30)}),
}  # fmt: skip
TAGS = [("topic", "text"), ("lang", "text"), ("priority", "number"), ("public", "boolean"),
        ("published", "date")]  # fmt: skip


@dataclass
class World:
    server: LocalSimServer
    personal: SimStudioClient  # may set every tag
    workspace: SimStudioClient  # the workspace key: text tags only
    v1: SimStudioClient  # api_version="v1" on the same server
    kb: str
    second: str
    ids: Dict[str, str]


def _client(server: LocalSimServer, key: str, **options: Any) -> SimStudioClient:
    return SimStudioClient(api_key=key, base_url=server.base_url, max_retries=0, **options)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with LocalSimServer(processing_delay=0.02) as server:
        personal = _client(server, server.personal_key, workspace_id=server.workspace_id)
        kb = personal.knowledge.create("Handbook", description="tags and search").id
        second = personal.knowledge.create("Second").id
        for name, kind in TAGS:
            server.define_tag(kb, name, kind)
        server.define_tag(second, "topic", "text")
        ids = {}
        for filename, (text, tags) in DOCS.items():
            document = personal.knowledge.documents.upload(kb, text.encode(), filename=filename,
                                                           tags=tags)  # fmt: skip
            ids[filename] = document.id
        other = personal.knowledge.documents.upload(
            second, b"Second knowledge base: billing invoice refunds and payment.",
            filename="kb2-billing.txt", tags={"topic": "billing"},
        )  # fmt: skip
        for doc_id in ids.values():
            personal.knowledge.documents.wait(kb, doc_id, poll_interval=0.02)
        personal.knowledge.documents.wait(second, other.id, poll_interval=0.02)
        workspace = _client(server, server.api_key)
        v1 = _client(server, server.api_key, api_version="v1", workspace_id=server.workspace_id)
        yield World(server, personal, workspace, v1, kb, second, ids)
        for client in (personal, workspace, v1):
            client.close()


def names(results: SearchResults) -> List[str]:
    return [hit.document_name or "" for hit in results]


# ----------------------------------------------------------------------------- the three modes


def test_tag_only_search_has_similarity_one_and_honours_top_k(world: World) -> None:
    results = world.workspace.knowledge.search(world.kb, tags={"lang": "en"})
    assert results.search_type == "tag_only"
    assert sorted(names(results)) == ["api-en.txt", "billing-en.txt", "security-en.txt"]
    assert {hit.similarity for hit in results} == {1.0}
    assert results.query == ""
    hit = results[0]
    assert hit.knowledge_base_id == world.kb
    assert hit.content == DOCS[hit.document_name or ""][0]
    assert hit.metadata["published"].startswith("2025-")
    assert len(world.workspace.knowledge.search(world.kb, tags={"lang": "en"}, top_k=1)) == 1


def test_vector_search_orders_by_similarity_with_the_servers_cut(world: World) -> None:
    results = world.workspace.knowledge.search(world.kb, "billing invoice refunds")
    assert results.search_type == "vector_only"
    assert names(results) == ["billing-en.txt", "billing-de.txt"]
    assert results[0].similarity == pytest.approx(0.545544716450257, abs=1e-6)
    assert len(world.workspace.knowledge.search(world.kb, "zebra giraffe elephant")) == 0


def test_combined_search_filters_then_orders(world: World) -> None:
    results = world.workspace.knowledge.search(world.kb, "billing invoice", tags={"lang": "de"})
    assert results.search_type == "combined"
    assert names(results) == ["billing-de.txt"]
    assert results[0].similarity == pytest.approx(0.3922322807381238, abs=1e-6)
    # Tagged chunks unrelated to the query are dropped, not listed last.
    assert len(world.workspace.knowledge.search(world.kb, "zebra", tags={"lang": "de"})) == 0


def test_hybrid_adds_a_full_text_leg_with_stemming(world: World) -> None:
    assert len(world.workspace.knowledge.search(world.kb, "invoicing")) == 0
    hybrid = world.workspace.knowledge.search(world.kb, "invoicing", mode="hybrid")
    assert names(hybrid) == ["billing-en.txt", "billing-de.txt"]
    assert [hit.similarity for hit in hybrid] == [0.0, 0.0]
    assert len(world.workspace.knowledge.search(world.kb, "invoicing", mode="hybrid",
                                                min_similarity=0.01)) == 0  # fmt: skip


def test_min_similarity_is_the_sdks_threshold(world: World) -> None:
    everything = world.workspace.knowledge.search(world.kb, "security passwords api")
    kept = world.workspace.knowledge.search(world.kb, "security passwords api",
                                            min_similarity=0.3)  # fmt: skip
    assert len(everything) > len(kept) >= 1
    assert all(hit.similarity >= 0.3 for hit in kept)
    assert kept.total_results == everything.total_results


# ----------------------------------------------------------------------------- operators, AND, case


OPERATOR_CASES = [
    (TagFilter("topic", "neq", "billing"), {"api-en", "api-de", "security-en", "security-de"}),
    (TagFilter("topic", "contains", "ILL"), {"billing-en", "billing-de"}),
    (TagFilter("topic", "not_contains", "ILL"), {"api-en", "api-de", "security-en",
                                                  "security-de"}),
    (TagFilter("topic", "starts_with", "SEC"), {"security-en", "security-de"}),
    (TagFilter("topic", "ends_with", "pi"), {"api-en", "api-de"}),
    (TagFilter("priority", "gt", 3), {"api-en", "security-en"}),
    (TagFilter("priority", "gte", 3), {"api-en", "security-en", "billing-en"}),
    (TagFilter("priority", "lt", 2), {"api-de"}),
    (TagFilter("priority", "lte", 2), {"api-de", "billing-de", "security-de"}),
    (TagFilter("priority", "between", 2, 3), {"billing-en", "billing-de", "security-de"}),
    (TagFilter("published", "gt", dt.date(2025, 3, 31)), {"api-de", "security-en", "security-de"}),
    (TagFilter("published", "between", "2025-02-01", dt.date(2025, 5, 1)),
     {"billing-de", "api-en", "api-de", "security-en"}),
    (TagFilter("public", "eq", False), {"billing-de", "api-de"}),
    (TagFilter("public", "neq", False), {"billing-en", "api-en", "security-en", "security-de"}),
]  # fmt: skip


@pytest.mark.parametrize(("condition", "expected"), OPERATOR_CASES)
def test_every_operator_family(world: World, condition: TagFilter, expected: set) -> None:
    results = world.workspace.knowledge.search(world.kb, filters=[condition])
    assert {name[:-4] for name in names(results)} == expected


def test_conditions_are_anded_even_on_the_same_tag(world: World) -> None:
    search = world.workspace.knowledge.search
    assert names(search(world.kb, tags={"topic": "billing", "lang": "en"})) == ["billing-en.txt"]
    same_twice = search(world.kb, tags={"topic": "billing"},
                        filters=[TagFilter("topic", "eq", "api")])
    assert len(same_twice) == 0


def test_values_ignore_case_names_do_not(world: World) -> None:
    search = world.workspace.knowledge.search
    assert sorted(names(search(world.kb, tags={"topic": "BILLING"}))) == [
        "billing-de.txt", "billing-en.txt"]  # fmt: skip
    assert len(search(world.kb, tags={"topic": "security"})) == 2  # stored "Security" too
    with pytest.raises(BadRequestError, match='not defined in this knowledge base: "Topic"'):
        search(world.kb, tags={"Topic": "billing"})  # equality: the server says so
    sent = len(world.server.requests)
    with pytest.raises(InvalidArgumentError, match="did you mean 'topic'"):
        search(world.kb, filters=[TagFilter("Topic", "contains", "bill")])
    assert [r.method for r in world.server.requests[sent:]] == ["GET"]  # definitions only


def test_v1_would_read_a_mismatched_operator_as_eq_so_the_sdk_refuses_it(world: World) -> None:
    sent = len(world.server.requests)
    with pytest.raises(InvalidArgumentError, match="number tag"):
        world.v1.knowledge.search(world.kb, filters=[TagFilter("priority", "contains", 3)])
    with pytest.raises(InvalidArgumentError, match="number tag"):
        world.personal.knowledge.search(world.kb, filters=[TagFilter("priority", "contains", 3)])
    assert [r.method for r in world.server.requests[sent:]] == ["GET"]  # v2's definitions
    # What the SDK protects from: the v1 route answers as if the operator were "eq".
    answer = requests.post(world.server.base_url + "/api/v1/knowledge/search", timeout=10,
                  headers={"X-API-Key": world.server.api_key},
                  json={"workspaceId": world.server.workspace_id, "knowledgeBaseIds": world.kb,
                        "tagFilters": [{"tagName": "priority", "operator": "contains",
                                        "value": 3}]})  # fmt: skip
    assert [r["documentName"] for r in answer.json()["data"]["results"]] == ["billing-en.txt"]


def test_tags_across_knowledge_bases(world: World) -> None:
    both = world.workspace.knowledge.search([world.kb, world.second], tags={"topic": "billing"})
    assert sorted(names(both)) == ["billing-de.txt", "billing-en.txt", "kb2-billing.txt"]
    assert {hit.knowledge_base_id for hit in both} == {world.kb, world.second}
    third = world.personal.knowledge.create("No tags").id
    try:
        with pytest.raises(BadRequestError, match="does not exist in all selected"):
            world.workspace.knowledge.search([world.kb, third], tags={"topic": "billing"})
        with pytest.raises(InvalidArgumentError) as info:
            world.v1.knowledge.search([world.kb, world.second], tags={"topic": "billing"})
        assert info.value.code == "V2_REQUIRED"
        merged = world.v1.knowledge.search([world.kb, world.second], "billing invoice")
        assert names(merged)[:2] == ["billing-en.txt", "kb2-billing.txt"]
        assert {hit.knowledge_base_id for hit in merged} == {None}  # v1 does not say
    finally:
        world.personal.knowledge.delete(third)


def test_the_cut_tightens_over_more_than_three_knowledge_bases(world: World) -> None:
    extra = [world.personal.knowledge.create(f"Empty {i}").id for i in range(2)]
    try:
        query = "security passwords api"
        one = world.workspace.knowledge.search(world.kb, query)
        assert min(hit.similarity for hit in one) < 0.2  # api-en: 0.13
        four = world.workspace.knowledge.search([world.kb, world.second, *extra], query)
        assert names(four) == [hit.document_name for hit in one if hit.similarity > 0.2]
    finally:
        for kb in extra:
            world.personal.knowledge.delete(kb)


# ----------------------------------------------------------------------------- lists and pages


def test_document_pages_on_both_versions(world: World) -> None:
    v2 = world.workspace.knowledge.documents.list(world.kb, limit=2)
    pages = list(v2.pages())
    assert [len(page.items) for page in pages] == [2, 2, 2]
    assert [d.filename for page in pages for d in page.items] == list(DOCS)[::-1]
    assert pages[0].items[0].tags["topic"] == "security"
    v1_pages = list(world.v1.knowledge.documents.list(world.kb, limit=2).pages())
    assert [len(page.items) for page in v1_pages] == [2, 2, 2]
    assert [page.cursor for page in v1_pages] == ["0", "2", "4"]
    by_name = world.workspace.knowledge.documents.list(world.kb, sort_by="filename",
                                                       sort_order="asc", limit=100)  # fmt: skip
    assert [d.filename for d in by_name] == sorted(DOCS)


def test_a_failed_page_can_be_resumed(world: World) -> None:
    path = f"/api/v2/knowledge/{world.kb}/documents"
    pages = world.workspace.knowledge.documents.list(world.kb, limit=2)
    first = pages.first_page()
    world.server.inject(Fault(status=500), path=path + "*", times=1)
    seen: List[str] = []
    with pytest.raises(ServerError) as info:
        seen.extend(d.filename or "" for d in world.workspace.knowledge.documents.list(
            world.kb, limit=2, cursor=first.next_cursor))  # fmt: skip
    assert info.value.status == 500
    rest = world.workspace.knowledge.documents.list(world.kb, limit=2, cursor=info.value.cursor)
    assert len(list(rest)) == 4


def test_filtered_document_lists_and_cursor_rules(world: World) -> None:
    documents = world.workspace.knowledge.documents
    assert [d.filename for d in documents.list(world.kb, tags={"topic": "billing", "lang": "de"})
            ] == ["billing-de.txt"]  # fmt: skip
    low = documents.list(world.kb, filters=[TagFilter("priority", "lt", 3)])
    assert {d.filename for d in low} == {"billing-de.txt", "api-de.txt", "security-de.txt"}
    assert [d.filename for d in documents.list(world.kb, search="API")] == ["api-de.txt",
                                                                            "api-en.txt"]
    cursor = documents.list(world.kb, limit=2).first_page().next_cursor
    with pytest.raises(BadRequestError, match="does not match the requested filters"):
        list(documents.list(world.kb, limit=2, search="api", cursor=cursor))
    with pytest.raises(BadRequestError, match="does not match the requested sortBy"):
        list(documents.list(world.kb, limit=2, sort_order="asc", cursor=cursor))
    with pytest.raises(BadRequestError, match="not a valid pagination cursor"):
        list(documents.list(world.kb, cursor="garbage"))


def test_knowledge_base_lists(world: World) -> None:
    bases = world.workspace.knowledge.list(limit=1)
    assert [kb.name for kb in bases] == ["Handbook", "Second"]
    assert [kb.name for kb in world.v1.knowledge.list(search="hand")] == ["Handbook"]
    handbook = world.workspace.knowledge.get(world.kb)
    assert (handbook.doc_count, handbook.token_count) == (6, 170)
    assert [d.display_name for d in world.workspace.knowledge.tags(world.kb)] == [
        "public", "published", "priority", "topic", "lang"]  # fmt: skip


# ----------------------------------------------------------------------------- uploads and updates


def test_text_tags_with_a_workspace_key_typed_ones_need_a_personal_key(world: World) -> None:
    documents = world.workspace.knowledge.documents
    text_only = documents.upload(world.kb, b"Refund policy for billing.", filename="refunds.md",
                                 tags={"topic": "billing", "lang": "en"})  # fmt: skip
    try:
        assert documents.get(world.kb, text_only.id).tags == {"topic": "billing", "lang": "en"}
        before = {d.id for d in documents.list(world.kb)}
        with pytest.raises(PermissionDeniedError, match="personal API key") as info:
            documents.upload(world.kb, b"Typed.", filename="typed.txt",
                             tags={"topic": "billing", "priority": 1})  # fmt: skip
        assert info.value.reason == "personal_key_required"
        assert "deleted again" in str(info.value)
        assert {d.id for d in documents.list(world.kb)} == before  # nothing half-tagged
    finally:
        documents.delete(world.kb, text_only.id)


def test_updates_reach_search_at_once(world: World) -> None:
    documents = world.personal.knowledge.documents
    doc = world.ids["api-de.txt"]
    search = world.workspace.knowledge.search
    try:
        documents.update(world.kb, doc, enabled=False)
        assert names(search(world.kb, tags={"topic": "api"})) == ["api-en.txt"]
        documents.update(world.kb, doc, enabled=True, tags={"lang": None, "priority": 9})
        assert documents.get(world.kb, doc).tags == {"topic": "api", "priority": 9,
                                                     "published": "2025-04-05T00:00:00.000Z",
                                                     "public": False}  # fmt: skip
        assert len(search(world.kb, filters=[TagFilter("priority", "gt", 8)])) == 1
        with pytest.raises(PermissionDeniedError, match="personal API key"):
            world.workspace.knowledge.documents.update(world.kb, doc, filename="x.txt")
    finally:
        documents.update(world.kb, doc, tags={"lang": "de", "priority": 1})


def test_waiting_sees_processing_and_failures() -> None:
    with LocalSimServer(processing_delay=0.3) as server:
        client = _client(server, server.api_key)
        kb = client.knowledge.create("Slow").id
        document = client.knowledge.documents.upload(kb, b"some words", filename="slow.txt")
        seen: List[Optional[str]] = []
        done = client.knowledge.documents.wait(kb, document.id, poll_interval=0.05,
                                               on_status=lambda d: seen.append(
                                                   d.processing_status))  # fmt: skip
        assert seen[0] == "pending"
        assert "processing" in seen
        assert (seen[-1], done.chunk_count, done.token_count) == ("completed", 1, 3)
        empty = client.knowledge.documents.upload(kb, b"   ", filename="empty.txt")
        with pytest.raises(ExecutionError, match="Document has no text content") as info:
            client.knowledge.documents.wait(kb, empty.id, poll_interval=0.05)
        assert info.value.code == "DOCUMENT_PROCESSING_FAILED"
        client.close()


def test_a_server_without_v2_is_served_over_v1() -> None:
    with LocalSimServer(v2_api=False, processing_delay=0.0) as server:
        client = _client(server, server.api_key, workspace_id=server.workspace_id)
        kb = client.knowledge.create("v1 only")
        document = client.knowledge.documents.upload(kb.id, b"billing words", filename="a.txt")
        assert client.knowledge.documents.wait(kb.id, document.id).is_searchable
        assert names(client.knowledge.search(kb.id, "billing")) == ["a.txt"]
        with pytest.raises(InvalidArgumentError, match="v2 API"):
            client.knowledge.documents.upload(kb.id, b"x", filename="b.txt", tags={"t": "x"})
        paths = [r.path.split("?")[0] for r in server.requests]
        assert paths.count("/api/v2/workspaces") == 1
        assert paths[0] == "/api/v2/workspaces"
        assert all(p.startswith("/api/v1/") for p in paths[1:])
        client.close()


# ----------------------------------------------------------------------------- §0 and §4 errors


@dataclass
class Row:
    """One error row of public-api.md §0/§4, as the SDK surfaces it."""

    call: Callable[[World], Any]
    error: type
    expect: str
    code: Optional[str] = None
    reason: Optional[str] = None
    sent: bool = True  # whether the request it is about reached the server


def _other(world: World) -> SimStudioClient:
    return _client(world.server, world.server.other_api_key)


ERROR_ROWS: Dict[str, Row] = {
    # §0 authentication and the two kinds of key
    "bad key": Row(lambda w: _client(w.server, "sim_bogus").knowledge.search(w.kb, "x",
                   workspace_id=w.server.workspace_id), AuthenticationError, "Invalid API key",
                   "UNAUTHORIZED"),
    "v1 other workspace": Row(lambda w: list(w.v1.knowledge.list(w.server.other_workspace_id)),
                              PermissionDeniedError, "not authorized for this workspace",
                              "FORBIDDEN", "workspace"),
    "v2 other workspace": Row(lambda w: w.workspace.knowledge.create(
                              "x", workspace_id=w.server.other_workspace_id),
                              PermissionDeniedError, "cannot access this workspace",
                              "FORBIDDEN", "workspace"),
    "v2 conceals": Row(lambda w: _other(w).knowledge.get(w.kb), NotFoundError,
                       "Knowledge base not found", "NOT_FOUND"),
    "v1 conceals": Row(lambda w: _client(w.server, w.server.other_api_key, api_version="v1",
                       workspace_id=w.server.other_workspace_id).knowledge.get(w.kb),
                       NotFoundError, "Knowledge base not found", "NOT_FOUND"),
    "personal key only": Row(lambda w: w.workspace.knowledge.documents.update(
                             w.kb, w.ids["api-en.txt"], enabled=True), PermissionDeniedError,
                             "personal API key", "WORKSPACE_KEY_OPERATION_NOT_PERMITTED",
                             "personal_key_required"),
    "page size": Row(lambda w: w.workspace.knowledge.list(limit=0), InvalidArgumentError,
                     "from 1 to 100", sent=False),
    "bad cursor": Row(lambda w: list(w.workspace.knowledge.list(cursor="garbage")),
                      BadRequestError, "not a valid pagination cursor"),
    # §4 search
    "21 knowledge bases": Row(lambda w: w.workspace.knowledge.search([w.kb] * 21, "x"),
                              InvalidArgumentError, "at most 20", sent=False),
    "topK": Row(lambda w: w.workspace.knowledge.search(w.kb, "x", top_k=101),
                InvalidArgumentError, "1 to 100", sent=False),
    "fractional topK": Row(lambda w: w.v1.knowledge.search(w.kb, "x", top_k=2.5),  # type: ignore
                           InvalidArgumentError, "1 to 100", sent=False),
    "search mode": Row(lambda w: w.workspace.knowledge.search(w.kb, "x", mode="keyword"),
                       InvalidArgumentError, "'vector' or 'hybrid'", sent=False),
    "no query, no tags": Row(lambda w: w.workspace.knowledge.search(w.kb, "  "),
                             InvalidArgumentError, "needs a query", sent=False),
    "between without valueTo": Row(lambda w: TagFilter("priority", "between", 2),
                                   InvalidArgumentError, "needs value_to", sent=False),
    "unknown operator": Row(lambda w: TagFilter("topic", "like", "x"), InvalidArgumentError,
                            "not one of", sent=False),
    "not a number": Row(lambda w: w.workspace.knowledge.search(w.kb, tags={"priority": "high"}),
                        BadRequestError, 'expects a number value, but received "high"'),
    "operator of another type": Row(lambda w: w.workspace.knowledge.search(
                                    w.kb, filters=[TagFilter("public", "gt", "true")]),
                                    InvalidArgumentError, "boolean tag", sent=False),
    "undefined tag": Row(lambda w: w.workspace.knowledge.search(w.kb, tags={"color": "red"}),
                         BadRequestError, 'not defined in this knowledge base: "color"'),
    "v1 tags over 2 bases": Row(lambda w: w.v1.knowledge.search([w.kb, w.second],
                                tags={"topic": "x"}), InvalidArgumentError, "v2 API",
                                "V2_REQUIRED", sent=False),
    "v1 base of another workspace": Row(lambda w: w.v1.knowledge.search("nope", "x"),
                                        NotFoundError, "not found or access denied"),
    "v2 base of another workspace": Row(lambda w: w.workspace.knowledge.search("nope", "x"),
                                        NotFoundError, "access denied: nope"),
    "v1 workspace of another key": Row(lambda w: w.v1.knowledge.search(
                                       w.kb, "x", workspace_id=w.server.other_workspace_id),
                                       PermissionDeniedError, "not authorized", "FORBIDDEN"),
    "v2 workspace of another key": Row(lambda w: w.workspace.knowledge.search(
                                       w.kb, "x", workspace_id=w.server.other_workspace_id),
                                       NotFoundError, "Knowledge base not found"),
}


@pytest.mark.parametrize("row", sorted(ERROR_ROWS))
def test_error_rows_surface_as_typed_errors(world: World, row: str) -> None:
    spec = ERROR_ROWS[row]
    before = len(world.server.requests)
    with pytest.raises(spec.error, match=spec.expect) as info:
        spec.call(world)
    if spec.code is not None:
        assert info.value.code == spec.code
    if spec.reason is not None:
        assert info.value.reason == spec.reason
    sent = [r for r in world.server.requests[before:]
            if not r.path.split("?")[0].endswith("/tags")]  # definitions are read first
    assert bool(sent) == spec.sent
    assert world.server.api_key not in str(info.value)
