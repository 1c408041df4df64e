"""The one owner of ``requests``: session, safe redirects, bounded reads, exception mapping."""

from __future__ import annotations

import logging
import os
import ssl
import threading
import time
from typing import (
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
)
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from ._bytestream import ByteStream, SocketKeepingAdapter
from ._errors import (
    APIConnectionError,
    InvalidResponseError,
    RedirectError,
    RequestTimeoutError,
    SimStudioError,
)
from ._logging import redact
from ._responses import Answer

__all__ = ["HTTPTransport", "map_exception"]

logger = logging.getLogger("simstudio")

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5
_POOL_SIZE = 32
MAX_SUCCESS_BYTES = 256 * 1024 * 1024
MAX_ERROR_BYTES = 1024 * 1024
_READ_CHUNK = 64 * 1024


def _origin(url: str) -> Tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


def _same_origin_or_upgrade(source: str, target: str) -> bool:
    """Whether ``target`` may receive the API key: the same origin, or the same host moved
    from http to https on default ports (an upgrade, never a downgrade)."""
    a, b = _origin(source), _origin(target)
    if a == b:
        return True
    return a[1] == b[1] and a[0] == "http" and b[0] == "https" and a[2] == 80 and b[2] == 443


def _cause_chain(exc: BaseException) -> Iterator[BaseException]:
    seen = 0
    current: Optional[BaseException] = exc
    while current is not None and seen < 10:
        yield current
        for arg in getattr(current, "args", ()):
            if isinstance(arg, BaseException):
                yield arg
                reason = getattr(arg, "reason", None)
                if isinstance(reason, BaseException):
                    yield reason
        current = current.__cause__ or current.__context__
        seen += 1


def _root_os_error(chain: List[BaseException]) -> Optional[OSError]:
    """The socket-level failure under the library wrappers (refused, reset, DNS, TLS)."""
    plain = [
        item
        for item in chain
        if isinstance(item, OSError)
        and not type(item).__module__.startswith(("requests", "urllib3"))
    ]
    return plain[-1] if plain else None


def _cause_text(root: Optional[OSError], fallback: str) -> str:
    if root is None:
        return fallback
    detail = getattr(root, "verify_message", None) or root.strerror or getattr(root, "reason", None)
    if not detail and root.errno:
        detail = os.strerror(root.errno)
    if not detail and root.args:
        detail = str(root.args[0])
    return str(detail or type(root).__name__).strip().rstrip(".").lower()


def _clean_cause(root: Optional[OSError]) -> Optional[OSError]:
    # A fresh copy: the original's context leads back to urllib3's connection object, whose
    # buffer holds the request headers, API key included.
    if root is None:
        return None
    cls = type(root) if type(root).__module__ == "builtins" else OSError
    return cls(root.errno, root.strerror) if root.errno is not None else cls(str(root))


def map_exception(
    exc: BaseException, what: str, timeout: Tuple[float, float], url: str = ""
) -> SimStudioError:
    """Turn any ``requests``/``urllib3``/socket failure into a :class:`SimStudioError` that
    names what was tried (the origin) and why.

    ``retryable`` is set only when the request provably never reached the server. The
    library exception itself is not chained (it holds the request headers); the socket-level
    error, copied clean, is the ``__cause__``, and its text is on ``cause``.
    """
    chain = list(_cause_chain(exc))
    root = _root_os_error(chain)
    origin = _origin_text(url) if url else "the server"
    error = _classify(exc, chain, what, timeout, origin, root)
    error.__cause__ = _clean_cause(root)
    return error


def _classify(
    exc: BaseException,
    chain: List[BaseException],
    what: str,
    timeout: Tuple[float, float],
    origin: str,
    root: Optional[OSError],
) -> SimStudioError:
    def failure(cls: Any, message: str, cause: str, **kwargs: Any) -> SimStudioError:
        text = _cause_text(root, cause)
        error: SimStudioError = cls(f"{what}: {message} ({text})", cause=text, url=origin, **kwargs)
        return error

    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return failure(
            RequestTimeoutError,
            f"could not connect to {origin} within {timeout[0]:g}s",
            "connect timeout",
            retryable=True,
        )
    if isinstance(exc, requests.exceptions.ReadTimeout) or any(
        isinstance(item, ReadTimeoutError) for item in chain
    ):
        return failure(
            RequestTimeoutError, f"no answer from {origin} within {timeout[1]:g}s", "read timeout"
        )
    if any(isinstance(item, NameResolutionError) for item in chain):
        return failure(
            APIConnectionError,
            f"could not resolve the host name of {origin}",
            "name resolution failed",
            retryable=True,
        )
    if any(isinstance(item, NewConnectionError) for item in chain):
        return failure(
            APIConnectionError,
            f"could not connect to {origin}",
            "connection failed",
            retryable=True,
        )
    if isinstance(exc, requests.exceptions.SSLError):
        if isinstance(root, ssl.SSLCertVerificationError):
            # Retrying cannot make a certificate trusted: a distinct code, not retried.
            error = failure(
                APIConnectionError,
                f"the certificate of {origin} is not trusted",
                "certificate verify failed",
                code="TLS_CERTIFICATE_ERROR",
            )
            error.message += (
                "; for a private CA set REQUESTS_CA_BUNDLE or pass a session with "
                "verify='/path/to/ca.pem'"
            )
            error.args = (error.message,)
            return error
        return failure(
            APIConnectionError,
            f"the TLS handshake with {origin} failed",
            "TLS error",
        )
    if isinstance(
        exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)
    ):
        return InvalidResponseError(f"{what}: the answer was cut off or corrupted in transit")
    if isinstance(exc, requests.exceptions.InvalidURL):
        return SimStudioError(f"{what}: the request URL is invalid", "INVALID_REQUEST")
    if any(isinstance(item, ProtocolError) for item in chain):
        # The request was (at least partly) sent: say so, it is why executes are not re-sent.
        cause = type(root).__name__ if root is not None else "EOF"
        return APIConnectionError(
            f"{what}: the connection to {origin} closed before an answer arrived ({cause}); "
            "the server may already have received the request",
            cause=cause,
            url=origin,
        )
    return failure(APIConnectionError, f"the connection to {origin} failed", type(exc).__name__)


class HTTPTransport:
    """Sends requests for one client over a shared, thread-safe ``requests.Session``.

    Redirects are followed by hand: same-origin ones keep method, body and key (a 301/302 on a
    POST is re-sent as the same POST, like ``curl --post301``); a 303 on a POST and any redirect
    to another origin raise :class:`RedirectError`, so the key never leaves the configured origin.
    """

    def __init__(self, session: Optional[requests.Session]) -> None:
        self._owns_session = session is None
        self._session = session if session is not None else self._new_session()
        self._pid = os.getpid()
        self._fork_lock = threading.Lock()

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        adapter = SocketKeepingAdapter(pool_connections=4, pool_maxsize=_POOL_SIZE)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    @property
    def session(self) -> requests.Session:
        """The session in use (after a fork, a fresh one)."""
        if os.getpid() != self._pid:
            self._after_fork()
        return self._session

    def _after_fork(self) -> None:
        # A forked child must never write to the parent's pooled sockets (gunicorn --preload).
        with self._fork_lock:
            if os.getpid() == self._pid:
                return
            if self._owns_session:
                self._session = self._new_session()
            else:
                for adapter in self._session.adapters.values():
                    if isinstance(adapter, HTTPAdapter):
                        adapter.poolmanager.clear()
            self._pid = os.getpid()

    def close(self) -> None:
        """Close the session if this transport created it (an injected one is left open)."""
        if self._owns_session:
            # urllib3 2.x's PoolManager.clear() only forgets its pools: their idle sockets stay
            # open while any response still references the pool. Close the pools themselves.
            for adapter in self._session.adapters.values():
                if isinstance(adapter, HTTPAdapter):
                    pools = adapter.poolmanager.pools
                    for key in list(pools.keys()):  # the container refuses plain iteration
                        pool = pools.get(key)
                        if pool is not None:
                            pool.close()
            self._session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        body: Optional[bytes],
        timeout: Tuple[float, float],
        what: str,
    ) -> requests.Response:
        """Send with safe redirect handling; the response body is not read yet."""
        session = self.session
        started = time.perf_counter()
        current = url
        for _hop in range(_MAX_REDIRECTS + 1):
            failure: Optional[SimStudioError] = None
            try:
                response = session.request(
                    method,
                    current,
                    data=body,
                    headers=headers,
                    timeout=timeout,
                    stream=True,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                failure = map_exception(exc, what, timeout, current)
            if failure is not None:
                # Raised outside the except block: no __context__ leads back to the request.
                raise failure
            if response.status_code not in _REDIRECT_STATUSES or "location" not in response.headers:
                if logger.isEnabledFor(logging.DEBUG):
                    logger.debug(
                        "%s %s -> %s in %.1f ms",
                        method,
                        redact(urlsplit(current).path, headers.get("X-API-Key", "")),
                        response.status_code,
                        (time.perf_counter() - started) * 1000.0,
                    )
                return response
            current = self._redirect_target(response, current, method, what)
        raise RedirectError(f"{what}: more than {_MAX_REDIRECTS} redirects")

    @staticmethod
    def _redirect_target(response: requests.Response, current: str, method: str, what: str) -> str:
        status = response.status_code
        target = urljoin(current, response.headers["location"])
        response.close()
        if not _same_origin_or_upgrade(current, target):
            raise RedirectError(
                f"{what}: the server redirected (HTTP {status}) to another origin "
                f"({_origin_text(target)}); not following with your API key. If the API moved, "
                "set base_url to the new address",
                status=status,
            )
        if status == 303 and method != "GET":
            raise RedirectError(
                f"{what}: HTTP 303 would turn this {method} into a GET without its body; "
                "not followed",
                status=status,
            )
        logger.debug("following HTTP %s redirect to %s", status, urlsplit(target).path)
        return target

    def read(self, response: requests.Response, what: str, timeout: Tuple[float, float]) -> Answer:
        """Read the whole body (bounded) and release the connection to the pool."""
        failed = response.status_code >= 400
        limit = MAX_ERROR_BYTES if failed else MAX_SUCCESS_BYTES
        chunks = []
        total = 0
        failure: Optional[SimStudioError] = None
        try:
            for chunk in response.iter_content(_READ_CHUNK):
                total += len(chunk)
                if total > limit:
                    if failed:
                        chunks.append(chunk[: max(0, limit - (total - len(chunk)))])
                        break
                    raise InvalidResponseError(
                        f"{what}: the answer is larger than {limit // (1024 * 1024)} MiB",
                        status=response.status_code,
                    )
                chunks.append(chunk)
        except requests.RequestException as exc:
            failure = map_exception(exc, what, timeout, response.url or "")
        finally:
            response.close()
        if failure is not None:
            raise failure
        content = b"".join(chunks)
        if failed:
            request = getattr(response, "request", None)
            return Answer(
                response.status_code,
                _redacted_headers(response.headers, request),
                _redact_key(content, request),
            )
        return Answer(response.status_code, response.headers, content)

    @staticmethod
    def open_body(
        response: requests.Response,
        *,
        what: str,
        timeout: Tuple[float, float],
        idle_timeout: Optional[float],
        deadline_at: Optional[float],
        deadline: Optional[float],
        clock: Callable[[], float],
    ) -> ByteStream:
        """The body of a streamed answer as a :class:`ByteStream`, each wait for bytes bounded
        by ``idle_timeout`` and the absolute ``deadline_at`` (on ``clock``; ``deadline`` is its
        length in seconds, for messages)."""
        return ByteStream(
            response,
            what=what,
            idle_timeout=idle_timeout,
            deadline_at=deadline_at,
            deadline=deadline,
            clock=clock,
            read_timeout=timeout[1],
        )


def _redact_key(content: bytes, request: Optional[requests.PreparedRequest]) -> bytes:
    """Blank our API key out of an error body: a proxy page that echoes the request headers
    must not carry it into exception messages, logs or error trackers."""
    key = request.headers.get("X-API-Key") if request is not None else None
    if isinstance(key, str) and key:
        return content.replace(key.encode("utf-8"), b"[redacted]")
    return content


def _redacted_headers(
    headers: Mapping[str, str], request: Optional[requests.PreparedRequest]
) -> Mapping[str, str]:
    """An error answer's headers with our API key blanked out of every value (they end up on
    the error, which error trackers record)."""
    key = request.headers.get("X-API-Key") if request is not None else None
    if not isinstance(key, str) or not key or not any(key in v for v in headers.values()):
        return headers
    return requests.structures.CaseInsensitiveDict(
        {name: value.replace(key, "[redacted]") for name, value in headers.items()}
    )


def _origin_text(url: str) -> str:
    scheme, host, port = _origin(url)
    default = 443 if scheme == "https" else 80
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if port == default else f"{scheme}://{host}:{port}"


def request_headers(
    api_key: str, user_agent: str, extra: Optional[Mapping[str, str]] = None
) -> Dict[str, str]:
    """The headers every call sends."""
    headers = {"X-API-Key": api_key, "User-Agent": user_agent, "Accept": "application/json"}
    if extra:
        headers.update(extra)
    return headers
