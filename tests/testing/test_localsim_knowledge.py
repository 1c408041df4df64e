"""LocalSimServer's knowledge bases beyond the recordings: define_tag, upload sessions, rate-limit
families, the v2 flag, the multipart reader and the search engine's pieces."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer
from simstudio.testing._form import parse_form
from simstudio.testing._knowledge_search import cosine, embed, stem, stems


def _kb(api: Api, name: str = "KB") -> str:
    reply = api.call("POST", "/api/v2/knowledge",
                     {"workspaceId": api.server.workspace_id, "name": name})  # fmt: skip
    assert reply.status == 201
    return str(reply.json["data"]["id"])


def test_define_tag_takes_the_first_free_slot_of_its_type(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    kb = _kb(api)
    assert sim_server.define_tag(kb, "topic", "text") == "tag1"
    assert sim_server.define_tag(kb, "region", "text", slot="tag5") == "tag5"
    assert sim_server.define_tag(kb, "lang", "text") == "tag2"
    assert sim_server.define_tag(kb, "flag", "boolean") == "boolean1"
    tags = api.get(f"/api/v2/knowledge/{kb}/tags?workspaceId={sim_server.workspace_id}").json
    assert [t["tagSlot"] for t in tags["data"]] == ["boolean1", "tag1", "tag2", "tag5"]
    for number in range(5):
        sim_server.define_tag(kb, f"n{number}", "number")
    bad = [("topic", "text", None), ("x", "colour", None), ("x", "text", "tag1"),
           ("x", "text", "number1"), ("x", "number", None), (" ", "text", None)]  # fmt: skip
    for name, kind, slot in bad:
        with pytest.raises(ValueError):
            sim_server.define_tag(kb, name, kind, slot)
    with pytest.raises(KeyError):
        sim_server.define_tag("no-such-kb", "topic", "text")


def _session(api: Api, kb: str, size: int = 5) -> Dict[str, Any]:
    reply = api.call("POST", f"/api/v2/knowledge/{kb}/documents/uploads",
                     {"workspaceId": api.server.workspace_id, "name": "a.txt",
                      "contentType": "text/plain", "size": size, "tag1": "x"})  # fmt: skip
    assert reply.status == 201, reply
    return dict(reply.json["data"])


def test_upload_sessions_check_their_token_size_and_order(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    kb = _kb(api)
    data = _session(api, kb)
    upload = data["session"]["id"]
    transfer = data["transfer"]
    assert transfer["url"] == f"{sim_server.base_url}/api/v2/uploads/{upload}"
    assert transfer["headers"]["upload-token"] == data["uploadToken"]
    complete = (f"/api/v2/knowledge/{kb}/documents/uploads/{upload}/complete"
                f"?workspaceId={sim_server.workspace_id}")  # fmt: skip
    token = {"upload-token": data["uploadToken"]}
    early = api.call("POST", complete, headers=token)
    assert (early.status, early.json["error"]["message"]) == (400, "The file has not been "
                                                                   "uploaded yet")  # fmt: skip
    put = f"/api/v2/uploads/{upload}"
    assert api.call("PUT", put, b"hello", {"upload-token": "wrong"}, check=False).status == 401
    assert api.call("PUT", put, b"hi", token, check=False).status == 400
    assert api.call("PUT", put, b"hello", token, key=False, check=False).status == 204
    assert api.call("POST", complete, headers={"upload-token": "wrong"}).status == 401
    done = api.call("POST", complete, headers=token).json["data"]
    assert (done["status"], done["document"]["id"]) == ("completed", upload)
    again = api.call("POST", complete, headers=token).json["data"]
    assert again["document"]["id"] == upload  # completing twice makes one document
    other = _session(api, kb)["session"]["id"]
    ws = sim_server.workspace_id
    cancel = f"/api/v2/knowledge/{kb}/documents/uploads/{other}?workspaceId={ws}"
    assert api.call("DELETE", cancel).json == {"data": {"id": other, "deleted": True}}
    assert api.call("DELETE", cancel).status == 404
    gone = f"/api/v2/uploads/{other}"
    assert api.call("PUT", gone, b"hello", token, check=False).status == 404


def test_v1_counts_knowledge_and_search_apart_v2_counts_each_route(
    sim_server: LocalSimServer,
) -> None:
    api = Api(sim_server)
    ws = sim_server.workspace_id

    def remaining(method: str, path: str, body: Any = None) -> int:
        return int(api.call(method, path, body).headers["X-RateLimit-Remaining"])

    assert remaining("GET", f"/api/v1/knowledge?workspaceId={ws}") == 999998
    assert remaining("GET", f"/api/v1/knowledge?workspaceId={ws}") == 999997
    search = {"workspaceId": ws, "knowledgeBaseIds": "x", "query": "q"}
    assert remaining("POST", "/api/v1/knowledge/search", search) == 999998  # 404, counted too
    assert remaining("GET", f"/api/v2/knowledge?workspaceId={ws}") == 999998
    assert remaining("GET", f"/api/v2/knowledge/x?workspaceId={ws}") == 999998
    assert remaining("GET", f"/api/v2/knowledge?workspaceId={ws}") == 999997


def test_without_the_v2_flag_only_v1_answers() -> None:
    with LocalSimServer(v2_api=False) as server:
        api = Api(server)
        ws = server.workspace_id
        assert api.get(f"/api/v2/knowledge?workspaceId={ws}").status == 404
        assert api.get(f"/api/v1/knowledge?workspaceId={ws}").json["data"]["totalCount"] == 0


def test_the_form_reader() -> None:
    body = (b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\none\r\n'
            b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\ntwo\r\n'
            b'--B\r\nContent-Disposition: form-data; name="f"; filename="x.md"\r\n'
            b"Content-Type: text/markdown\r\n\r\nline\r\n\r\n--B--\r\n")  # fmt: skip
    form = parse_form('multipart/form-data; boundary="B"', body)
    assert form is not None
    assert form["a"].text == "one"  # the first of repeated names
    assert (form["f"].filename, form["f"].content_type, form["f"].data) == (
        "x.md", "text/markdown", b"line\r\n")  # fmt: skip
    assert parse_form("application/json", body) is None
    assert parse_form("multipart/form-data", body) is None
    assert parse_form("multipart/form-data; boundary=C", body) is None


def test_the_engine_pieces() -> None:
    assert {stem(w) for w in ("invoicing", "invoices", "invoice")} == {"invoic"}
    assert stem("keys") == stem("key") == "key"
    assert stem("use") == stem("uses") == "use"
    assert set(stems("The keys of the API")) == {"key", "api"}
    assert cosine(embed("billing"), embed("Billing, billing!")) == pytest.approx(1.0)
    assert cosine(embed("zebra"), embed("billing")) == 0.0
    assert cosine(embed(""), embed("billing")) == 0.0
