"""Execution logs: what ran, when, how it ended and what it cost; then the failures of the last
hour, one failed run's trace, and its execution snapshot.

``client.logs.list()`` pages lazily (``limit`` is the page size); time filters take aware
datetimes. The workspace is the client's (``SIM_WORKSPACE_ID``) or, with a workspace key on a
v2 server, the key's own.

Run: python examples/logs.py  (on the embedded server it first runs two workflows and adds
250 synthetic log entries, one in ten failed).
"""

import itertools
from datetime import datetime, timedelta, timezone

import _local

from simstudio import SimStudioClient

server = _local.use_local_server_unless_configured()

with SimStudioClient() as client:
    if server is not None:
        # Something to look at (a deployment has its own runs).
        server.add_logs(250, status=["completed"] * 9 + ["failed"], duration_ms=1200)
        client.execute_workflow("echo", {"message": "hello"})
        client.execute_workflow("failing", {"message": "boom"})

    print("Newest runs:")
    for entry in itertools.islice(client.logs.list(limit=5), 5):
        status = entry.status or entry.level  # v1-only servers say the level
        print(f"  {entry.started_at}  {status:<9}  {entry.workflow_id:<8}  "
              f"{entry.total_duration_ms or 0:>6.0f} ms  ${entry.cost or 0:.3f}")  # fmt: skip

    pages = list(client.logs.list(limit=100).pages())
    total = sum(len(page.items) for page in pages)
    print(f"{total} entries in {len(pages)} pages")

    hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    failures = list(client.logs.list(level="error", since=hour_ago, limit=100))
    print(f"{len(failures)} failed runs in the last hour")

    if failures:
        failed = client.logs.get(failures[0].id)  # with its final output and trace
        print(f"latest failure: {failed.final_output}")
        for span in failed.trace_spans or []:
            for block in span.children:
                print(f"  block {block.name!r}: {block.status} after {block.duration_ms:.0f} ms")
        snapshot = client.logs.execution(failed.execution_id)
        names = sorted(block.get("name", "?") for block in snapshot.blocks.values())
        print(f"its workflow had {len(names)} blocks: {', '.join(names)}")
