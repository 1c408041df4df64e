"""Every Python block of the docs is a complete program that runs against the embedded server,
or visibly a fragment (a ``# fragment: ...`` first line, see docs/CONVENTIONS.md).

Generic over ``docs/**/*.md`` and the README: a page added later is covered as it lands. How the
blocks run (one process per page, the placeholder workflow ids, capped sleeps) is described in
``tests/_docs_blocks.py``.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _docs_blocks import (
    FRAGMENT,
    PLACEHOLDER_WORKFLOWS,
    Block,
    page_name,
    pages,
    python_blocks,
    run_blocks,
)

from simstudio.testing import Fault, LocalSimServer

ALL_BLOCKS = [block for page in pages() for block in python_blocks(page)]
PAGES_WITH_PROGRAMS = [
    page for page in pages() if any(block.is_program for block in python_blocks(page))
]


def test_the_blocks_are_found_and_most_are_programs():
    programs = [block for block in ALL_BLOCKS if block.is_program]
    assert len(ALL_BLOCKS) >= 30
    assert len(programs) >= 12
    assert {"docs/streaming.md", "docs/quickstart.md", "README.md"} <= {
        page_name(page) for page in PAGES_WITH_PROGRAMS
    }


@pytest.mark.parametrize("page", PAGES_WITH_PROGRAMS, ids=page_name)
def test_every_complete_program_runs(page):
    runs = run_blocks([block for block in python_blocks(page) if block.is_program])
    failures = [f"{run.name} (not a complete program? mark it '{FRAGMENT}: ...'):\n{run.error}"
                for run in runs if not run.ok]  # fmt: skip
    assert failures == [], "\n".join(failures)
    assert all(run.seconds < 20 for run in runs), [(run.name, run.seconds) for run in runs]


def test_every_complete_program_defines_what_it_uses(tmp_path):
    """Pyflakes over each program: a name used only on a path the run did not take (an error
    branch) must still be defined or imported; a fragment is exempt."""
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    for index, block in enumerate(ALL_BLOCKS):
        if block.is_program:
            name = re.sub(r"\W", "_", block.name)
            (tmp_path / f"{index:03d}_{name}.py").write_text(block.code, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--select", "F",
         "--output-format", "concise", str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_included_files_are_examples_that_ci_runs():
    from test_examples import EXPECTED

    included = [(block.name, path) for block in ALL_BLOCKS for path in block.includes]
    assert included, "no page includes an example: the include rule is untested"
    for name, path in included:
        assert path.startswith("examples/"), name
        file = path.split(":", 1)[0]  # "examples/x.py:section" includes a marked section
        assert Path(file).name in EXPECTED, f"{name}: {file} is not run by test_examples"


def test_a_fragment_says_what_it_leaves_out():
    for block in ALL_BLOCKS:
        if block.is_fragment:
            first = next(line.strip() for line in block.code.splitlines() if line.strip())
            assert re.match(rf"{FRAGMENT}: \S", first), f"{block.name}: {first!r}"


# ----------------------------------------------------------------------------- the runner itself


def test_the_runner_reports_a_failing_block_and_runs_the_next():
    blocks = [
        Block("a.md", 1, "import os\nprint(os.environ['SIM_BASE_URL'].startswith('http://'))\n"),
        Block("a.md", 5, "raise RuntimeError('boom')\n"),
        Block("a.md", 9, "import time\ntime.sleep(30)\nprint('woke')\n"),
    ]
    first, second, third = run_blocks(blocks)
    assert (first.ok, first.stdout) == (True, "True\n")
    assert not second.ok
    assert "RuntimeError: boom" in second.error
    assert (third.ok, third.stdout, third.slept) == (True, "woke\n", [30])
    assert third.seconds < 5  # the sleep was capped


def test_the_placeholder_ids_are_served_as_their_builtins():
    lines = ["from simstudio import SimStudioClient", "client = SimStudioClient()"]
    lines += [
        f"print({pid!r}, client.execute_workflow({pid!r}, {{'message': 'hi'}}).output)"
        for pid in PLACEHOLDER_WORKFLOWS
    ]
    code = "\n".join(lines)
    (run,) = run_blocks([Block("ids.md", 1, code)], wire_format="2025")
    assert run.ok, run.error
    assert "workflow-1 {'input': {'message': 'hi'}}" in run.stdout
    assert "workflow-id {'content': 'hi'" in run.stdout


# ----------------------------------------------------------------------------- the Flask recipe


def flask_recipe() -> Block:
    (block,) = [
        block
        for block in python_blocks(page_named("docs/streaming.md"))
        if "from flask import" in block.code
    ]
    return block


def page_named(name):
    (page,) = [page for page in pages() if page_name(page) == name]
    return page


@pytest.fixture
def flask_app(monkeypatch, sim_server):
    pytest.importorskip("flask")
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    block = flask_recipe()
    assert not block.is_fragment
    namespace = {"__name__": "__main__"}
    exec(compile(block.code, block.name, "exec"), namespace)
    yield namespace["app"]
    namespace["client"].close()


def test_the_flask_recipe_relays_the_stream(flask_app, sim_server):
    response = flask_app.test_client().get("/stream?message=Hello docs")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    body = response.get_data()
    assert body.count(b'"chunk"') == 2
    assert b'"chunk": "Hello"' in body or b'"chunk":"Hello"' in body
    assert body.endswith(b'data: "[DONE]"\n\n')
    assert sim_server.executions("agent") == 1


def test_the_flask_recipe_sends_a_refusal_as_an_error_frame(flask_app, sim_server: LocalSimServer):
    sim_server.inject(Fault(status=402, body={"error": "Usage limit exceeded"}), times=1)
    body = flask_app.test_client().get("/stream?message=x").get_data()
    assert body.startswith(b"data: {")
    assert b'"event": "error"' in body
    assert b"Usage limit exceeded" in body
    assert body.endswith(b'data: "[DONE]"\n\n')
