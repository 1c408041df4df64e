"""Headless Chromium driven over the DevTools protocol on a pipe (standard library only).

Used by ``screenshots.py`` and ``tests/test_webapp_browser.py``. Chromium is started with
``--remote-debugging-pipe``: it reads NUL-terminated JSON commands on file descriptor 3 and
writes answers and events on descriptor 4, so no WebSocket client, driver binary or open port
is needed. Only what the demo needs is here: pages, navigation, script evaluation, screenshots.

Example::

    with Chromium() as browser:
        page = browser.new_page()
        page.goto("http://127.0.0.1:5000/")
        page.screenshot("page.png")
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

#: As root, in a container, offline: no sandbox, no GPU, and nothing that calls home.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

# Put the pipe ends on descriptors 3 and 4 of the child, then become Chromium. (Debian's
# /usr/bin/chromium is a shell script, and sh cannot redirect descriptors above 9.)
_TRAMPOLINE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


class BrowserError(RuntimeError):
    """A DevTools command failed, timed out, or the browser went away."""


class BrowserUnavailableError(BrowserError):
    """No Chromium could be found or started."""


def find_chromium() -> Optional[str]:
    """The Chromium executable: ``$CHROMIUM_PATH``, else the first known name on ``PATH``."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _high_fd(fd: int) -> int:
    """Move a descriptor to 10 or above so it cannot collide with the child's 3 and 4."""
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.set_inheritable(moved, False)
    os.close(fd)
    return moved


class Chromium:
    """A headless Chromium process and its DevTools pipe.

    Args:
        executable: The browser to run (default: :func:`find_chromium`).
        timeout: Default seconds to wait for any command's answer.
        extra_flags: More command-line flags.
    """

    def __init__(
        self,
        executable: Optional[str] = None,
        *,
        timeout: float = 15.0,
        extra_flags: Optional[List[str]] = None,
    ) -> None:
        """Configure; :meth:`start` (or ``with``) launches the browser."""
        self.executable = executable or find_chromium()
        self.timeout = timeout
        self._extra_flags = list(extra_flags or [])
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._profile: Optional[str] = None
        self._log: Optional[Any] = None
        self._writer: Optional[Any] = None
        self._reader: Optional[Any] = None
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._next_id = 0
        self._answers: Dict[int, Dict[str, Any]] = {}
        self._events: List[Tuple[str, Optional[str], Dict[str, Any]]] = []
        self._gone = False
        self.version = ""

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> Chromium:
        """Launch the browser and check that it answers.

        Raises:
            BrowserUnavailableError: If there is no browser or it does not start.
        """
        if self.executable is None:
            explicit = os.environ.get("CHROMIUM_PATH")
            raise BrowserUnavailableError(
                f"CHROMIUM_PATH={explicit!r} is not an executable"
                if explicit
                else "no Chromium on PATH (install Debian's `chromium`, or set CHROMIUM_PATH)"
            )
        self._profile = tempfile.mkdtemp(prefix="simstudio-chromium-")
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open for the browser's lifetime
        to_browser_r, to_browser_w = map(_high_fd, os.pipe())
        from_browser_r, from_browser_w = map(_high_fd, os.pipe())
        argv = [self.executable, *FLAGS, *self._extra_flags]
        argv += [f"--user-data-dir={self._profile}", "about:blank"]
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _TRAMPOLINE, str(to_browser_r), str(from_browser_w), *argv],
                pass_fds=(to_browser_r, from_browser_w),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
            )
        except OSError as error:
            for fd in (to_browser_r, to_browser_w, from_browser_r, from_browser_w):
                os.close(fd)
            self.close()
            raise BrowserUnavailableError(f"cannot run {self.executable}: {error}") from None
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._writer = os.fdopen(to_browser_w, "wb", buffering=0)
        self._reader = os.fdopen(from_browser_r, "rb", buffering=0)
        self._thread = threading.Thread(target=self._read_loop, name="chromium-cdp", daemon=True)
        self._thread.start()
        try:
            self.version = self.call("Browser.getVersion", timeout=20.0)["product"]
        except BrowserError as error:
            log = self.log_tail()
            self.close()
            raise BrowserUnavailableError(
                f"{self.executable} did not start: {error}\n{log}"
            ) from None
        return self

    def close(self) -> None:
        """Close the browser (politely, then by force) and remove its profile."""
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None and not self._gone:
                with contextlib.suppress(BrowserError):
                    self.call("Browser.close", timeout=3.0)
            try:
                process.wait(timeout=5.0)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5.0)
        for stream in (self._writer, self._reader):
            if stream is not None:
                stream.close()
        self._writer = self._reader = None
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def __enter__(self) -> Chromium:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def log_tail(self, size: int = 2000) -> str:
        """The end of the browser's own output (for error messages)."""
        if self._log is None:
            return ""
        self._log.seek(0, os.SEEK_END)
        end = self._log.tell()
        self._log.seek(max(0, end - size))
        return self._log.read().decode("utf-8", "replace")

    # ------------------------------------------------------------------ protocol

    def call(
        self,
        method: str,
        params: Optional[Dict[str, Any]] = None,
        session_id: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Send one DevTools command and wait for its result.

        Raises:
            BrowserError: On a protocol error, a timeout, or a browser that went away.
        """
        with self._lock:
            if self._gone or self._writer is None:
                raise BrowserError(f"{method}: the browser is not running")
            self._next_id += 1
            number = self._next_id
            message: Dict[str, Any] = {"id": number, "method": method, "params": params or {}}
            if session_id is not None:
                message["sessionId"] = session_id
            try:
                self._writer.write(json.dumps(message).encode("utf-8") + b"\0")
            except OSError as error:
                raise BrowserError(f"{method}: {error}") from None
            deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
            while number not in self._answers:
                left = deadline - time.monotonic()
                if self._gone:
                    raise BrowserError(f"{method}: the browser went away")
                if left <= 0:
                    raise BrowserError(f"{method}: no answer within the timeout")
                self._changed.wait(left)
            answer = self._answers.pop(number)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error'].get('message', answer['error'])}")
        result: Dict[str, Any] = answer.get("result", {})
        return result

    def wait_event(
        self, method: str, session_id: Optional[str], timeout: Optional[float] = None
    ) -> Dict[str, Any]:
        """Wait for (and consume) the first recorded event ``method`` of a session."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._lock:
            while True:
                for index, (name, session, params) in enumerate(self._events):
                    if name == method and session == session_id:
                        del self._events[index]
                        return params
                left = deadline - time.monotonic()
                if self._gone or left <= 0:
                    raise BrowserError(f"no {method} event")
                self._changed.wait(left)

    def forget_events(self, session_id: Optional[str]) -> None:
        """Drop the recorded events of a session."""
        with self._lock:
            self._events = [event for event in self._events if event[1] != session_id]

    def _read_loop(self) -> None:
        buffer = b""
        reader = self._reader
        try:
            while reader is not None:
                data = reader.read(65536)
                if not data:
                    break
                buffer += data
                *messages, buffer = buffer.split(b"\0")
                with self._lock:
                    for raw in messages:
                        message = json.loads(raw)
                        if "id" in message:
                            self._answers[message["id"]] = message
                        elif len(self._events) < 10000:
                            self._events.append(
                                (
                                    message.get("method", ""),
                                    message.get("sessionId"),
                                    message.get("params", {}),
                                )
                            )
                    self._changed.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._gone = True
                self._changed.notify_all()

    # ------------------------------------------------------------------ pages

    def new_page(self, width: int = 960, height: int = 720) -> Page:
        """Open a new tab with a ``width`` x ``height`` viewport."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, target, session["sessionId"])
        page.call("Page.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return page


class Page:
    """One tab, attached through a flat DevTools session."""

    def __init__(self, browser: Chromium, target_id: str, session_id: str) -> None:
        """Wrap an attached target (use :meth:`Chromium.new_page`)."""
        self.browser = browser
        self.target_id = target_id
        self.session_id = session_id

    def call(
        self, method: str, params: Optional[Dict[str, Any]] = None, timeout: Optional[float] = None
    ) -> Dict[str, Any]:
        """Send a command to this tab."""
        return self.browser.call(method, params, self.session_id, timeout)

    def add_init_script(self, source: str) -> None:
        """Run ``source`` in every document this tab loads, before the page's own scripts."""
        self.call("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    def goto(self, url: str, timeout: Optional[float] = None) -> None:
        """Navigate and wait for the load event.

        Raises:
            BrowserError: If the navigation fails or does not load in time.
        """
        self.browser.forget_events(self.session_id)
        answer = self.call("Page.navigate", {"url": url}, timeout)
        if answer.get("errorText"):
            raise BrowserError(f"navigating to {url}: {answer['errorText']}")
        self.browser.wait_event("Page.loadEventFired", self.session_id, timeout)

    def evaluate(self, expression: str, timeout: Optional[float] = None) -> Any:
        """Evaluate a JavaScript expression (promises awaited) and return its JSON value.

        Raises:
            BrowserError: If the script throws.
        """
        answer = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            timeout,
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"script failed: {text}")
        return answer.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 10.0, interval: float = 0.03) -> Any:
        """Poll ``expression`` until it is truthy; return that value.

        Raises:
            BrowserError: If it stays falsy for ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out after {timeout} s waiting for: {expression}")
            time.sleep(interval)

    def type_text(self, selector: str, text: str) -> None:
        """Replace the text of the input matching ``selector`` as if typed."""
        element = f"document.querySelector({json.dumps(selector)})"
        self.evaluate(f"(e => {{ e.focus(); e.select(); }})({element})")
        self.call("Input.insertText", {"text": text})

    def click(self, selector: str) -> None:
        """Click the element matching ``selector``."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def screenshot(self, path: Union[str, Path]) -> bytes:
        """Save a PNG of the viewport to ``path`` and return its bytes."""
        data = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        Path(path).write_bytes(data)
        return data

    def close(self) -> None:
        """Close the tab (its connections are dropped at once)."""
        self.browser.call("Target.closeTarget", {"targetId": self.target_id})
