"""``simstudio kb``: list, create, upload with tags, docs and search against the local server."""

from __future__ import annotations

import json
from typing import Iterator, List, Tuple

import pytest

from simstudio import SimStudioClient
from simstudio.cli import main
from simstudio.testing import LocalSimServer


@pytest.fixture
def sim(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSimServer]:
    """A server with a personal key in the environment, like a user with a personal key."""
    with LocalSimServer(processing_delay=0.0) as server:
        monkeypatch.setenv("SIM_API_KEY", server.personal_key)
        monkeypatch.setenv("SIM_BASE_URL", server.base_url)
        monkeypatch.setenv("SIM_WORKSPACE_ID", server.workspace_id)
        yield server


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _kb(sim: LocalSimServer, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "kb", "create", "Handbook", "--description", "for the CLI", "--json")
    assert code == 0
    kb = str(json.loads(out)["id"])
    for name, kind in (("topic", "text"), ("priority", "number"), ("public", "boolean")):
        sim.define_tag(kb, name, kind)
    return kb


def test_the_whole_walk(sim: LocalSimServer, capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    kb = _kb(sim, capsys)
    path = tmp_path / "billing.md"
    path.write_text("Billing invoices are sent monthly.", encoding="utf-8")
    code, out, _ = run(capsys, "kb", "upload", kb, str(path), "--tag", "topic=billing",
                       "--tag", "priority=2", "--tag", "public=yes", "--wait")  # fmt: skip
    assert code == 0
    assert "uploaded billing.md as document" in out
    assert "(completed)" in out
    assert "tags: topic=billing, priority=2, public=True" in out
    code, out, _ = run(capsys, "kb", "list")
    assert (code, out) == (0, f"{kb}  Handbook  (1 docs)\n")
    code, out, _ = run(capsys, "kb", "docs", kb, "--tag", "topic=BILLING")
    assert "billing.md  completed  [topic=billing, priority=2, public=True]" in out
    code, out, _ = run(capsys, "kb", "search", kb, "billing", "--tag", "topic=billing")
    lines = out.splitlines()
    assert lines[0] == "1 hit(s), combined search"
    assert lines[1].startswith("1. 0.4472  billing.md")
    assert lines[2] == "   Billing invoices are sent monthly."
    code, hits, _ = run(capsys, "kb", "search", kb, "--tag", "priority=2", "--json")
    document = json.loads(hits)
    assert document["search_type"] == "tag_only"
    assert [hit["similarity"] for hit in document["results"]] == [1.0]
    assert "raw" not in document["results"][0]
    code, out, _ = run(capsys, "kb", "search", kb, "zebra", "--top-k", "3", "--hybrid")
    assert out == "0 hit(s), vector-only search\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["kb", "search", "KB"], "needs a query, tags or filters"),
        (["kb", "search", "KB", "x", "--top-k", "0"], "1 to 100"),
        (["kb", "docs", "KB", "--tag", "topic"], "is not NAME=VALUE"),
        (["kb", "upload", "KB", "/no/such/file.txt"], "cannot read"),
    ],
)
def test_usage_errors_exit_2(sim: LocalSimServer, capsys: pytest.CaptureFixture[str],
                             argv: List[str], message: str) -> None:  # fmt: skip
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err


def test_typed_values_are_checked_and_workspace_keys_refused(
    sim: LocalSimServer, capsys: pytest.CaptureFixture[str], tmp_path, monkeypatch
) -> None:
    kb = _kb(sim, capsys)
    path = tmp_path / "a.txt"
    path.write_text("words", encoding="utf-8")
    code, _, err = run(capsys, "kb", "upload", kb, str(path), "--tag", "priority=high")
    assert (code, err.strip()) == (2, "simstudio kb upload: error: --tag priority: 'high' is "
                                      "not a number")  # fmt: skip
    code, _, err = run(capsys, "kb", "upload", kb, str(path), "--tag", "public=maybe")
    assert code == 2
    monkeypatch.setenv("SIM_API_KEY", sim.api_key)  # a workspace key now
    code, _, err = run(capsys, "kb", "upload", kb, str(path), "--tag", "priority=1")
    assert code == 3
    assert "personal API key" in err
    assert "WORKSPACE_KEY_OPERATION_NOT_PERMITTED" in err
    client = SimStudioClient(api_key=sim.personal_key, base_url=sim.base_url)
    assert list(client.knowledge.documents.list(kb, workspace_id=sim.workspace_id)) == []
    client.close()


def test_help_lists_the_kb_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "kb", "--help")
    assert code == 0
    for command in ("list", "create", "upload", "docs", "search"):
        assert command in out
