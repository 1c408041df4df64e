"""Screenshots of the streaming demo, mid-stream and done, taken by headless Chromium.

Run from the repository root (writes ``docs/img/webapp-streaming.png`` and
``docs/img/webapp-done.png``)::

    python examples/webapp/screenshots.py [OUTPUT_DIR]

Everything is local: an embedded ``LocalSimServer`` (slowed down so the stream is visible), the
demo app on an ephemeral port, and Chromium driven over its DevTools pipe (``cdp.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, Optional

from app import BackgroundServer, create_app
from cdp import Chromium

from simstudio import SimStudioClient
from simstudio.testing import LocalSimServer

MESSAGE = (
    "Server-Sent Events let a browser watch a Sim workflow answer as it is written, one chunk "
    "at a time. The page closes its EventSource on the final event, and the server answers a "
    "second request for the same run with 204, so every submission runs the workflow once."
)
STREAMING_AFTER_CHUNKS = 16
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "docs" / "img"


def take_screenshots(
    out_dir: Path, browser: Optional[Chromium] = None, chunk_delay: float = 0.06
) -> Dict[str, Path]:
    """Run the demo once and save ``webapp-streaming.png`` and ``webapp-done.png``.

    Args:
        out_dir: Where the PNGs go (created if needed).
        browser: A started browser to use (default: start one for the duration).
        chunk_delay: Seconds between chunks of the embedded server.

    Returns:
        ``{"streaming": path, "done": path}``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"streaming": out_dir / "webapp-streaming.png", "done": out_dir / "webapp-done.png"}
    own_browser = browser is None
    if browser is None:
        browser = Chromium().start()
    try:
        with LocalSimServer(stream_chunk_delay=chunk_delay) as sim:
            client = SimStudioClient(api_key=sim.api_key, base_url=sim.base_url)
            app = create_app(client, backend="the embedded local Sim server")
            with client, BackgroundServer(app) as web:
                page = browser.new_page(width=900, height=640)
                try:
                    page.goto(web.url + "/")
                    page.wait_for("document.getElementById('workflow').textContent === 'agent'")
                    page.type_text("#message", MESSAGE)
                    page.click("#run")
                    page.wait_for(
                        "document.getElementById('answer').textContent.split(' ').length >= "
                        f"{STREAMING_AFTER_CHUNKS}"
                    )
                    page.screenshot(paths["streaming"])
                    if page.evaluate("document.body.dataset.state") != "running":
                        raise RuntimeError("the stream ended before the mid-stream screenshot")
                    page.wait_for("document.body.dataset.state === 'done'", timeout=30.0)
                    page.screenshot(paths["done"])
                finally:
                    page.close()
    finally:
        if own_browser:
            browser.close()
    return paths


def main() -> None:
    """Write the screenshots to ``sys.argv[1]`` (default ``docs/img``)."""
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    for name, path in take_screenshots(out_dir).items():
        print(f"{name}: {path}")


if __name__ == "__main__":
    main()
