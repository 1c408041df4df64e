"""client.knowledge.documents: uploads with tags, lists, updates, deletes and waiting."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any, Dict, List
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from _core_helpers import BASE, KEY, body, make_client
from _knowledge_helpers import answer, doc_id, exchange, headers_of

from simstudio import (
    BadRequestError,
    Document,
    ExecutionError,
    InvalidArgumentError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RequestTimeoutError,
    SimStudioClient,
)
from simstudio._multipart import multipart_body

WS = "realsim-ws-main"
V1 = f"{BASE}/api/v1/knowledge/kb-main"
V2 = f"{BASE}/api/v2/knowledge/kb-main"
BILLING = doc_id("billing-en.txt")
TEXT = b"Billing invoices are sent monthly."


class Clock:
    """A monotonic clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: List[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client_for(version: str, clock: Any = None):
    if clock is None:
        return make_client(api_version=version, workspace_id=WS)
    return SimStudioClient(KEY, BASE, api_version=version, workspace_id=WS, clock=clock,
                           sleep=clock.sleep)  # fmt: skip


def add(rsps, method: str, url: str, name: str, **kwargs: Any) -> None:
    recorded = exchange(name)
    rsps.add(method, url, body=body(recorded["response"]), status=recorded["status"],
             headers=headers_of(name), **kwargs)  # fmt: skip


def parts(request: Any) -> Dict[str, bytes]:
    """The fields of a multipart request body (name -> value)."""
    boundary = request.headers["Content-Type"].split("boundary=")[1].encode()
    found: Dict[str, bytes] = {}
    for chunk in request.body.split(b"--" + boundary)[1:-1]:
        head, _, value = chunk.strip(b"\r\n").partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        found[name] = value
    return found


# ----------------------------------------------------------------------------- upload


def test_v1_upload_is_multipart_with_the_workspace(rsps, tmp_path):
    add(rsps, "POST", f"{V1}/documents", "doc_v1_upload_1")
    path = tmp_path / "billing-en.txt"
    path.write_bytes(TEXT)
    document = client_for("v1").knowledge.documents.upload("kb-main", path)
    request = rsps.calls[0].request
    assert parts(request) == {"workspaceId": WS.encode(), "file": TEXT}
    assert b'filename="billing-en.txt"\r\nContent-Type: text/plain' in request.body
    assert (document.id, document.processing_status, document.chunk_count) == (
        BILLING, "pending", 0)  # fmt: skip
    assert not document.is_finished


def test_v2_upload_without_tags_sends_the_file_alone(rsps):
    add(rsps, "POST", f"{V2}/documents", "doc_v2_upload_5")
    handle = io.BytesIO(b"Security: passwords are hashed.")
    handle.name = "/tmp/somewhere/security-en.txt"
    document = client_for("v2").knowledge.documents.upload("kb-main", handle)
    request = rsps.calls[0].request
    assert "workspaceId=realsim-ws-main" in request.url
    assert list(parts(request)) == ["file"]
    assert b'filename="security-en.txt"' in request.body
    assert document.filename == "security-en.txt"


@pytest.mark.parametrize(
    ("file", "kwargs", "message"),
    [
        (b"x", {}, "needs filename="),
        (io.StringIO("text"), {"filename": "a.txt"}, "text mode"),
        (io.BytesIO(b"x"), {}, "pass filename="),
        (12, {}, "path, bytes or a binary file"),
        ("/no/such/file.txt", {}, "cannot read"),
        (b"x", {"filename": " "}, "non-empty"),
    ],
)
def test_unreadable_files_are_refused_before_sending(rsps, file, kwargs, message):
    with pytest.raises(InvalidArgumentError, match=message):
        client_for("v2").knowledge.documents.upload("kb-main", file, **kwargs)
    assert len(rsps.calls) == 0


def test_text_tags_go_with_a_resumable_upload(rsps):
    create, complete = exchange("doc_v2_upload_session_create"), exchange(
        "doc_v2_upload_session_complete")  # fmt: skip
    session = create["response"]["data"]["session"]["id"]
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    add(rsps, "POST", f"{V2}/documents/uploads", "doc_v2_upload_session_create")
    # The session names the recording server's origin; a transfer elsewhere gets no key.
    rsps.add("PUT", f"http://127.0.0.1:3000/api/v2/uploads/{session}", status=204)
    add(rsps, "POST", f"{V2}/documents/uploads/{session}/complete",
        "doc_v2_upload_session_complete")  # fmt: skip
    content = b"Upload session document about billing disputes and chargebacks."
    document = client_for("v2").knowledge.documents.upload(
        "kb-main", content, filename="session-billing.txt", tags={"topic": "billing", "lang": "en"}
    )
    calls = [(c.request.method, c.request.url.split("?")[0]) for c in rsps.calls]
    assert [m for m, _ in calls] == ["GET", "POST", "PUT", "POST"]
    assert json.loads(rsps.calls[1].request.body) == create["json"]
    put = rsps.calls[2].request
    assert put.body == content
    assert put.headers["upload-token"] == "upload-token-1"
    assert put.headers["Content-Type"] == "text/plain"
    assert "X-API-Key" not in put.headers
    finish = rsps.calls[3].request
    assert finish.headers["upload-token"] == "upload-token-1"
    assert finish.headers["X-API-Key"] == KEY
    assert (document.id, document.processing_status) == (session, "pending")
    assert document.tags == {"topic": "billing", "lang": "en"}
    assert complete["status"] == 200


def test_a_transfer_to_our_own_server_carries_the_key(rsps):
    created = answer("doc_v2_upload_session_create")
    session = created["data"]["session"]["id"]
    created["data"]["transfer"]["url"] = f"{BASE}/api/v2/uploads/{session}"
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    rsps.add("POST", f"{V2}/documents/uploads", status=201, body=body(created))
    rsps.add("PUT", f"{BASE}/api/v2/uploads/{session}", status=204)
    add(rsps, "POST", f"{V2}/documents/uploads/{session}/complete",
        "doc_v2_upload_session_complete")  # fmt: skip
    client_for("v2").knowledge.documents.upload("kb-main", b"x", filename="a.txt",
                                                tags={"topic": "billing"})  # fmt: skip
    assert rsps.calls[2].request.headers["X-API-Key"] == KEY


def test_a_failed_transfer_cancels_the_session(rsps):
    created = answer("doc_v2_upload_session_create")
    session = created["data"]["session"]["id"]
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    rsps.add("POST", f"{V2}/documents/uploads", status=201, body=body(created))
    rsps.add("PUT", f"http://127.0.0.1:3000/api/v2/uploads/{session}", status=413,
             body=body({"error": {"code": "PAYLOAD_TOO_LARGE", "message": "too large"}}))
    rsps.add("DELETE", f"{V2}/documents/uploads/{session}", status=500)
    with pytest.raises(BadRequestError, match="too large"):
        client_for("v2").knowledge.documents.upload("kb-main", b"x", filename="a.txt",
                                                    tags={"topic": "billing"})  # fmt: skip
    assert rsps.calls[-1].request.method == "DELETE"


def test_typed_tags_are_set_by_an_update_right_after(rsps):
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    add(rsps, "POST", f"{V2}/documents/uploads", "doc_v2_upload_session_create")
    session = answer("doc_v2_upload_session_create")["data"]["session"]["id"]
    rsps.add("PUT", f"http://127.0.0.1:3000/api/v2/uploads/{session}", status=204)
    add(rsps, "POST", f"{V2}/documents/uploads/{session}/complete",
        "doc_v2_upload_session_complete")  # fmt: skip
    add(rsps, "PATCH", f"{V2}/documents/{session}", "doc_v2_patch_tags_1")
    tags = {"topic": "billing", "lang": "en", "priority": 3, "published": dt.date(2025, 1, 15),
            "public": True}  # fmt: skip
    document = client_for("v2").knowledge.documents.upload("kb-main", TEXT, filename="b.txt",
                                                           tags=tags)  # fmt: skip
    assert json.loads(rsps.calls[1].request.body)["tag1"] == "billing"
    assert "number1" not in json.loads(rsps.calls[1].request.body)
    assert json.loads(rsps.calls[-1].request.body) == {
        "workspaceId": WS, "number1": 3, "date1": "2025-01-15", "boolean1": True}  # fmt: skip
    assert document.tags["priority"] == 3
    assert document.tags["published"] == "2025-01-15T00:00:00.000Z"


def test_a_refused_update_deletes_the_new_document_again(rsps):
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    add(rsps, "POST", f"{V2}/documents", "doc_v2_upload_5")
    new = doc_id("security-en.txt")
    add(rsps, "PATCH", f"{V2}/documents/{new}", "doc_v2_patch_workspace_key_forbidden")
    rsps.add("DELETE", f"{V2}/documents/{new}", body=body({"data": {"id": new, "deleted": True}}))
    with pytest.raises(PermissionDeniedError) as info:
        client_for("v2").knowledge.documents.upload(
            "kb-main", TEXT, filename="security-en.txt", tags={"priority": 4}
        )
    error = info.value
    assert (error.code, error.reason) == ("WORKSPACE_KEY_OPERATION_NOT_PERMITTED",
                                          "personal_key_required")  # fmt: skip
    assert "personal API key" in str(error)
    assert [c.request.method for c in rsps.calls] == ["GET", "POST", "PATCH", "DELETE"]


def test_when_even_the_cleanup_fails_the_error_says_so(rsps):
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    add(rsps, "POST", f"{V2}/documents", "doc_v2_upload_5")
    new = doc_id("security-en.txt")
    add(rsps, "PATCH", f"{V2}/documents/{new}", "doc_v2_patch_workspace_key_forbidden")
    rsps.add("DELETE", f"{V2}/documents/{new}", status=404,
             body=body({"error": {"code": "NOT_FOUND", "message": "Document not found"}}))
    with pytest.raises(PermissionDeniedError, match="could not be deleted again"):
        client_for("v2").knowledge.documents.upload("kb-main", TEXT, filename="s.txt",
                                                    tags={"public": True})  # fmt: skip


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"Topic": "x"}, "did you mean 'topic'"),
        ({"color": "red"}, "not defined"),
        ({"priority": "high"}, "number tag"),
        ({"published": "15/01/2025"}, "date tag"),
        ({"published": "2025-02-30"}, "date tag"),
        ({"public": "yes"}, "boolean tag"),
        ({"topic": 3}, "text tag"),
        ({"topic": "x" * 1001}, "1000 characters"),
    ],
)
def test_tag_values_are_checked_against_the_definitions_first(rsps, tags, message):
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    with pytest.raises(InvalidArgumentError, match=message):
        client_for("v2").knowledge.documents.upload("kb-main", TEXT, filename="a.txt", tags=tags)
    assert [c.request.method for c in rsps.calls] == ["GET"]


def test_tags_on_a_v1_only_server_are_refused_before_sending(rsps):
    with pytest.raises(InvalidArgumentError, match="v2 API") as info:
        client_for("v1").knowledge.documents.upload("kb-main", TEXT, filename="a.txt",
                                                    tags={"topic": "x"})  # fmt: skip
    assert info.value.code == "V2_REQUIRED"
    with pytest.raises(InvalidArgumentError, match="v2 API"):
        client_for("v1").knowledge.documents.list("kb-main", tags={"topic": "x"})
    with pytest.raises(InvalidArgumentError, match="v2 API"):
        client_for("v1").knowledge.documents.update("kb-main", BILLING, enabled=False)
    assert len(rsps.calls) == 0


# ----------------------------------------------------------------------------- list, get, update


def test_v1_lists_follow_offsets(rsps):
    first = exchange("doc_v1_list_limit2")["response"]
    rsps.add("GET", f"{V1}/documents", body=body(first),
             match=[responses.matchers.query_param_matcher({"workspaceId": WS, "limit": "2"})])
    second = exchange("doc_v1_list_limit2_offset2")["response"]
    rsps.add("GET", f"{V1}/documents", body=body(second), match=[
        responses.matchers.query_param_matcher({"workspaceId": WS, "limit": "2", "offset": "2"})])
    last = json.loads(json.dumps(second))
    last["data"]["pagination"].update(offset=4, hasMore=False)
    rsps.add("GET", f"{V1}/documents", body=body(last), match=[
        responses.matchers.query_param_matcher({"workspaceId": WS, "limit": "2", "offset": "4"})])
    names = [d.filename for d in client_for("v1").knowledge.documents.list("kb-main", limit=2)]
    assert names == ["security-de.txt", "security-en.txt", "api-de.txt", "api-en.txt",
                     "api-de.txt", "api-en.txt"]  # fmt: skip
    assert all(d.tags == {} for d in client_for("v1").knowledge.documents.list("kb-main", limit=2))


def test_an_offset_page_the_server_ignored_raises_instead_of_looping(rsps):
    page = exchange("doc_v1_list_limit2")["response"]  # always offset 0, hasMore true
    rsps.add("GET", f"{V1}/documents", body=body(page))
    with pytest.raises(InvalidResponseError, match="offset 2") as info:
        list(client_for("v1").knowledge.documents.list("kb-main", limit=2))
    assert info.value.cursor == "2"  # resume from here: list(..., cursor="2")
    empty = {"success": True, "data": {"documents": [], "pagination": {"hasMore": True}}}
    rsps.replace("GET", f"{V1}/documents", body=body(empty))
    with pytest.raises(InvalidResponseError, match="empty page"):
        list(client_for("v1").knowledge.documents.list("kb-main"))


def test_v2_lists_take_tag_filters_as_json_and_follow_three_pages(rsps):
    for name in ("doc_v2_list_limit2", "doc_v2_list_limit2_page2", "doc_v2_list_limit2_page3"):
        recorded = exchange(name)
        query = {k: v[0] for k, v in parse_qs(urlsplit(recorded["path"]).query).items()}
        rsps.add("GET", f"{V2}/documents", body=body(recorded["response"]),
                 match=[responses.matchers.query_param_matcher(query)])  # fmt: skip
    documents = list(client_for("v2").knowledge.documents.list("kb-main", limit=2))
    assert len(documents) == 6
    assert len(rsps.calls) == 3
    assert documents[-1].tags == {"topic": "billing", "lang": "en", "tag3": "unlabelled-value",
                                  "priority": 3, "published": "2025-01-15T00:00:00.000Z",
                                  "public": True}  # fmt: skip
    rsps.add("GET", f"{V2}/documents", body=body(answer("doc_v2_list_tag_two")))
    both = client_for("v2").knowledge.documents.list(
        "kb-main", tags={"topic": "billing", "lang": "de"}, enabled=True, search="bill"
    )
    assert [d.filename for d in both] == ["billing-de.txt"]
    query = parse_qs(urlsplit(rsps.calls[-1].request.url).query)
    assert (query["enabledFilter"], query["search"]) == (["enabled"], ["bill"])
    recorded = parse_qs(urlsplit(exchange("doc_v2_list_tag_two")["path"]).query)
    assert json.loads(query["tagFilters"][0]) == json.loads(recorded["tagFilters"][0])


def test_get_on_both_versions(rsps):
    add(rsps, "GET", f"{V1}/documents/{BILLING}", "doc_v1_get")
    add(rsps, "GET", f"{V2}/documents/{BILLING}", "doc_v2_get")
    v1 = client_for("v1").knowledge.documents.get("kb-main", BILLING)
    v2 = client_for("v2").knowledge.documents.get("kb-main", BILLING)
    assert (v1.processing_status, v1.tags, v1.processing_error) == ("completed", {}, None)
    assert v1.processing_completed_at == "2026-12-06T17:46:56.177Z"
    assert v2.tags["topic"] == "billing"
    assert v2.tags["tag3"] == "unlabelled-value"
    assert v2.is_searchable
    assert v2.is_finished


def test_update_writes_slots_by_display_name(rsps):
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    add(rsps, "PATCH", f"{V2}/documents/{BILLING}", "doc_v2_patch_tags_1")
    document = client_for("v2").knowledge.documents.update(
        "kb-main", BILLING,
        tags={"topic": "billing", "lang": "en", "priority": 3, "public": True,
              "published": dt.datetime(2025, 1, 15, 9, 30)},
    )  # fmt: skip
    assert json.loads(rsps.calls[-1].request.body) == exchange("doc_v2_patch_tags_1")["json"]
    assert document.tags["public"] is True


def test_update_clears_tags_toggles_and_renames(rsps):
    add(rsps, "GET", f"{V2}/tags", "kb_v2_tags_list")
    rsps.add("PATCH", f"{V2}/documents/{BILLING}", body=body(answer("doc_v2_patch_filename")))
    client_for("v2").knowledge.documents.update("kb-main", BILLING, tags={"lang": None},
                                                enabled=False, filename="new.txt")  # fmt: skip
    assert json.loads(rsps.calls[-1].request.body) == {
        "workspaceId": WS, "tag2": None, "enabled": False, "filename": "new.txt"}  # fmt: skip
    client_for("v2").knowledge.documents.update("kb-main", BILLING, enabled=True)
    assert [c.request.method for c in rsps.calls] == ["GET", "PATCH", "PATCH"]
    for bad in ({}, {"enabled": "no"}, {"filename": ""}):
        with pytest.raises(InvalidArgumentError):
            client_for("v2").knowledge.documents.update("kb-main", BILLING, **bad)


def test_a_workspace_key_update_says_a_personal_key_is_needed(rsps):
    add(rsps, "PATCH", f"{V2}/documents/{BILLING}", "doc_v2_patch_workspace_key_forbidden")
    with pytest.raises(PermissionDeniedError, match="personal API key") as info:
        client_for("v2").knowledge.documents.update("kb-main", BILLING, enabled=False)
    assert info.value.reason == "personal_key_required"


def test_delete_and_a_second_delete(rsps):
    add(rsps, "DELETE", f"{V1}/documents/{BILLING}", "doc_v1_delete")
    assert client_for("v1").knowledge.documents.delete("kb-main", BILLING) is None
    add(rsps, "DELETE", f"{V1}/documents/{BILLING}", "doc_v1_delete_again")
    with pytest.raises(NotFoundError, match="Document not found"):
        client_for("v1").knowledge.documents.delete("kb-main", BILLING)


# ----------------------------------------------------------------------------- wait


def _doc(status: str, **extra: Any) -> Dict[str, Any]:
    document = dict(answer("doc_v2_get")["data"], processingStatus=status, **extra)
    return {"data": document}


def test_wait_polls_until_completed_with_quick_first_polls(rsps):
    clock = Clock()
    for status in ("pending", "processing", "completed"):
        rsps.add("GET", f"{V2}/documents/{BILLING}", body=body(_doc(status)))
    seen: List[str] = []
    client = client_for("v2", clock)
    document = client.knowledge.documents.wait(
        "kb-main", BILLING, on_status=lambda d: seen.append(d.processing_status or "")
    )
    assert isinstance(document, Document)
    assert document.processing_status == "completed"
    assert seen == ["pending", "processing", "completed"]
    assert clock.sleeps == [0.05, 0.1]


def test_wait_raises_with_the_servers_processing_error(rsps):
    rsps.add("GET", f"{V2}/documents/{BILLING}",
             body=body(_doc("failed", processingError="Document has no text content")))
    with pytest.raises(ExecutionError, match="Document has no text content") as info:
        client_for("v2").knowledge.documents.wait("kb-main", BILLING)
    assert info.value.code == "DOCUMENT_PROCESSING_FAILED"
    assert info.value.body["processingStatus"] == "failed"


def test_wait_ends_by_its_timeout(rsps):
    clock = Clock()
    rsps.add("GET", f"{V2}/documents/{BILLING}", body=body(_doc("processing")))
    client = client_for("v2", clock)
    with pytest.raises(RequestTimeoutError, match="still not finished after 3s"):
        client.knowledge.documents.wait("kb-main", BILLING, timeout=3, poll_interval=0.5)
    assert clock.now <= 3.0


def test_multipart_bodies_escape_names():
    data, content_type = multipart_body({'we"ird\r\n': "v"}, {"f": ('a"b.txt', b"\x00\xff", "x/y")},
                                        boundary="B")  # fmt: skip
    assert content_type == "multipart/form-data; boundary=B"
    assert data == (b'--B\r\nContent-Disposition: form-data; name="we%22ird%0D%0A"\r\n\r\nv\r\n'
                    b'--B\r\nContent-Disposition: form-data; name="f"; filename="a%22b.txt"\r\n'
                    b"Content-Type: x/y\r\n\r\n\x00\xff\r\n--B--\r\n")  # fmt: skip
