"""The ``simstudio`` parser: one-line usage errors, help epilogs, and what groups register with."""

from __future__ import annotations

import argparse
from typing import Any, Callable, NoReturn, Optional

from ._options import connection_options
from ._output import EXIT_USAGE, one_line

__all__ = ["SERVER_EPILOG", "Commands", "Handler", "Parser"]

Handler = Callable[[argparse.Namespace], int]

SERVER_EPILOG = """\
exit codes:
  0    success
  1    the workflow ran and failed (result success false, job failed or cancelled)
  2    usage error: bad arguments, invalid --input JSON, no SIM_API_KEY
  3    the API refused the request; stderr says: error: <message> (code X, HTTP N)
  4    network problem: server unreachable, timed out (--timeout), stream cut off
  130  interrupted (Ctrl-C)

environment:
  SIM_API_KEY   the API key (or pipe it in with --api-key-stdin)
  SIM_BASE_URL  the Sim server (default https://sim.ai; --base-url overrides it)
"""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: error: <message>`` and exit with 2 (argparse prints usage too)."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line(message)} (see {self.prog} -h)\n")


class Commands:
    """What a command group registers its subcommands with (see ``simstudio.cli.commands``).

    Args:
        subparsers: The object ``add_subparsers()`` returned.
        prefix: The words before a subcommand's name (``""`` at the top level).
        parents: The parent parsers of the commands that call a Sim server.
    """

    def __init__(self, subparsers: Any, prefix: str, parents: Any) -> None:
        self._subparsers = subparsers
        self._prefix = prefix
        self._parents = parents

    def add(
        self,
        name: str,
        handler: Handler,
        *,
        summary: str,
        server: bool = True,
        epilog: Optional[str] = None,
    ) -> argparse.ArgumentParser:
        """Add a subcommand; add its own arguments to the parser returned.

        Args:
            name: The subcommand's name (``run``, ``list``...).
            handler: Runs the command with the parsed arguments and returns the exit code;
                SDK errors, ``UsageError`` and Ctrl-C it lets through become exit codes.
            summary: One line for ``--help`` listings.
            server: The command calls a Sim server: it gets ``--base-url``,
                ``--api-key-stdin``, ``--timeout`` and ``--json``, and ``args.deadline``.
            epilog: The end of its ``--help`` (default: exit codes and environment of a
                command that calls a server; a local command must say its own).
        """
        if epilog is None and server:
            epilog = SERVER_EPILOG
        parser: argparse.ArgumentParser = self._subparsers.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=epilog,
            parents=self._parents if server else [],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        # The parser itself too: main reports leftover arguments in the command's own name.
        parser.set_defaults(
            handler=handler, command_name=self._prefix + name, command_parser=parser
        )
        return parser

    def group(self, name: str, *, summary: str) -> Commands:
        """Add a subcommand with subcommands of its own (``simstudio kb list``).

        Returns:
            The :class:`Commands` to add the group's subcommands with.
        """
        parser = self._subparsers.add_parser(name, help=summary, description=summary)
        nested = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND")
        nested.required = True
        return Commands(nested, f"{self._prefix}{name} ", self._parents)


def new_commands(parser: argparse.ArgumentParser) -> Commands:
    """The top-level :class:`Commands` of ``parser``."""
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    return Commands(subparsers, "", [connection_options()])
