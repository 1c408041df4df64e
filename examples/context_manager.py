"""Context Manager Usage (docs): the client closes its connections when the block ends.

Run: python examples/context_manager.py  (SIM_WORKFLOW_ID picks the workflow; default "echo").
"""

import os

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")

# Using context manager to automatically close the session
with SimStudioClient(api_key=os.getenv("SIM_API_KEY")) as client:
    result = client.execute_workflow(WORKFLOW_ID, {"message": "Hello from a with block"})
    print("Result:", result)
# Session is automatically closed here
print("Client closed:", client)
