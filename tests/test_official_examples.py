"""The official SDK docs' examples run verbatim against the embedded server, on both wire eras,
and print sensible output.

``tests/official_examples/`` holds the seven examples of the docs' "Examples" section (basic,
context manager, batch, async, rate limiting and retry, usage monitoring, streaming) byte for
byte; their checksums below keep them so. Nothing is substituted in them: the runner of
``tests/_docs_blocks.py`` points ``SIM_API_KEY``/``SIM_BASE_URL`` at a ``LocalSimServer`` that
serves the docs' ids (``"workflow-id"``, ``"my-workflow-id"``, ``"workflow-1"``...) as built-in
workflows, and caps ``time.sleep`` (the async example polls every 2 s).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Dict

import pytest
from _docs_blocks import Block, BlockRun, run_blocks

OFFICIAL = Path(__file__).resolve().parent / "official_examples"

SHA256 = {
    "async_execution.py": "7138cbf0dd912f98fa393b7e17f303fce54aca89267e693932b8bfb502963845",
    "basic.py": "26145b5ded7d9dac2d51398174c760de923bdc825ff72db1cfb97e2517df1df5",
    "batch.py": "c062b2ea427596d7b45954e3052fbcca53a43f0950f710089afee72cd76b9e13",
    "context_manager.py": "906173513aaf021f71f6d426329e658520ca46512c13bf066f7931ec0fa85ab5",
    "rate_limiting_and_retry.py": "b15e8c104dff6d9cca1577feefde508df7a6df4ab86f0354ca9088ec7ade7d5e",  # noqa: E501
    "streaming.py": "279d17f2fbdc0267551e2c3c9bf83dd3273e076648553d7920a359310c15be7f",
    "usage_monitoring.py": "eb05ec9dd75e69940d926d846311283319f1e206fb2c8c16e6c2f880dbc9b372",
}

# What each example must print: proof that it did its job, on both eras.
EXPECTED = {
    "basic.py": [
        "Output: {'input': {'message': 'Process this data', 'user_id': '12345'}}\n",
        re.compile(r"^Duration: \d+(\.\d+)?$", re.MULTILINE),
    ],
    "context_manager.py": [
        "Result: WorkflowExecutionResult(success=True, "
        "output={'content': 'Hello from the local Sim server.'",
    ],
    "batch.py": ["Workflow workflow-1: Success\nWorkflow workflow-2: Success\n"],
    "async_execution.py": [
        re.compile(r"^Task ID: \S+$", re.MULTILINE),
        re.compile(r"^Status endpoint: /api/jobs/\S+$", re.MULTILINE),
        "Workflow completed!\n",
        "'content': 'Hello from the local Sim server.'",
        # 2026 servers send no timing: the documented key is there, None
        re.compile(r"^Duration: (None|\d+(\.\d+)?)$", re.MULTILINE),
    ],
    "rate_limiting_and_retry.py": [
        "Success: WorkflowExecutionResult(success=True, output={'content': 'Process this'",
    ],
    "usage_monitoring.py": [
        "=== Rate Limits ===\nSync requests:\n  Limit: 999999\n  Remaining: 999999\n",
        "Async requests:\n  Limit: 999999\n",
        "Current period cost: $0.00\nLimit: $99999.00\nPlan: free\nUsage: 0.0%\n",
    ],
    "streaming.py": ["Workflow result: <WorkflowStream"],
}


@pytest.fixture(scope="module", params=["2026", "2025"])
def runs(request: pytest.FixtureRequest) -> Dict[str, BlockRun]:
    """Every example run once per era, in one process against one server."""
    blocks = [
        Block(f"tests/official_examples/{name}", 1, (OFFICIAL / name).read_text(encoding="utf-8"))
        for name in sorted(EXPECTED)
    ]
    return {
        run.name.split("/")[-1].split(":")[0]: run
        for run in run_blocks(blocks, wire_format=request.param)
    }


def test_the_copies_are_the_seven_examples_unchanged():
    assert sorted(path.name for path in OFFICIAL.glob("*.py")) == sorted(SHA256) == sorted(EXPECTED)
    for name, digest in SHA256.items():
        assert hashlib.sha256((OFFICIAL / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_example_runs_and_prints_what_it_should(runs, name):
    run = runs[name]
    assert run.ok, run.error
    for expected in EXPECTED[name]:
        if isinstance(expected, str):
            assert expected in run.stdout, f"{expected!r} missing from:\n{run.stdout}"
        else:
            assert expected.search(run.stdout), f"{expected.pattern!r} missing from:\n{run.stdout}"
    # The examples catch every exception and print it: a failure shows only in the output.
    assert not re.search(r"Error|failed|Skipping", run.stdout), run.stdout


def test_the_async_example_polled_until_completed(runs):
    run = runs["async_execution.py"]
    statuses = re.findall(r"^Current status: (\w+)$", run.stdout, re.MULTILINE)
    assert set(statuses) <= {"queued", "processing"}
    assert run.slept == [2] * len(statuses)  # the docs' 2 s between polls (capped by the runner)


def test_the_streaming_example_tells_the_user_how_to_consume_the_stream(runs):
    printed = runs["streaming.py"].stdout
    assert re.search(r"iter_text|final_result|iterate|for event in", printed), printed
