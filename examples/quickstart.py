"""Quick Start (docs): create a client and execute a workflow.

Run: python examples/quickstart.py  (SIM_WORKFLOW_ID picks the workflow; default "echo").
"""

import os
import sys

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")

# Initialize the client
client = SimStudioClient(
    api_key=os.getenv("SIM_API_KEY"),
    base_url=os.getenv("SIM_BASE_URL", "https://sim.ai"),  # optional, defaults to https://sim.ai
)

# Execute a workflow
try:
    result = client.execute_workflow(
        WORKFLOW_ID,
        input_data={"message": "Hello, world!"},
        timeout=30.0,  # 30 seconds
    )
    print("Workflow executed successfully:", result)
except Exception as error:
    print("Workflow execution failed:", error)
    sys.exit(1)
finally:
    client.close()
