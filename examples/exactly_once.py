"""Exactly-once execution: ``execute_with_retry(exactly_once=True)`` with an execution id.

A timeout or a dropped connection after the request was sent leaves you not knowing whether
the workflow ran. With ``exactly_once=True`` the SDK re-sends the *same* execution id; a
server since 2026 refuses to start that id twice (409 ``EXECUTION_ID_CONFLICT``) and the SDK
follows the existing run instead. Use a business key (an order id) as the execution id and
even a second call, from another process, cannot run the workflow again.

Locally, the first answer is dropped on purpose (``Fault(drop="after_run")``).

Run: python examples/exactly_once.py  (SIM_WORKFLOW_ID; default "echo").
"""

import os
import uuid

import _local

from simstudio import ConflictError, SimStudioClient
from simstudio.testing import Fault

server = _local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")

if server is not None:
    # The workflow runs, then the connection closes without an answer: a lost response.
    server.inject(Fault(drop="after_run"), workflow_id=WORKFLOW_ID, times=1)

order_id = f"order-{uuid.uuid4().hex[:12]}"  # your business key: 1-128 of A-Z a-z 0-9 . _ : -

with SimStudioClient(api_key=os.getenv("SIM_API_KEY")) as client:
    result = client.execute_with_retry(
        WORKFLOW_ID,
        {"order": order_id, "action": "charge"},
        exactly_once=True,
        execution_id=order_id,
        initial_delay=0.2,
        timeout=30,
    )
    print(f"execute_with_retry -> success={result.success} execution_id={result.execution_id}")
    if server is not None:
        print(f"runs on the server for {order_id}: {server.executions(WORKFLOW_ID)}")

    # Another attempt with the same key (a second worker, a re-delivered message...)
    try:
        client.execute_workflow(WORKFLOW_ID, {"order": order_id}, execution_id=order_id)
        print("the server ran it again (servers before 2026 ignore X-Execution-Id)")
    except ConflictError as error:
        print(f"second attempt refused: {error.code}: the order was not charged twice")
