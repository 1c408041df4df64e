"""Workflows as code: keep a workflow in a file, import it, deploy it and run it; change it,
deploy a second version, and roll back.

The file is the export document ``client.workflows.export(..., path=)`` writes: sorted keys and
a 2-space indent, so that ``git diff`` shows only real changes (and the export's timestamps).

Sim's API cannot replace the blocks of an existing workflow (an import always creates a new
one); a change to a deployed workflow is made in Sim's editor and then deployed as a new
version. Offline, ``server.edit_workflow`` stands in for the editor; against your deployment
the second version has the same blocks as the first.

Run: python examples/workflows_as_code.py
"""

import difflib
import json
import os
import pathlib
import shutil
import tempfile

import _local

from simstudio import SimStudioClient

server = _local.use_local_server_unless_configured()


def greeter(greeting):
    """An export of a workflow with a start block (input ``name``) and a Response block."""
    start = {"id": "start", "type": "start_trigger", "name": "Start",
             "position": {"x": 0, "y": 100}, "enabled": True,
             "subBlocks": {"inputFormat": {"id": "inputFormat", "type": "input-format",
                                           "value": [{"id": "name", "name": "name",
                                                      "type": "string", "value": ""}]}}}
    body = json.dumps({"greeting": f"{greeting}, <start.name>!"})
    reply = {"id": "reply", "type": "response", "name": "Reply",
             "position": {"x": 400, "y": 100}, "enabled": True,
             "subBlocks": {"data": {"id": "data", "type": "code", "value": body},
                           "status": {"id": "status", "type": "short-input", "value": "200"}}}
    edge = {"id": "start-reply", "source": "start", "target": "reply",
            "sourceHandle": "source", "targetHandle": "target", "type": "default", "data": {}}
    return {"version": "1.0",
            "workflow": {"name": "greeter", "description": "greets by name"},
            "state": {"blocks": {"start": start, "reply": reply}, "edges": [edge],
                      "loops": {}, "parallels": {}, "variables": {}}}  # fmt: skip


def changed_lines(before, after):
    """The lines a diff of two texts shows as removed or added."""
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


repository = pathlib.Path(tempfile.mkdtemp(prefix="workflows-as-code-"))
source = repository / "greeter.json"
source.write_text(json.dumps(greeter("Hello"), indent=2) + "\n", encoding="utf-8")

with SimStudioClient(api_key=os.getenv("SIM_API_KEY")) as client:
    # 1. Import the file and deploy it: version 1.
    workflow = client.workflows.import_(source, name="greeter (example)")
    print(f"imported {workflow.name!r} as {workflow.id} (deployed: {workflow.is_deployed})")
    first = client.workflows.deploy(workflow.id, name="hello")
    print(f"deployed version {first.version}")
    print("run:", client.execute_workflow(workflow.id, {"name": "Ada"}).output)

    # 2. Keep the workflow in the repository, as Sim exports it (ids and all).
    kept = repository / "greeter.exported.json"
    client.workflows.export(workflow.id, path=kept)
    original = kept.read_text(encoding="utf-8")

    # 3. Change the file, as a pull request would; the diff is the one line that changed.
    kept.write_text(original.replace("Hello, <start.name>", "Howdy, <start.name>"),
                    encoding="utf-8")  # fmt: skip
    for line in changed_lines(original, kept.read_text(encoding="utf-8")):
        print("diff:", line)
    # Sim's API cannot replace a workflow's blocks: the change is made in Sim's editor.
    # Offline, the local server's edit_workflow stands in for the editor.
    if server is not None:
        server.edit_workflow(workflow.id, json.loads(kept.read_text(encoding="utf-8")))
    print("needs redeployment:", client.workflows.deployment(workflow.id).needs_redeployment)

    # 4. Deploy the change as version 2 and run it.
    second = client.workflows.deploy(workflow.id, name="howdy")
    print(f"deployed version {second.version}")
    print("run:", client.execute_workflow(workflow.id, {"name": "Ada"}).output)
    edited = kept.read_text(encoding="utf-8")
    client.workflows.export(workflow.id, path=kept)
    left = changed_lines(edited, kept.read_text(encoding="utf-8"))
    print(f"exported again: {len(left)} changed lines, all timestamps:",
          all('"exportedAt"' in line for line in left))  # fmt: skip
    for version in client.workflows.versions(workflow.id):
        print(f"  version {version.version} {version.name!r}"
              + (" (active)" if version.is_active else ""))  # fmt: skip

    # 5. It misbehaves: roll back to the version below the active one.
    back = client.workflows.rollback(workflow.id)
    print(f"rolled back to version {back.version}")
    print("after rollback:", client.execute_workflow(workflow.id, {"name": "Ada"}).output)

    client.workflows.delete(workflow.id)
    print(f"deleted {workflow.id}")
shutil.rmtree(repository)  # a real repository keeps the files, of course
