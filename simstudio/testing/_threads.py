"""A named group of daemon worker threads that can be joined with one deadline."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Callable, List, Set


class ThreadGroup:
    """Starts tracked threads named ``<prefix>-<kind>-<n>`` and joins them on shutdown.

    The threads are daemon threads so that a server nobody stopped cannot keep the interpreter
    alive; whoever owns the group joins it explicitly (``LocalSimServer.stop()``, also run at
    exit for servers still running).

    Attributes:
        prefix: The thread-name prefix (may be changed before threads are started).
    """

    def __init__(self, prefix: str) -> None:
        """Create an empty group whose thread names start with ``prefix``."""
        self.prefix = prefix
        self._lock = threading.Lock()
        self._threads: Set[threading.Thread] = set()
        self._counter = itertools.count(1)

    def start(self, kind: str, target: Callable[[], None]) -> threading.Thread:
        """Start ``target`` in a new tracked thread named ``<prefix>-<kind>-<n>``."""

        def run() -> None:
            try:
                target()
            finally:
                with self._lock:
                    self._threads.discard(thread)

        name = f"{self.prefix}-{kind}-{next(self._counter)}"
        thread = threading.Thread(target=run, name=name, daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()
        return thread

    def alive(self) -> List[threading.Thread]:
        """The threads still running."""
        with self._lock:
            return [thread for thread in self._threads if thread.is_alive()]

    def join(self, timeout: float) -> List[threading.Thread]:
        """Join every thread within ``timeout`` seconds in total; return the stragglers."""
        deadline = time.monotonic() + timeout
        me = threading.current_thread()
        while True:
            # Threads may start others while we wait (a connection queuing a job): repeat.
            pending = [t for t in self.alive() if t is not me]
            if not pending or time.monotonic() >= deadline:
                return pending
            for thread in pending:
                thread.join(max(0.0, deadline - time.monotonic()))
