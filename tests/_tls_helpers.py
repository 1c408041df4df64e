"""Loopback TLS and proxy fixtures: a throwaway PKI made with the ``openssl`` command, a TLS
front that relays to a ``LocalSimServer``, and a CONNECT proxy that records every byte it sees.

Everything listens on 127.0.0.1 only and is closed (threads joined) by ``close()``.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

_CURVE = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
_LEAF = (
    "basicConstraints=critical,CA:FALSE\n"
    "subjectKeyIdentifier=hash\n"
    "authorityKeyIdentifier=keyid,issuer\n"
    "keyUsage=critical,digitalSignature\n"
)


@dataclass(frozen=True)
class Pki:
    """PEM files of a throwaway CA, a server certificate for 127.0.0.1 and a client one."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def openssl_missing_reason() -> Optional[str]:
    """Why certificates cannot be made here, or ``None`` when they can."""
    if shutil.which("openssl") is None:
        return "the openssl command line is not installed (needed to make test certificates)"
    return None


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def _leaf(directory: Path, name: str, serial: int, usage: str, san: str = "") -> None:
    (directory / f"{name}.ext").write_text(
        _LEAF + f"extendedKeyUsage={usage}\n" + (f"subjectAltName={san}\n" if san else "")
    )
    _openssl(
        "req", "-new", *_CURVE, "-keyout", f"{name}.key", "-out", f"{name}.csr",
        "-subj", f"/CN=simstudio test {name}", cwd=directory,
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-set_serial", str(serial), "-days", "2", "-sha256",
        "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=directory,
    )  # fmt: skip


def make_pki(directory: Path) -> Pki:
    """Create the CA, server and client certificates in ``directory`` (EC keys: fast)."""
    _openssl(
        "req", "-x509", "-new", *_CURVE, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-sha256", "-subj", "/CN=simstudio throwaway test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory,
    )  # fmt: skip
    _leaf(directory, "server", 2, "serverAuth", "IP:127.0.0.1,DNS:localhost")
    _leaf(directory, "client", 3, "clientAuth")
    return Pki(
        ca=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
        client_cert=directory / "client.pem",
        client_key=directory / "client.key",
    )


def _pump(source: socket.socket, target: socket.socket, record: Optional[bytearray]) -> None:
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if record is not None:
                record.extend(data)
            target.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Relay:
    """Accepts on 127.0.0.1 and hands each connection to ``handle`` in its own thread."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._threads: List[threading.Thread] = []
        self._sockets: List[socket.socket] = []
        self._lock = threading.Lock()
        self._closing = False
        self._start(self._accept_loop)

    def _start(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _keep(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            self._sockets.append(sock)
        return sock

    def _accept_loop(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            if self._closing:
                conn.close()
                return
            self._start(self.handle, self._keep(conn))

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Stop accepting, close every connection, join every thread."""
        # Closing a socket does not wake a thread blocked in accept() on every platform: a
        # last connection does.
        self._closing = True
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()
        for thread in threads:
            thread.join(5)


class TLSFront(_Relay):
    """HTTPS on 127.0.0.1 in front of a plain-HTTP server (e.g. a ``LocalSimServer``)."""

    def __init__(self, pki: Pki, upstream: Tuple[str, int], require_client_cert: bool = False):
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(str(pki.server_cert), str(pki.server_key))
        if require_client_cert:
            self._context.verify_mode = ssl.CERT_REQUIRED
            self._context.load_verify_locations(str(pki.ca))
        self._upstream = upstream
        self.handshake_errors: List[str] = []
        self._failed = threading.Condition()
        super().__init__()

    def wait_for_handshake_error(self, timeout: float = 5.0) -> List[str]:
        """The handshakes that failed so far, waiting (bounded) for a first one: the server
        side may note its failure only after the client has seen its own."""
        with self._failed:
            self._failed.wait_for(lambda: bool(self.handshake_errors), timeout)
            return list(self.handshake_errors)

    @property
    def base_url(self) -> str:
        """``https://127.0.0.1:<port>``."""
        return f"https://127.0.0.1:{self.port}"

    def handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            secure = self._keep(self._context.wrap_socket(conn, server_side=True))
        except (ssl.SSLError, OSError) as exc:
            conn.close()
            with self._failed:
                self.handshake_errors.append(str(exc))
                self._failed.notify_all()
            return
        secure.settimeout(None)
        upstream = self._keep(socket.create_connection(self._upstream))
        self._start(_pump, upstream, secure, None)
        _pump(secure, upstream, None)


class RecordingProxy(_Relay):
    """An HTTP proxy that only tunnels (``CONNECT``) and records every byte clients send it.

    Anything but ``CONNECT`` (a plain-http request sent through the proxy) is recorded and
    answered 502, so a test sees what would have crossed the proxy in clear.
    """

    def __init__(self) -> None:
        self.seen = bytearray()
        self.connects: List[str] = []
        super().__init__()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def handle(self, conn: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            data = conn.recv(65536)
            if not data:
                conn.close()
                return
            head += data
        self.seen.extend(head)
        method, target = head.split(b" ", 2)[:2]
        if method != b"CONNECT":
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        self.connects.append(target.decode("ascii"))
        host, _, port = target.decode("ascii").rpartition(":")
        upstream = self._keep(socket.create_connection((host, int(port))))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self._start(_pump, upstream, conn, None)
        _pump(conn, upstream, self.seen)
