"""File upload: file objects anywhere in ``input_data`` are sent as base64 data URLs.

Open files in binary mode; the MIME type is guessed from the name, and files over the
server's 20 MB per-file limit are refused before anything is sent (``FILE_TOO_LARGE``).
The workflow must declare the field as a file input (``SIM_FILE_FIELD``, default "files").

Run: python examples/file_upload.py  (SIM_WORKFLOW_ID; default the local "echo" workflow).
"""

import os
import tempfile

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured()
WORKFLOW_ID = os.getenv("SIM_WORKFLOW_ID", "echo")
FILE_FIELD = os.getenv("SIM_FILE_FIELD", "files")

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "report.csv")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("quarter,revenue\nQ1,100\nQ2,140\n")

    with SimStudioClient(api_key=os.getenv("SIM_API_KEY")) as client, open(path, "rb") as report:
        result = client.execute_workflow(
            WORKFLOW_ID, {"message": "Summarise the attached report", FILE_FIELD: [report]}
        )

print("success:", result.success)
# The local echo workflow returns its input: each file arrives as a stored file object.
echoed = (result.output or {}).get("input", {}).get(FILE_FIELD) if result.success else None
for stored in echoed or []:
    print(f"uploaded {stored['name']} ({stored['type']}, {stored['size']} bytes)")
    print(f"  stored at {stored['url']}")
if not echoed:
    print("output:", result.output)
