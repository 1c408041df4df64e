"""The pytest plugin (fixtures, marker, indirect parametrization) and the ``serve`` command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from typing import Any, Callable, List

import pytest
from localsim_helpers import Api

from simstudio.testing import LocalSimServer, RateLimit
from simstudio.testing import __main__ as cli


def test_sim_server_fixture_is_running(sim_server: LocalSimServer) -> None:
    assert sim_server.wire_format == "2026"
    assert Api(sim_server).execute("echo", {}).status == 200


@pytest.mark.sim_server(wire_format="2025", usage_budget=1, rate_limit=RateLimit(60, 5))
def test_marker_configures_the_fixture(sim_server: LocalSimServer) -> None:
    api = Api(sim_server)
    assert sim_server.wire_format == "2025"
    assert api.execute("echo", {}).status == 200
    assert api.execute("echo", {}).status == 402


@pytest.mark.parametrize(
    "sim_server", ["2025", {"wire_format": "2026", "job_delay": 0.0}], indirect=True
)
def test_indirect_parametrization(sim_server: LocalSimServer) -> None:
    assert sim_server.wire_format in ("2025", "2026")


def test_sim_server_2025(sim_server_2025: LocalSimServer) -> None:
    assert sim_server_2025.wire_format == "2025"


def test_factory_starts_and_stops_servers(
    sim_server_factory: Callable[..., LocalSimServer],
) -> None:
    first = sim_server_factory()
    second = sim_server_factory(api_key="sk-sim-other")
    assert first.port != second.port
    assert Api(second).execute("echo", {}, key="sk-sim-other").status == 200


def test_sim_client_talks_to_sim_server(sim_server: LocalSimServer, sim_client: Any) -> None:
    result = sim_client.execute_workflow("echo", {"a": 1})
    assert result.output == {"input": {"a": 1}}
    assert sim_server.executions("echo") == 1


def test_serve_prints_url_and_key() -> None:
    out = io.StringIO()
    seen: List[LocalSimServer] = []

    def ready(server: LocalSimServer) -> None:
        seen.append(server)
        assert Api(server).execute("echo", {}).status == 200
        threading.Thread(target=server.stop, name="test-stopper").start()

    cli.serve("127.0.0.1", 0, "sk-sim-cli", "2025", out=out, on_ready=ready)
    text = out.getvalue()
    assert seen[0].base_url in text
    assert "API key: sk-sim-cli" in text
    assert f"Personal key: {seen[0].personal_key}" in text
    assert (
        f"Workspaces: ws-local (the workflows'); ws-other, whose key is {seen[0].other_api_key}"
        in text
    )
    assert "wire format 2025" in text


def test_main_parses_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[Any] = []
    monkeypatch.setattr(cli, "serve", lambda *args, **kw: calls.append((args, kw)))
    argv = ["--port", "0", "--api-key", "k", "--wire-format", "2025", "--verbose"]
    assert cli.main(argv) == 0
    assert calls == [(("127.0.0.1", 0, "k", "2025"), {"verbose": True})]


_IMPORT_PLUGIN = """
import json, sys
import simstudio.testing.plugin
heavy = ["requests", "urllib3", "simstudio._client", "simstudio.testing._server",
         "simstudio.testing._http", "simstudio.testing._routes"]
print(json.dumps([name for name in heavy if name in sys.modules]))
import simstudio.testing
simstudio.testing.LocalSimServer
print(json.dumps([name for name in heavy if name in sys.modules]))
"""


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_PLUGIN],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    before, after = (json.loads(line) for line in done.stdout.splitlines())
    assert before == []
    # The names still work: the first use loads the server (but still not the SDK client).
    assert after == [
        "simstudio.testing._server",
        "simstudio.testing._http",
        "simstudio.testing._routes",
    ]


def test_the_packages_load_their_names_on_first_use() -> None:
    import simstudio
    import simstudio.testing

    assert simstudio.SimStudioClient.__name__ == "SimStudioClient"
    assert simstudio.testing.LocalSimServer is LocalSimServer
    assert "LocalSimServer" in dir(simstudio.testing)
    assert "SimStudioClient" in dir(simstudio)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        simstudio.testing.Nope  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        simstudio.Nope  # noqa: B018


def test_module_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simstudio.testing", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "--wire-format" in done.stdout
