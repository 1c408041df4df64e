"""Shared by the examples: use an embedded local Sim server unless SIM_BASE_URL is set.

With ``SIM_BASE_URL`` (and ``SIM_API_KEY``) set, the examples talk to that deployment and
leave the environment alone. Without it, this starts ``simstudio.testing.LocalSimServer`` on
a free port and points ``SIM_BASE_URL``/``SIM_API_KEY`` at it, so every example runs offline.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Optional

from simstudio.testing import LocalSimServer


def use_local_server_unless_configured(**server_options: Any) -> Optional[LocalSimServer]:
    """Start a LocalSimServer and export its URL and key, unless SIM_BASE_URL is set.

    Args:
        **server_options: Passed to ``LocalSimServer`` (e.g. ``stream_chunk_delay=0.05``).

    Returns:
        The started server (stopped at exit), or ``None`` when SIM_BASE_URL is set.
    """
    if os.environ.get("SIM_BASE_URL"):
        return None
    server = LocalSimServer(**server_options).start()
    # Stop it when the script ends. A daemon thread waiting for the main thread does this on
    # every Python version (on 3.8, atexit would run only after the server's threads ended).
    threading.Thread(target=_stop_after_main_thread, args=(server,), daemon=True).start()
    os.environ["SIM_BASE_URL"] = server.base_url
    os.environ["SIM_API_KEY"] = server.api_key
    print(
        f"[using an embedded local Sim server at {server.base_url}; "
        "set SIM_BASE_URL and SIM_API_KEY to run against your deployment]",
        file=sys.stderr,
    )
    return server


def _stop_after_main_thread(server: LocalSimServer) -> None:
    threading.main_thread().join()
    server.stop()
