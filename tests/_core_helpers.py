"""Shared constants for the core-client unit tests: a fake key, real wire bodies, a client factory.

The bodies are copied from real exchanges with a self-hosted Sim server (2026) and from the 2025
contract; nothing here reads reference files at test time.
"""

from __future__ import annotations

import json
from typing import Any, Callable, List, Optional

from simstudio import SimStudioClient

KEY = "sk-sim-TOPSECRET-0123456789abcdef"
BASE = "https://sim.example"
WF = "38f344e5-6ffe-49d1-b26a-14c90d439804"
EXECUTE_URL = f"{BASE}/api/workflows/{WF}/execute"
STATUS_URL = f"{BASE}/api/workflows/{WF}/status"
USAGE_URL = f"{BASE}/api/users/me/usage-limits"
JOB_ID = "workflow-execution:f7832d2b-5b98-47b8-b4b1-30002f86efbd"
JOB_URL = f"{BASE}/api/jobs/{JOB_ID}"

# --- 2026 transcripts (self-hosted Sim @ 0b232eb876) -------------------------------------------

EXEC_SYNC_SUCCESS = {
    "success": True,
    "executionId": "ce1d7f8d-20c7-412c-a512-a7f152c8fd67",
    "output": {"waitDuration": 1000, "status": "completed"},
    "metadata": {
        "duration": 1041.8327500000014,
        "startTime": "2026-11-28T19:42:25.060Z",
        "endTime": "2026-11-28T19:42:26.109Z",
    },
}
EXEC_RESPONSE_BLOCK_BODY = b'{"echo":"resp","custom":true}'
FAILING_SYNC_500 = {
    "success": False,
    "output": {},
    "error": "Agent 1: fake upstream failure",
    "metadata": {
        "duration": 1362.9273580000154,
        "startTime": "2026-11-28T19:43:16.108Z",
        "endTime": "2026-11-28T19:43:17.472Z",
    },
}
EXEC_BAD_KEY = {"error": "Invalid API key"}
EXEC_NO_KEY = {"error": "Unauthorized"}
EXEC_INVALID_JSON = {"error": "Invalid JSON in request body"}
EXEC_UNKNOWN_ID = {"error": "Workflow not found"}
ASYNC_202_2026 = {
    "success": True,
    "async": True,
    "jobId": "workflow-execution:51f6dfef-e8c8-4707-912f-b9a91aafca30",
    "executionId": "51f6dfef-e8c8-4707-912f-b9a91aafca30",
    "message": "Workflow execution queued",
    "statusUrl": "http://127.0.0.1:3000/api/jobs/workflow-execution:51f6dfef-e8c8-4707-912f-b9a91aafca30",
}
_JOB_METADATA = {
    "userId": "o33B66dXIYHGNDvHLf1EgtgAyKkRGBE3",
    "workflowId": "e3c5c720-5b0c-46d5-afd9-e629d8f3be85",
    "correlation": {
        "source": "workflow",
        "requestId": "b791b0d5",
        "workflowId": "e3c5c720-5b0c-46d5-afd9-e629d8f3be85",
        "executionId": "f7832d2b-5b98-47b8-b4b1-30002f86efbd",
        "triggerType": "api",
    },
    "workspaceId": "dfd87c98-4845-4b10-a65b-ce286f11aaed",
}
JOB_PROCESSING = {
    "success": True,
    "taskId": JOB_ID,
    "status": "processing",
    "metadata": _JOB_METADATA,
    "output": None,
}
JOB_COMPLETED = {
    "success": True,
    "taskId": JOB_ID,
    "status": "completed",
    "metadata": _JOB_METADATA,
    "output": {
        "output": {"content": "Hello from the fake model.", "model": "vllm/llama-3"},
        "success": True,
        "executedAt": "2026-11-28T19:45:10.603Z",
        "workflowId": "e3c5c720-5b0c-46d5-afd9-e629d8f3be85",
        "executionId": "f7832d2b-5b98-47b8-b4b1-30002f86efbd",
    },
}
JOB_FAILED = {
    "success": True,
    "taskId": "workflow-execution:3dcf96d0-d8ed-49ce-b3bc-1df63995ab5a",
    "status": "failed",
    "metadata": _JOB_METADATA,
    "output": None,
    "error": "Agent 1: fake upstream failure",
}
JOBS_UNKNOWN = {"error": "Task not found", "code": "TASK_NOT_FOUND"}
STATUS_OK = {
    "isDeployed": True,
    "deployedAt": "2026-11-28T19:41:10.705Z",
    "needsRedeployment": False,
}
STATUS_UNKNOWN = {
    "error": "Workflow not found",
    "code": "WORKFLOW_NOT_FOUND",
    "requestId": "517d8b4d",
}
STATUS_BAD_KEY = {"error": "Unauthorized", "requestId": "19f56f73"}
USAGE_2026 = {
    "success": True,
    "rateLimit": {
        "sync": {
            "isLimited": False,
            "requestsPerMinute": 999999,
            "maxBurst": 999999,
            "remaining": 999999,
            "resetAt": "2026-11-28T19:45:24.962Z",
        },
        "async": {
            "isLimited": False,
            "requestsPerMinute": 999999,
            "maxBurst": 999999,
            "remaining": 999999,
            "resetAt": "2026-11-28T19:45:38.417Z",
        },
        "authType": "api",
    },
    "usage": {"currentPeriodCost": 0, "limit": 99999, "plan": "free"},
    "storage": {"usedBytes": 0, "limitBytes": 5368709120, "percentUsed": 0},
}
USAGE_BAD_KEY = {"error": "Authentication required", "code": "AUTHENTICATION_REQUIRED"}

# --- 2025 era (api-contract.md) -----------------------------------------------------------------

ASYNC_202_2025 = {
    "success": True,
    "taskId": "run_cmh1abc2d0001",
    "status": "queued",
    "createdAt": "2025-10-30T12:00:00.000Z",
    "links": {"status": "/api/jobs/run_cmh1abc2d0001"},
}
USAGE_2025 = {
    "success": True,
    "rateLimit": {
        "sync": {
            "isLimited": False,
            "limit": 10,
            "remaining": 9,
            "resetAt": "2025-10-30T12:01:00Z",
        },
        "async": {
            "isLimited": False,
            "limit": 50,
            "remaining": 50,
            "resetAt": "2025-10-30T12:01:00Z",
        },
        "authType": "api",
    },
    "usage": {"currentPeriodCost": 1.25, "limit": 10.0, "plan": "free"},
}

# --- SSE bodies (byte-exact from the transcripts) ------------------------------------------------

STREAM_SELECTED = (
    b'data: {"blockId":"bb955042-2c09-4e99-85b7-aa7ff90a3a2d","chunk":"Hello"}\n\n'
    b'data: {"blockId":"bb955042-2c09-4e99-85b7-aa7ff90a3a2d","chunk":" from"}\n\n'
    b'data: {"blockId":"bb955042-2c09-4e99-85b7-aa7ff90a3a2d","chunk":" the"}\n\n'
    b'data: {"blockId":"bb955042-2c09-4e99-85b7-aa7ff90a3a2d","chunk":" fake"}\n\n'
    b'data: {"blockId":"bb955042-2c09-4e99-85b7-aa7ff90a3a2d","chunk":" model"}\n\n'
    b'data: {"blockId":"bb955042-2c09-4e99-85b7-aa7ff90a3a2d","chunk":"."}\n\n'
    b'data: {"event":"final","data":{"success":true,"output":{}}}\n\n'
    b'data: "[DONE]"\n\n'
)
AGENT_BLOCK = "bb955042-2c09-4e99-85b7-aa7ff90a3a2d"
STREAM_NONSTREAMING_BLOCK = (
    b'data: {"event":"final","data":{"success":true,"output":'
    b'{"2249ce3d-0f57-40ab-a2a0-4e971f2a35a9":{"waitDuration":1000}}}}\n\n'
    b'data: "[DONE]"\n\n'
)
STREAM_FAILING = (
    b'data: {"event":"error","error":"Agent 1: fake upstream failure"}\n\ndata: "[DONE]"\n\n'
)


def body(value: Any) -> bytes:
    """Compact JSON bytes, as the server sends them."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def make_client(
    sleeps: Optional[List[float]] = None,
    *,
    random: Callable[[], float] = lambda: 0.5,
    **kwargs: Any,
) -> SimStudioClient:
    """A client on BASE with the fake key; retry waits are recorded in ``sleeps``, never slept."""
    recorder = sleeps if sleeps is not None else []
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("base_url", BASE)
    return SimStudioClient(sleep=recorder.append, random=random, **kwargs)
