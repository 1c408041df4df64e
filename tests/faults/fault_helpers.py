"""Shared pieces of the fault suite: the secrets it guards, the leak audit, polling, fd counting.

Every test in ``tests/faults`` runs under the ``audit`` fixture (see ``conftest.py``): errors a
test expects are registered with ``Audit.expect``, and at teardown every registered error (str,
repr, formatted traceback, attributes, chained causes), every DEBUG log line of the
``simstudio`` and ``urllib3`` loggers and everything written to stdout/stderr is scanned for the
API keys below.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import traceback
import types
from typing import Any, Callable, Iterator, List, Tuple, Type, TypeVar

import pytest

from simstudio import SimStudioError

#: The API key of the main test server (distinctive, so a partial leak is findable too).
SECRET = "sk-sim-FAULTSUITE-6b1f0c7e9d2a4c5b8e3f1a0d9c8b7a6e"
#: The API key of a second server (cross-origin redirects).
SECRET_2 = "sk-sim-OTHERORIGIN-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c"
#: Fragments whose presence anywhere also counts as a leak (a truncated or split key).
SECRET_FRAGMENTS = (SECRET, SECRET_2, "6b1f0c7e9d2a4c5b8e3f", "0f9e8d7c6b5a4f3e2d1c", "FAULTSUITE")

E = TypeVar("E", bound=SimStudioError)


def render_error(error: BaseException) -> List[str]:
    """Every text a user, a logger or an error tracker could produce from an exception."""
    texts = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
        repr(vars(error)) if hasattr(error, "__dict__") else "",
    ]
    # Error trackers (Sentry, Rollbar) render chained exceptions even when suppressed, and
    # debuggers show their attributes: a requests exception's ``.request.headers`` carries
    # X-API-Key, and urllib3's connection buffers the header lines.
    texts.extend(reachable_texts(error))
    return texts


def reachable_texts(root: Any, depth: int = 6) -> List[str]:
    """``repr`` of everything reachable from an exception through ``__cause__``,
    ``__context__``, ``args`` and attributes (``__dict__``, slots, mappings, sequences),
    without descending into tracebacks and frames (locals are not an error's data)."""
    texts: List[str] = []
    seen = set()
    pending = [(root, 0)]
    while pending:
        value, level = pending.pop()
        if id(value) in seen or level > depth or isinstance(value, (type, types.ModuleType)):
            continue
        seen.add(id(value))
        if isinstance(value, (types.TracebackType, types.FrameType, types.FunctionType)):
            continue
        if isinstance(value, (str, bytes, bytearray)):
            texts.append(value.decode("latin-1") if not isinstance(value, str) else value)
            continue
        try:
            texts.append(repr(value))
        except Exception:
            continue
        children: List[Any] = []
        if isinstance(value, BaseException):
            children += [value.__cause__, value.__context__, *value.args]
        if isinstance(value, dict) or (hasattr(value, "items") and callable(value.items)):
            with contextlib.suppress(Exception):
                children += [item for pair in list(value.items()) for item in pair]
        elif isinstance(value, (list, tuple, set, frozenset)):
            children += list(value)
        children += list(getattr(value, "__dict__", {}).values())
        for slot in getattr(type(value), "__slots__", ()):
            children.append(getattr(value, slot, None))
        pending.extend((child, level + 1) for child in children if child is not None)
    return texts


class Audit:
    """Collects what the SDK showed during a test and finds API keys in it."""

    def __init__(self, fragments: Tuple[str, ...] = SECRET_FRAGMENTS) -> None:
        self.fragments = fragments
        self.errors: List[BaseException] = []
        self.texts: List[Tuple[str, str]] = []

    def expect(self, error_type: Type[E], call: Callable[..., Any], *args: Any, **kwargs: Any) -> E:
        """Run ``call``; it must raise exactly ``error_type``. The error is kept for the scan."""
        with pytest.raises(SimStudioError) as info:
            call(*args, **kwargs)
        error = info.value
        self.errors.append(error)
        assert type(error) is error_type, f"expected {error_type.__name__}, got {error!r}"
        assert isinstance(error, error_type)
        return error

    def add(self, label: str, value: Any) -> None:
        """Scan ``repr(value)`` and ``str(value)`` too (a client, a stream, a result...)."""
        self.texts.append((label, repr(value)))
        self.texts.append((label, str(value)))

    def add_error(self, error: BaseException) -> None:
        """Scan an error caught some other way (threads, batches)."""
        self.errors.append(error)

    def leaks(self) -> List[str]:
        """Labels of every scanned text containing a key or a key fragment."""
        found = []
        for error in self.errors:
            for text in render_error(error):
                if any(fragment in text for fragment in self.fragments):
                    found.append(f"error {type(error).__name__}: {text[:200]!r}")
        for label, text in self.texts:
            if any(fragment in text for fragment in self.fragments):
                found.append(f"{label}: {text[:200]!r}")
        return found


class RecordingSleep:
    """A ``sleep`` for the client that records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: List[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.waits.append(seconds)


def assert_readable(error: SimStudioError, *fragments: str) -> None:
    """The message is one short line, names the call, and shows no object reprs or key."""
    text = str(error)
    assert 0 < len(text) <= 1000, text
    assert "\n" not in text, text
    assert "object at 0x" not in text, text
    assert "Traceback" not in text, text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in {text!r}"


def wait_until(predicate: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Poll the server's observations (they are written by its threads) until true."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def socket_fds() -> int:
    """Open socket file descriptors of this process (Linux ``/proc``; no psutil)."""
    count = 0
    for name in _fd_names():
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                count += 1
        except OSError:  # closed between listdir and readlink (the listdir fd itself)
            pass
    return count


def _fd_names() -> Iterator[str]:
    try:
        return iter(os.listdir("/proc/self/fd"))
    except OSError:
        pytest.skip("/proc/self/fd is not available: cannot count open sockets")
