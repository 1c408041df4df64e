"""ByteStream: a streamed HTTP body read as it arrives, every wait bounded (used by _transport)."""

from __future__ import annotations

import contextlib
import socket
import time
import zlib
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from requests.adapters import HTTPAdapter
from urllib3 import PoolManager, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ReadTimeoutError
from urllib3.response import HTTPResponse

from ._errors import APIConnectionError, InvalidResponseError, RequestTimeoutError, SimStudioError

if TYPE_CHECKING:
    import requests

__all__ = ["ByteStream", "SocketKeepingAdapter"]

READ_SIZE = 64 * 1024
# The most one step of decompression may produce: a small gzip bomb yields its output in
# pieces of this size, one at a time, instead of all at once.
MAX_INFLATED_PIECE = 64 * 1024
_GZIP = frozenset({"gzip", "x-gzip"})
_IDENTITY = frozenset({"", "identity"})


class SocketKeepingHTTPConnection(HTTPConnection):
    """Remembers its socket for the response: for a close-delimited body ``http.client`` drops
    the connection's reference before the response is returned, and the stream needs it to
    bound its waits."""

    response_socket: Any = None

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        self.response_socket = self.sock
        return super().getresponse()


class SocketKeepingHTTPSConnection(HTTPSConnection):
    """:class:`SocketKeepingHTTPConnection` over TLS."""

    response_socket: Any = None

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        self.response_socket = self.sock
        return super().getresponse()


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = SocketKeepingHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = SocketKeepingHTTPSConnection


_POOL_CLASSES = {"http": _HTTPPool, "https": _HTTPSPool}


class SocketKeepingAdapter(HTTPAdapter):
    """The adapter of the SDK's own session: its connections keep their socket for the
    response, directly and through HTTP proxies (SOCKS proxies bring their own connections)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Create the pool manager, with the socket-keeping connection pools."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOL_CLASSES

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        """The manager for ``proxy``, with the socket-keeping connection pools."""
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):
            manager.pool_classes_by_scheme = _POOL_CLASSES
        return manager


class ByteStream:
    """The body of a streamed answer, read as it arrives: each read returns what the socket has
    (no waiting for a buffer to fill), decoded from ``Content-Encoding`` gzip or deflate.

    Every wait for bytes is bounded by ``idle_timeout`` (the longest silence) and by the absolute
    ``deadline_at`` on ``clock``. Failures are :class:`SimStudioError`: ``RequestTimeoutError``
    (which limit fired is in the message), ``APIConnectionError`` for a broken connection,
    ``InvalidResponseError`` for an undecodable encoding.

    Args:
        response: The streamed ``requests`` response (its body not read yet).
        what: The call, for messages.
        idle_timeout: Longest wait for the next bytes; ``None`` waits forever.
        deadline_at: When the whole body must have arrived, on ``clock``; ``None`` for never.
        deadline: The deadline's length in seconds, for messages.
        clock: Monotonic clock of ``deadline_at``.
        read_timeout: The request's read timeout, which bounds waits when the socket cannot be
            reached (a close-delimited body on a session the SDK did not create).

    Raises:
        InvalidResponseError: The body has a ``Content-Encoding`` other than gzip or deflate.
    """

    def __init__(
        self,
        response: requests.Response,
        *,
        what: str,
        idle_timeout: Optional[float],
        deadline_at: Optional[float] = None,
        deadline: Optional[float] = None,
        clock: Callable[[], float],
        read_timeout: Optional[float] = None,
    ) -> None:
        self._response = response
        self._raw: HTTPResponse = response.raw
        self._what = what
        self._idle = idle_timeout
        self._deadline_at = deadline_at
        self._deadline = deadline
        self._clock = clock
        self._read_timeout = read_timeout
        self._inflater = _inflater(response.headers.get("Content-Encoding", ""), what)
        connection = getattr(self._raw, "connection", None)
        pooled = getattr(connection, "sock", None)
        # Only a connection that still has its socket can go back to the pool after the body.
        self._reusable = pooled is not None
        self._socket = getattr(connection, "response_socket", None) or pooled
        self._restore = self._socket.gettimeout() if self._socket is not None else None
        self._wait: Optional[float] = -1.0  # the socket timeout set last (-1: none yet)
        self._by_deadline = False
        self.finished = False
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        """Yield the (decoded) body's bytes as they arrive, until its end."""
        for data in self._chunks():
            if self._inflater is None:
                yield data
            else:
                yield from self._inflater.pieces(data)
        if self._inflater is not None:
            tail = self._inflater.flush()
            if tail:
                yield tail

    def drain(self, max_bytes: int, max_seconds: float) -> bool:
        """Read and discard the rest of the body for at most ``max_seconds`` and ``max_bytes``,
        so the connection can go back to the pool.

        The seconds are real ones (``time.monotonic``), whatever ``clock`` is: they bound time
        spent waiting on the socket, not a deadline of the caller's.

        Returns:
            Whether the body ended (the connection is reusable); ``False`` leaves it to
            :meth:`close`.
        """
        if self.finished or self.closed or not self._reusable:
            return self.finished
        stop_at = time.monotonic() + max_seconds
        drained = 0
        try:
            while drained <= max_bytes:
                remaining = stop_at - time.monotonic()
                if remaining <= 0:
                    return False
                self._set_wait(remaining)
                data = self._raw.read1(READ_SIZE, decode_content=False)
                if not data:
                    self._at_end()
                    return True
                drained += len(data)
        except Exception:  # a failed drain only means the connection is not reused
            return False
        return False

    def close(self) -> None:
        """Release the connection: to the pool when the body was read to its end, otherwise
        closed (the server sees the disconnect at once). Idempotent."""
        if self.closed:
            return
        self.closed = True
        self._response.close()

    # ------------------------------------------------------------------ reading

    def _chunks(self) -> Iterator[bytes]:
        read1 = self._raw.read1
        while True:
            self._before_read()
            try:
                data = read1(READ_SIZE, decode_content=False)
            except Exception as exc:  # urllib3, http.client and socket failures alike
                raise self._failure(exc) from None
            if not data:
                self._at_end()
                return
            yield data

    def _before_read(self) -> None:
        if self._deadline_at is None:
            if self._wait != self._idle:
                self._set_wait(self._idle)
            return
        remaining = self._deadline_at - self._clock()
        if remaining <= 0:
            raise self._timeout(by_deadline=True)
        self._by_deadline = self._idle is None or remaining < self._idle
        self._set_wait(remaining if self._by_deadline else self._idle)

    def _set_wait(self, seconds: Optional[float]) -> None:
        if seconds == self._wait:
            return
        self._wait = seconds
        if self._socket is not None:
            with contextlib.suppress(OSError):  # closed meanwhile: the next read says so
                self._socket.settimeout(seconds)

    def _at_end(self) -> None:
        self.finished = True
        if self._reusable:
            self._set_wait(self._restore)  # back in the pool: leave the socket as we found it

    def _failure(self, exc: BaseException) -> SimStudioError:
        if isinstance(exc, (ReadTimeoutError, socket.timeout, TimeoutError)):
            return self._timeout(by_deadline=self._by_deadline)
        return APIConnectionError(
            f"{self._what}: the connection broke mid-stream ({_cause_name(exc)})",
            cause=_cause_name(exc),
        )

    def _timeout(self, by_deadline: bool) -> RequestTimeoutError:
        if by_deadline:
            reason = f"the stream did not finish within its {self._deadline or 0:g}s deadline"
        elif self._socket is None and self._read_timeout is not None:
            reason = f"no data for {self._read_timeout:g}s (read timeout)"
        else:
            reason = f"no data for {self._idle or 0:g}s (idle timeout)"
        return RequestTimeoutError(f"{self._what}: {reason}")


def _cause_name(exc: BaseException) -> str:
    """The name of the failure underneath urllib3's wrapper (``ConnectionResetError``...)."""
    for arg in exc.args:
        if isinstance(arg, BaseException):
            return type(arg).__name__
    return type(exc).__name__


class _Inflater:
    """Incremental gzip/deflate decoding whose output per step is capped."""

    def __init__(self, gzip: bool, what: str) -> None:
        self._gzip = gzip
        self._what = what
        self._started = False
        self._z = self._new(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)

    @staticmethod
    def _new(wbits: int) -> Any:
        return zlib.decompressobj(wbits)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """Decode ``data``, yielding at most ``MAX_INFLATED_PIECE`` bytes at a time."""
        while data:
            try:
                out = self._z.decompress(data, MAX_INFLATED_PIECE)
            except zlib.error as exc:
                if self._gzip or self._started:
                    raise self._corrupt(exc) from None
                # "deflate" is meant to be zlib-wrapped, but some servers send it raw.
                self._z = self._new(-zlib.MAX_WBITS)
                self._started = True
                continue
            self._started = True
            if out:
                yield out
            data = self._z.unconsumed_tail
            if not data and self._z.eof and self._z.unused_data:
                data = self._z.unused_data  # a second gzip member follows
                self._z = self._new(zlib.MAX_WBITS | 16)

    def flush(self) -> bytes:
        """What the decoder still holds at the end of the body."""
        try:
            flushed: bytes = self._z.flush()
        except zlib.error as exc:
            raise self._corrupt(exc) from None
        return flushed

    def _corrupt(self, exc: zlib.error) -> InvalidResponseError:
        kind = "gzip" if self._gzip else "deflate"
        return InvalidResponseError(f"{self._what}: the {kind}-encoded body is corrupt ({exc})")


def _inflater(content_encoding: str, what: str) -> Optional[_Inflater]:
    encoding = content_encoding.strip().lower()
    if encoding in _IDENTITY:
        return None
    if encoding in _GZIP or encoding == "deflate":
        return _Inflater(encoding in _GZIP, what)
    raise InvalidResponseError(
        f"{what}: the stream is sent with Content-Encoding {encoding[:40]!r}; only gzip and "
        "deflate are supported"
    )
