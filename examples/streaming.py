"""Streaming Workflow Execution (docs): text printed the moment it arrives.

``execute_workflow(..., stream=True)`` returns a ``WorkflowStream``: iterate it for typed
events (or ``iter_text()`` for the text); ``stream.result`` holds the final result. Without
``selected_outputs`` Sim streams no text, only the final result.

Run: python examples/streaming.py  (SIM_AGENT_WORKFLOW_ID, SIM_SELECTED_OUTPUT).
"""

import os
import sys

import _local

from simstudio import SimStudioClient

_local.use_local_server_unless_configured(stream_chunk_delay=0.03)
WORKFLOW_ID = os.getenv("SIM_AGENT_WORKFLOW_ID", "agent")
SELECTED_OUTPUT = os.getenv("SIM_SELECTED_OUTPUT", "agent1.content")

client = SimStudioClient(api_key=os.getenv("SIM_API_KEY"))


def execute_with_streaming():
    """Execute workflow with streaming enabled."""
    try:
        # Enable streaming for specific block outputs
        stream = client.execute_workflow(
            WORKFLOW_ID,
            input_data={"message": "One, two, three, four, five."},
            stream=True,
            selected_outputs=[SELECTED_OUTPUT],  # Use blockName.attribute format
        )
        with stream:  # closes the connection even if the loop stops early
            for event in stream:
                if event.type == "chunk":
                    print(event.chunk, end="", flush=True)
                elif event.type == "stream_error":
                    print(f"\n[block {event.block_id} failed: {event.error}]")
        print()
        print("Workflow result:", stream.result)
        return stream.result.success
    except Exception as error:
        print("Error:", error)
        return False


def stream_text_only():
    """The shortest form: stream_workflow + iter_text."""
    with client.stream_workflow(
        WORKFLOW_ID,
        {"message": "Streamed again, as plain text."},
        selected_outputs=[SELECTED_OUTPUT],
    ) as stream:
        for text in stream.iter_text():
            print(text, end="", flush=True)
    print()
    return stream.result.success


ok = execute_with_streaming() and stream_text_only()
client.close()
sys.exit(0 if ok else 1)
