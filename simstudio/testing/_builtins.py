"""The built-in deterministic workflows every LocalSimServer starts with."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List

from ._workflows import Pause, ResponseBlock, Workflow, WorkflowContext

DEFAULT_AGENT_MESSAGE = "Hello from the local Sim server."


def echo(workflow_input: Dict[str, Any]) -> Dict[str, Any]:
    """``echo``: the output is ``{"input": <the input the workflow received>}``."""
    return {"input": workflow_input}


def agent(workflow_input: Dict[str, Any]) -> Iterator[str]:
    """``agent``: a streaming agent that emits the words of ``message`` one chunk each."""
    message = workflow_input.get("message")
    text = message if isinstance(message, str) and message else DEFAULT_AGENT_MESSAGE
    yield from re.findall(r"\s*\S+", text)


def failing(workflow_input: Dict[str, Any]) -> Any:
    """``failing``: always fails with ``Agent 1: simulated upstream failure``."""
    raise RuntimeError("simulated upstream failure")


def slow(workflow_input: Dict[str, Any], ctx: WorkflowContext) -> Dict[str, Any]:
    """``slow``: waits ``input["seconds"]`` (default 1.0), interruptible by cancel/stop."""
    try:
        seconds = float(workflow_input.get("seconds", 1.0))
    except (TypeError, ValueError):
        seconds = 1.0
    finished = ctx.sleep(seconds)
    return {"waitDuration": int(seconds * 1000), "status": "completed" if finished else "cancelled"}


def response(workflow_input: Dict[str, Any]) -> ResponseBlock:
    """``response``: a Response block answering 201 ``{"echo": message, "custom": true}``."""
    return ResponseBlock(
        data={"echo": workflow_input.get("message"), "custom": True},
        status=201,
        headers={"X-Probe-Custom": "yes"},
    )


def _approve(resume_input: Dict[str, Any]) -> Dict[str, Any]:
    return {"approved": bool(resume_input.get("approved", False)), "resumeInput": resume_input}


def paused(workflow_input: Dict[str, Any]) -> Pause:
    """``paused``: pauses at a human-in-the-loop block until resumed with ``{"approved": ...}``."""
    return Pause(
        response={
            "displayData": {"title": "Approval Required", "message": workflow_input.get("message")},
            "formFields": [{"id": "approved", "type": "boolean", "label": "Approve?"}],
        },
        resume=_approve,
        output={"status": "paused", "message": workflow_input.get("message")},
    )


def builtin_workflows() -> List[Workflow]:
    """Fresh ``Workflow`` objects for the built-ins."""
    return [
        Workflow("echo", echo, name="Echo", block_name="function1"),
        Workflow("agent", agent, name="Agent", block_name="agent1"),
        Workflow("failing", failing, name="Failing agent", block_name="agent1"),
        Workflow("slow", slow, name="Slow", block_name="wait1"),
        Workflow("response", response, name="Response", block_name="response1"),
        Workflow("undeployed", echo, deployed=False, name="Undeployed", block_name="function1"),
        Workflow("paused", paused, name="Human in the loop", block_name="approval1"),
    ]
