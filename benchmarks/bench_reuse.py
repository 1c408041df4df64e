"""Connection reuse: sequential calls, and calls each preceded by a full stream, on ONE socket.

Counted by the server (``LocalSimServer.connections_opened``, read from the server process
over its control pipe) after a ``reset()``; each scenario uses a fresh client, so its pool
starts empty and one connection is the ideal.
"""

from __future__ import annotations

from typing import Any, Dict, List

from simstudio import SimStudioClient

from ._serverproc import ServerProcess


def _calls(client: SimStudioClient, count: int) -> None:
    for number in range(count):
        client.execute_workflow("echo", {"n": number})


def _streams_then_calls(client: SimStudioClient, count: int) -> None:
    for number in range(count):
        with client.stream_workflow(
            "agent", {"message": "one two three four"}, selected_outputs=["agent1.content"]
        ) as stream:
            for _event in stream:
                pass
            if stream.result is None or stream.text != "one two three four":
                raise AssertionError("the stream did not complete")
        client.execute_workflow("echo", {"n": number})


def run(quick: bool = False) -> Dict[str, Any]:
    """Count TCP connections per scenario.

    Args:
        quick: 20 instead of 100 iterations per scenario.

    Returns:
        ``{"rows": [{"scenario", "requests", "connections"}]}``; the target is 1 per row.
    """
    count = 20 if quick else 100
    rows: List[Dict[str, Any]] = []
    with ServerProcess() as server:
        scenarios = [
            (f"{count} x execute_workflow", _calls, count),
            (f"{count} x (stream read to end + execute_workflow)", _streams_then_calls, count * 2),
        ]
        for name, func, requests_sent in scenarios:
            server.reset()
            with SimStudioClient(server.api_key, server.base_url) as client:
                func(client, count)
                opened = server.connections_opened
            rows.append({"scenario": name, "requests": requests_sent, "connections": opened})
    return {"rows": rows}
