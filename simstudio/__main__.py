"""``python -m simstudio``: the ``simstudio`` command line (see :mod:`simstudio.cli`)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
