"""The CLI package's layout: the library never imports it, groups register through one list."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import simstudio
import simstudio.cli.commands
from simstudio.cli import build_parser, main
from simstudio.cli._parser import Commands, Parser, new_commands
from simstudio.cli.commands import GROUPS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "simstudio"
CLI = "simstudio.cli"


# ----------------------------------------------------------------------------- import boundary


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source, name, is_package):
    """Every module an AST imports, relative imports resolved, at any depth (functions too)."""
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            for alias in node.names:  # `from simstudio import cli` imports a module too
                yield f"{base}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            in ("import_module", "__import__")
        ):
            yield node.args[0].value


def imports_cli(source, name, is_package=False):
    return sorted(
        {
            module
            for module in imported_modules(source, name, is_package)
            if module == CLI or module.startswith(CLI + ".")
        }
    )


def library_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "cli" or relative == Path("__main__.py"):
            continue
        yield path


def test_library_code_never_imports_the_cli():
    checked = 0
    offenders = {}
    for path in library_modules():
        found = imports_cli(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
        if found:
            offenders[str(path.relative_to(ROOT))] = found
        checked += 1
    assert offenders == {}
    assert checked >= 40  # every module of the SDK and of simstudio.testing was read


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("import simstudio.cli", "simstudio._client", [CLI]),
        ("def f():\n    from .cli import main\n", "simstudio._client", [CLI, f"{CLI}.main"]),
        ("from . import cli", "simstudio", [CLI]),
        (
            "from ..cli._output import out",
            "simstudio.testing._http",
            [f"{CLI}._output", f"{CLI}._output.out"],
        ),
        (
            "class A:\n    def m(self):\n        import simstudio.cli._main as m\n",
            "simstudio.sse",
            [f"{CLI}._main"],
        ),
        ("importlib.import_module('simstudio.cli')", "simstudio._base", [CLI]),
        ("from simstudio import cli as c", "simstudio.testing", [CLI]),
        ("import simstudio.client_tools\nfrom . import _client", "simstudio", []),
        ("from .testing import cli", "simstudio", []),
    ],
)
def test_the_import_check_sees_every_form_of_import(source, name, expected):
    assert (
        imports_cli(source, name, is_package=name in ("simstudio", "simstudio.testing")) == expected
    )


def test_importing_the_library_does_not_load_the_cli():
    code = (
        "import sys, simstudio, simstudio.testing, simstudio.sse; "
        "print(sorted(m for m in sys.modules if m.startswith('simstudio.cli')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True
    )
    assert proc.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- entry points


def test_console_script_and_python_m_run_main():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    target = re.search(r'^simstudio = "([\w.]+):(\w+)"$', pyproject, re.MULTILINE)
    assert target.groups() == ("simstudio.cli", "main")
    assert getattr(importlib.import_module(target.group(1)), target.group(2)) is main
    proc = subprocess.run(
        [sys.executable, "-m", "simstudio", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (proc.returncode, proc.stdout) == (0, f"simstudio {simstudio.__version__}\n")


# ----------------------------------------------------------------------------- registry


def test_every_command_module_is_registered_once_in_order():
    modules = [
        info.name
        for info in pkgutil.iter_modules(simstudio.cli.commands.__path__)
        if not info.name.startswith("_")
    ]
    registered = [register.__module__.rpartition(".")[2] for register in GROUPS]
    assert sorted(registered) == sorted(modules)
    assert len(set(registered)) == len(registered)
    commands = next(
        action
        for action in build_parser()._actions
        if hasattr(action, "choices") and action.choices
    )
    assert list(commands.choices) == [
        "demo", "serve", "run", "status", "job", "usage", "workflows", "kb",
        "logs", "workspaces", "members", "mcp"]  # fmt: skip


def test_a_new_group_is_one_register_function(capsys):
    """What the next groups (kb, logs, workflows...) will do, through the same ``Commands``."""
    calls = []

    def kb_list(args):
        calls.append(args)
        return 0

    def register(commands: Commands) -> None:
        kb = commands.group("kb", summary="knowledge bases")
        listing = kb.add("list", kb_list, summary="list knowledge bases")
        listing.add_argument("--limit", type=int, default=10)

    parser = Parser(prog="simstudio")
    register(new_commands(parser))
    args = parser.parse_args(["kb", "list", "--limit", "3", "--json", "--timeout", "5"])
    assert args.handler is kb_list
    assert (args.command_name, args.limit, args.as_json, args.timeout) == ("kb list", 3, True, 5.0)
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["kb", "list", "--limit", "x"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("simstudio kb list: error: argument --limit")


# ----------------------------------------------------------------------------- help per command


SERVER_ONLY = (
    "--api-key-stdin",
    "--base-url",
    "--timeout",
    "--json",
    "SIM_API_KEY",
    "SIM_BASE_URL",
)


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_local_commands_help_shows_only_what_applies(capsys, command):
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert [word for word in SERVER_ONLY if word in text] == []
    assert "exit codes:" in text
    assert "3    the API refused" not in text  # no API is called


@pytest.mark.parametrize("command", ["demo", "serve"])
def test_local_commands_refuse_server_options(capsys, command):
    assert main([command, "--timeout", "5"]) == 2
    assert "unrecognized arguments: --timeout 5" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "status", "job", "usage"])
def test_server_commands_help_shows_the_connection_options(capsys, command):
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert [word for word in SERVER_ONLY if word not in text] == []
    assert "limit of the whole command" in text
