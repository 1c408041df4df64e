"""The documentation: the MkDocs site builds strictly, its API reference lists every public name,
and the pages agree with the code (errors table, CLI options, runnable quickstart and commands).
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import simstudio
import simstudio.resources
import simstudio.sse
import simstudio.testing
from simstudio import SimStudioError
from simstudio._errors import DOCUMENTED_CODES
from simstudio.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

HAVE_MKDOCS = all(
    importlib.util.find_spec(name) is not None
    for name in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
)


def fenced_blocks(page, language):
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


# ----------------------------------------------------------------------------- the built site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not HAVE_MKDOCS:
        pytest.skip("mkdocs, mkdocs-material or mkdocstrings-python is not installed")
    target = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)],
        cwd=ROOT,  # the changelog page includes CHANGELOG.md relative to the repository root
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        check=False,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return target


def anchors(site, page):
    html = (site / "reference" / page / "index.html").read_text(encoding="utf-8")
    return set(re.findall(r'id="([^"]+)"', html))


@pytest.mark.parametrize(
    ("page", "module"),
    [("simstudio", simstudio), ("sse", simstudio.sse), ("testing", simstudio.testing)],
)
def test_api_reference_lists_every_public_name(site, page, module):
    ids = anchors(site, page)
    missing = [name for name in module.__all__ if f"{module.__name__}.{name}" not in ids]
    assert missing == []


def test_api_reference_lists_every_namespace_method(site):
    ids = anchors(site, "resources")
    missing = [
        f"{name}.{method}"
        for name in simstudio.resources.__all__
        for method, _ in inspect.getmembers(getattr(simstudio.resources, name))
        if not method.startswith("_")
        and f"simstudio.resources.{name}.{method}" not in ids
    ]
    assert missing == []


def test_api_reference_lists_every_client_method(site):
    ids = anchors(site, "simstudio")
    methods = [
        name
        for name, _ in inspect.getmembers(simstudio.SimStudioClient)
        if not name.startswith("_")
    ]
    assert "get_job_status" in methods  # inherited from a mixin: the reference must show it
    missing = [name for name in methods if f"simstudio.SimStudioClient.{name}" not in ids]
    assert missing == []


def test_changelog_page_includes_the_changelog(site):
    html = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert f"{simstudio.__version__}" in html
    assert "Keep a Changelog" in html


# ----------------------------------------------------------------------------- pages vs code


def test_every_public_name_has_a_docstring():
    for module in (simstudio, simstudio.sse, simstudio.testing):
        for name in module.__all__:
            obj = getattr(module, name)
            if name == "__version__":
                continue  # a str: its docstring lives in _version.py and is checked by the build
            assert inspect.getdoc(obj), f"{module.__name__}.{name} has no docstring"


def test_errors_page_covers_every_error_class_and_code():
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    classes = [
        getattr(simstudio, name)
        for name in simstudio.__all__
        if inspect.isclass(getattr(simstudio, name))
        and issubclass(getattr(simstudio, name), SimStudioError)
    ]
    assert len(classes) >= 18
    for cls in classes:
        assert f"`{cls.__name__}`" in text, cls.__name__
        if cls.default_code:
            assert f"`{cls.default_code}`" in text, cls.default_code
    # Codes the SDK sets itself, and server codes it keeps as `code`.
    extra = {"INVALID_INPUT", "FILE_TOO_LARGE", "CLIENT_CLOSED", "EXECUTION_CANCELLED"}
    for code in sorted(extra | set(DOCUMENTED_CODES)):
        assert f"`{code}`" in text, code


def test_cli_page_documents_every_command_and_option():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        assert re.search(rf"^## .*`simstudio {name}", text, re.MULTILINE), name
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert option in text, f"{name} {option}"
    for code in ("0", "1", "2", "3", "4", "130"):
        assert re.search(rf"^\| {code} \|", text, re.MULTILINE), code


def test_nav_lists_every_page():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md"))
    missing = [page for page in pages if page not in config]
    assert missing == []


# ----------------------------------------------------------------------------- runnable pages


@pytest.mark.parametrize("index", range(len(fenced_blocks("quickstart.md", "python"))))
def test_quickstart_python_runs_verbatim(index, sim_server, tmp_path):
    code = fenced_blocks("quickstart.md", "python")[index]
    env = dict(os.environ, SIM_BASE_URL=sim_server.base_url, SIM_API_KEY=sim_server.api_key)
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.strip()


def documented_commands():
    """``simstudio ...`` lines of the quickstart and CLI pages that run as written."""
    found = []
    for page in ("quickstart.md", "cli.md"):
        for block in fenced_blocks(page, "bash"):
            for line in block.splitlines():
                command = re.split(r"\s+#|;|\|", line)[0].strip()
                if not command.startswith("simstudio ") or re.search(
                    r"\.\.\.|[A-Z]+_ID|YOUR-|\[|\$", command
                ):
                    continue
                argv = shlex.split(command)[1:]
                if argv[0] in ("serve", "demo"):
                    continue  # tested in tests/test_cli.py
                found.append(pytest.param(argv, id=f"{page}: {command}"))
    return found


@pytest.mark.parametrize("argv", documented_commands())
def test_documented_commands_work(argv, sim_server, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("SIM_BASE_URL", sim_server.base_url)
    monkeypatch.setenv("SIM_API_KEY", sim_server.api_key)
    monkeypatch.chdir(tmp_path)
    if "--input-file" in argv:
        (tmp_path / argv[argv.index("--input-file") + 1]).write_text("{}", encoding="utf-8")
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == (1 if "failing" in argv else 0), err
    assert out.strip() or "failing" in argv


def test_documented_commands_were_found():
    assert len(documented_commands()) >= 8
