"""The proxy, CA and client-certificate recipes of docs/observability.md, run as written (paths,
URLs and the workflow id substituted) against a local TLS front of a LocalSimServer, with a
throwaway CA made by ``openssl`` and a proxy that records every byte it is sent.

All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
from _tls_helpers import Pki, RecordingProxy, TLSFront, make_pki, openssl_missing_reason

from simstudio import APIConnectionError, ServerError, SimStudioClient
from simstudio.testing import LocalSimServer

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-sim-TLS-PROXY-0123456789abcdef"
NETWORK_VARIABLES = [
    *(f"{name}_proxy" for name in ("https", "http", "all", "no")),
    *(f"{name}_PROXY" for name in ("HTTPS", "HTTP", "ALL", "NO")),
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
]


def _sections() -> Dict[str, str]:
    text = (ROOT / "docs" / "observability.md").read_text(encoding="utf-8")
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def _blocks(heading: str, language: str) -> List[str]:
    section = _sections()[heading]
    return re.findall(rf"^```{language}\n(.*?)^```", section, re.MULTILINE | re.DOTALL)


def _exports(heading: str, substitutions: Dict[str, str]) -> Dict[str, str]:
    """``export NAME=value`` lines of the section's bash block, substituted."""
    found = {}
    for line in _blocks(heading, "bash")[0].splitlines():
        match = re.match(r"export (\w+)=(\S+)", line)
        if match:
            found[match.group(1)] = _substitute(match.group(2), substitutions)
    return found


def _substitute(text: str, substitutions: Dict[str, str]) -> str:
    for old, new in substitutions.items():
        text = text.replace(old, new)
    return text


def _run_recipe(heading: str, substitutions: Dict[str, str], capsys) -> str:
    (code,) = _blocks(heading, "python")
    code = _substitute(code, {**substitutions, '"workflow-id"': '"echo"'})
    assert "sim.corp.example" not in code, code
    assert "/etc/" not in code, code
    exec(compile(code, f"docs/observability.md: {heading}", "exec"), {})
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    reason = openssl_missing_reason()
    if reason is not None:
        pytest.skip(reason)
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def sim() -> Iterator[LocalSimServer]:
    with LocalSimServer(api_key=KEY) as server:
        yield server


@pytest.fixture(scope="module")
def front(pki, sim) -> Iterator[TLSFront]:
    tls = TLSFront(pki, ("127.0.0.1", sim.port))
    yield tls
    tls.close()


@pytest.fixture(scope="module")
def mtls_front(pki, sim) -> Iterator[TLSFront]:
    tls = TLSFront(pki, ("127.0.0.1", sim.port), require_client_cert=True)
    yield tls
    tls.close()


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    recording = RecordingProxy()
    yield recording
    recording.close()


@pytest.fixture(autouse=True)
def clean_network_environment(monkeypatch, sim):
    """No proxy or CA bundle from the machine; the docs' code reads the key from SIM_API_KEY."""
    for name in NETWORK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIM_API_KEY", KEY)
    monkeypatch.delenv("SIM_BASE_URL", raising=False)
    sim.reset()


@pytest.fixture
def paths(pki, front, proxy) -> Dict[str, str]:
    """The docs' placeholders and what stands in for them here."""
    return {
        "https://sim.corp.example": front.base_url,
        "/etc/ssl/certs/internal-ca.pem": str(pki.ca),
        "/etc/sim/client.pem": str(pki.client_cert),
        "/etc/sim/client.key": str(pki.client_key),
        "http://proxy.internal:3128": proxy.url,
    }


def test_the_recipes_are_where_the_tests_look():
    assert set(_sections()) >= {
        "A corporate proxy",
        "A private certificate authority",
        "Client certificates (mutual TLS)",
    }


# ----------------------------------------------------------------------------- proxies


def test_an_https_origin_goes_through_a_connect_tunnel_the_key_never_in_clear(
    monkeypatch, capsys, sim, front, proxy, pki, paths
):
    exports = _exports("A corporate proxy", paths)
    monkeypatch.setenv("HTTPS_PROXY", exports["HTTPS_PROXY"])
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pki.ca))
    assert _run_recipe("A corporate proxy", paths, capsys) == "True\n"
    assert proxy.connects == [f"127.0.0.1:{front.port}"]
    assert bytes(proxy.seen).startswith(f"CONNECT 127.0.0.1:{front.port} ".encode())
    assert len(proxy.seen) > 500  # the whole TLS exchange crossed it...
    assert KEY.encode() not in proxy.seen  # ...encrypted
    assert b"X-API-Key" not in proxy.seen
    assert sim.requests[-1].headers["X-API-Key"] == KEY  # the server got it, through TLS


def test_no_proxy_reaches_the_server_directly(monkeypatch, capsys, sim, proxy, pki, paths):
    for name, value in _exports("A corporate proxy", paths).items():
        monkeypatch.setenv(name, value)
    assert "127.0.0.1" in _exports("A corporate proxy", paths)["NO_PROXY"]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(pki.ca))
    assert _run_recipe("A corporate proxy", paths, capsys) == "True\n"
    assert proxy.connects == []
    assert bytes(proxy.seen) == b""
    assert len(sim.requests) == 1


def test_a_proxy_sees_an_http_origins_key_in_clear(monkeypatch, sim, proxy):
    # Why the docs say to use https:// behind a proxy (and proof the recording works).
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    client = SimStudioClient(base_url=sim.base_url, max_retries=0)
    with pytest.raises(ServerError):  # the recording proxy answers 502
        client.get_workflow_status("echo")
    client.close()
    assert KEY.encode() in proxy.seen
    assert proxy.connects == []


# ----------------------------------------------------------------------------- certificates


def test_an_untrusted_certificate_is_a_readable_connection_error_never_retried(front):
    sleeps = []
    client = SimStudioClient(base_url=front.base_url, max_retries=3, sleep=sleeps.append)
    with pytest.raises(APIConnectionError) as caught:
        client.get_workflow_status("echo")
    client.close()
    error = caught.value
    assert error.status is None
    assert error.code == "TLS_CERTIFICATE_ERROR"
    assert sleeps == []  # retrying cannot make a certificate trusted
    assert str(error).startswith(
        f"get_workflow_status('echo'): the certificate of {front.base_url} is not trusted ("
    )
    assert "REQUESTS_CA_BUNDLE" in str(error)
    assert "certificate" in error.cause
    assert KEY not in str(error)
    assert KEY not in repr(error)


def test_requests_ca_bundle_trusts_a_private_ca(monkeypatch, capsys, paths):
    (name, value), *_ = _exports("A private certificate authority", paths).items()
    assert name == "REQUESTS_CA_BUNDLE"
    monkeypatch.setenv(name, value)
    assert _run_recipe("A corporate proxy", paths, capsys) == "True\n"  # a plain client


def test_session_verify_trusts_a_private_ca(capsys, sim, paths):
    assert _run_recipe("A private certificate authority", paths, capsys) == "True\n"
    assert sim.requests[-1].headers["X-API-Key"] == KEY


def test_requests_ca_bundle_wins_over_session_verify_unless_trust_env_is_off(
    monkeypatch, pki, front
):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", requests.certs.where())  # the public CAs only
    session = requests.Session()
    session.verify = str(pki.ca)
    with SimStudioClient(base_url=front.base_url, session=session, max_retries=0) as client:
        with pytest.raises(APIConnectionError):
            client.get_workflow_status("echo")
        session.trust_env = False
        assert client.get_workflow_status("echo").is_deployed
    session.close()


def test_a_client_certificate_is_presented_from_the_session(capsys, sim, mtls_front, paths):
    paths = {**paths, "https://sim.corp.example": mtls_front.base_url}
    assert _run_recipe("Client certificates (mutual TLS)", paths, capsys) == "True\n"
    assert sim.requests[-1].headers["X-API-Key"] == KEY


def test_a_server_requiring_a_client_certificate_refuses_a_client_without(pki, mtls_front):
    session = requests.Session()
    session.verify = str(pki.ca)
    client = SimStudioClient(base_url=mtls_front.base_url, session=session, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        client.get_workflow_status("echo")
    session.close()
    assert caught.value.status is None
    assert KEY not in str(caught.value)
    errors = mtls_front.wait_for_handshake_error()
    assert any("certificate" in text.lower() for text in errors), errors
