"""``import simstudio`` against ``import requests`` alone, in fresh interpreters.

The package loads its public names on first use, so "import simstudio" is measured as
``from simstudio import SimStudioClient``: what a program that uses the SDK pays.

Each run is a new ``python -c 'import x'`` process timed from outside (wall time, so the
interpreter's own start is included; ``python -c pass`` is measured too and subtracted for the
"import only" columns). The three commands are interleaved; medians are reported. One extra
``-X importtime`` run attributes the self time of simstudio's own modules.

Bytecode is compiled once first into a private ``PYTHONPYCACHEPREFIX`` (a checkout run with
``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile simstudio from source on every run while
``requests`` comes from site-packages' ``.pyc`` files, which is not what users see).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List

from ._stats import median

_SDK_IMPORT = "from simstudio import SimStudioClient"
COMMANDS = {
    "python -c pass": "pass",
    "import requests": "import requests",
    "import simstudio": _SDK_IMPORT,
}


def _time(code: str, env: Dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - start


def _own_modules_ms(env: Dict[str, str]) -> Dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _SDK_IMPORT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    own = total = 0.0
    started = False
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[0].strip().startswith("import time:"):
            continue
        try:
            self_us = float(parts[0].split(":")[1])
            cumulative_us = float(parts[1])
        except ValueError:
            continue
        name = parts[2].strip()
        if name.startswith("simstudio"):
            own += self_us
        # Top-level entries from the package on: the package, then what its names pulled in.
        top_level = not parts[2][1:].startswith(" ")
        started = started or (top_level and name.startswith("simstudio"))
        if started and top_level:
            total += cumulative_us
    return {"simstudio_self_ms": own / 1e3, "simstudio_cumulative_ms": total / 1e3}


def run(quick: bool = False) -> Dict[str, Any]:
    """Median wall time of each command over several interleaved runs."""
    runs = 5 if quick else 15
    with tempfile.TemporaryDirectory(prefix="simstudio-bench-pyc-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        return _measure(runs, env)


def _measure(runs: int, env: Dict[str, str]) -> Dict[str, Any]:
    for code in COMMANDS.values():  # bytecode and the page cache warm up first
        _time(code, env)
    samples: Dict[str, List[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, code in COMMANDS.items():
            samples[name].append(_time(code, env))
    medians = {name: median(values) * 1e3 for name, values in samples.items()}
    bare = medians["python -c pass"]
    result: Dict[str, Any] = {
        "runs": runs,
        "ms": medians,
        "import_only_ms": {name: value - bare for name, value in medians.items()},
    }
    result["ratio"] = medians["import simstudio"] / medians["import requests"]
    requests_only = result["import_only_ms"]["import requests"]
    result["import_only_ratio"] = (
        result["import_only_ms"]["import simstudio"] / requests_only if requests_only > 0 else None
    )
    result.update(_own_modules_ms(env))
    return result
