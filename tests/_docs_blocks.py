"""Python code blocks of the docs: finding them, and running them against an embedded server.

A fenced ``python`` block of ``docs/**/*.md`` (or ``README.md``) is either a **complete program**
or visibly a **fragment**: its first line is a ``# fragment: <what it leaves out>`` comment (the
convention is described in ``docs/CONVENTIONS.md``). ``tests/test_docs_blocks.py`` runs every
complete program, unchanged, with ``python tests/_docs_blocks.py <request.json> <report.json>``:
one process per page, where

* a ``LocalSimServer`` runs, ``SIM_API_KEY``/``SIM_BASE_URL`` point at it, and the docs'
  placeholder workflow ids are extra workflows on it (``PLACEHOLDER_WORKFLOWS``), so the code
  runs as printed, ids included;
* each block runs as ``__main__`` in a fresh namespace, after ``server.reset()``, with its own
  stdout captured; the environment, the working directory and the root logger are restored
  after it;
* ``time.sleep`` is capped at ``MAX_SLEEP`` (and the asked-for delays are recorded), so polling
  and backoff loops of the docs do not wait for real.

The official SDK docs' examples (``tests/official_examples/``) run the same way.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FRAGMENT = "# fragment"
_INCLUDE = re.compile(r'--8<-- "([^"]+)"')

#: The docs' placeholder workflow ids and the built-in workflow of the local server each one
#: runs as. ``agent`` streams (``selected_outputs=["agent1.content"]``) and also answers sync
#: and async runs; ``echo`` returns its input. Add a row when a page uses a new placeholder.
PLACEHOLDER_WORKFLOWS = {
    "workflow-id": "agent",  # the official docs' id for sync, streamed and async runs
    "my-workflow": "agent",  # docs/streaming.md
    "my-workflow-id": "echo",  # the official "Basic Workflow Execution"
    "workflow-1": "echo",  # the official "Batch Workflow Execution"
    "workflow-2": "echo",
    "WORKFLOW_ID": "agent",  # the official Flask example's URL
}

#: The longest real wait of a ``time.sleep`` in a block (seconds).
MAX_SLEEP = 0.05

_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[ \t]*\{?[ \t]*\.?(?P<lang>python3?|py)\b[^\n]*\n"
    r"(?P<body>.*?)"
    r"^(?P=indent)(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Block:
    """One fenced Python block: where it is and its code (dedented)."""

    page: str
    line: int
    code: str

    @property
    def name(self) -> str:
        """``page:line`` of the block's opening fence."""
        return f"{self.page}:{self.line}"

    @property
    def is_fragment(self) -> bool:
        """Whether its first non-blank line is the ``# fragment`` marker."""
        first = next((line.strip() for line in self.code.splitlines() if line.strip()), "")
        return first.startswith(FRAGMENT)

    @property
    def includes(self) -> List[str]:
        """The files a block made only of ``--8<-- "path"`` lines includes (MkDocs snippets):
        they are shown whole and run where they live (``examples/`` by ``test_examples``)."""
        lines = [line.strip() for line in self.code.splitlines() if line.strip()]
        found = [_INCLUDE.fullmatch(line) for line in lines]
        return [match.group(1) for match in found if match] if all(found) and found else []

    @property
    def is_program(self) -> bool:
        """A block the runner must run: neither a fragment nor an included file."""
        return not self.is_fragment and not self.includes


@dataclass
class BlockRun:
    """What running one block did."""

    name: str
    ok: bool
    stdout: str = ""
    error: Optional[str] = None
    slept: List[float] = field(default_factory=list)
    seconds: float = 0.0


def pages() -> List[Path]:
    """Every Markdown page of ``docs/`` (sub-directories too) and the README."""
    return [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]


def page_name(path: Path) -> str:
    """The page's path relative to the repository root."""
    return path.relative_to(ROOT).as_posix()


def python_blocks(path: Path) -> List[Block]:
    """The fenced ``python``/``py`` blocks of a page, in order (indented fences too)."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in _FENCE.finditer(text):
        indent = match.group("indent")
        lines = match.group("body").splitlines(keepends=True)
        code = "".join(line[len(indent):] if line.startswith(indent) else line for line in lines)
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(Block(page_name(path), line, code))
    return blocks


def run_blocks(
    blocks: Sequence[Block], wire_format: str = "2026", timeout: float = 90.0
) -> List[BlockRun]:
    """Run blocks in one fresh interpreter against one local server; a report per block."""
    request = {
        "wire_format": wire_format,
        "blocks": [{"name": block.name, "code": block.code} for block in blocks],
    }
    with _scratch() as scratch:
        (scratch / "request.json").write_text(json.dumps(request), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_")}
        env["PYTHONUNBUFFERED"] = "1"
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "request.json", "report.json"],
                cwd=scratch, capture_output=True, text=True, env=env, timeout=timeout,
                check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as expired:
            started = _text(expired.stderr).count("\n[block ")
            raise AssertionError(
                f"block {blocks[started - 1].name} still running after {timeout:.0f} s:\n"
                + _text(expired.stderr)
            ) from None
        report = scratch / "report.json"
        assert report.exists(), f"the runner crashed (exit {proc.returncode}):\n{proc.stderr}"
        runs = [BlockRun(**item) for item in json.loads(report.read_text(encoding="utf-8"))]
    assert proc.returncode == 0, proc.stderr
    return runs


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else (value or "")


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="docs-blocks-") as name:
        yield Path(name)


# ----------------------------------------------------------------------------- the runner process


def _serve_placeholders(server: Any) -> None:
    from simstudio.testing._builtins import builtin_workflows

    builtins = {workflow.workflow_id: workflow for workflow in builtin_workflows()}
    for placeholder, builtin in PLACEHOLDER_WORKFLOWS.items():
        workflow = builtins[builtin]
        server.add_workflow(
            placeholder, workflow.handler, name=workflow.name, block_name=workflow.block_name
        )


def _run_one(name: str, code: str, slept: List[float]) -> BlockRun:
    environ, cwd = dict(os.environ), os.getcwd()
    handlers, level = list(logging.root.handlers), logging.root.level
    out = io.StringIO()
    del slept[:]
    started = time.monotonic()
    print(f"\n[block {name}]", file=sys.stderr, flush=True)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, name, "exec"), {"__name__": "__main__", "__file__": name})
        error = None
    except BaseException:  # a block's SystemExit or KeyboardInterrupt is a failure too
        error = traceback.format_exc()
    finally:
        os.environ.clear()
        os.environ.update(environ)
        os.chdir(cwd)
        logging.root.handlers[:] = handlers
        logging.root.setLevel(level)
    seconds = time.monotonic() - started
    return BlockRun(name, error is None, out.getvalue(), error, list(slept), seconds)


def main(argv: Sequence[str]) -> int:
    """Run the blocks of ``argv[0]`` (JSON) and write the reports to ``argv[1]``."""
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    slept: List[float] = []
    real_sleep = time.sleep

    def short_sleep(seconds: float) -> None:
        slept.append(seconds)
        real_sleep(min(seconds, MAX_SLEEP))

    time.sleep = short_sleep

    from simstudio.testing import LocalSimServer

    runs = []
    with LocalSimServer(wire_format=request["wire_format"]) as server:
        _serve_placeholders(server)
        os.environ["SIM_API_KEY"] = server.api_key
        os.environ["SIM_BASE_URL"] = server.base_url
        for block in request["blocks"]:
            server.reset()
            runs.append(_run_one(block["name"], block["code"], slept))
    Path(argv[1]).write_text(json.dumps([asdict(run) for run in runs]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
