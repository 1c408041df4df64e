"""The ``simstudio`` command line (``python -m simstudio``); the library never imports it.

``main`` runs it; ``build_parser`` builds its parser from the command groups of
:mod:`simstudio.cli.commands`. The ``EXIT_*`` constants are its documented exit codes.
"""

from __future__ import annotations

from ._main import build_parser, main
from ._output import EXIT_API_ERROR as EXIT_API_ERROR
from ._output import EXIT_CONNECTION as EXIT_CONNECTION
from ._output import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from ._output import EXIT_OK as EXIT_OK
from ._output import EXIT_USAGE as EXIT_USAGE
from ._output import EXIT_WORKFLOW_FAILED as EXIT_WORKFLOW_FAILED

__all__ = ["build_parser", "main"]
