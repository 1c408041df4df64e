"""What the numbers were measured on: CPU, cores, load, Python and library versions."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from typing import Dict


def _lscpu_model() -> str:
    try:
        out = subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return platform.processor() or "unknown"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _version(module: str) -> str:
    try:
        from importlib.metadata import version
    except ImportError:  # pragma: no cover - Python 3.7 only
        return "?"
    try:
        return version(module)
    except Exception:
        return "not installed"


def load_average() -> str:
    """The 1/5/15-minute load averages, as text."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def describe() -> Dict[str, str]:
    """A flat description of the machine and software."""
    affinity = getattr(os, "sched_getaffinity", None)
    usable = len(affinity(0)) if affinity is not None else os.cpu_count()
    return {
        "cpu": _lscpu_model(),
        "nproc": str(usable),
        "cpu_count": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "platform": platform.platform(),
        "requests": _version("requests"),
        "urllib3": _version("urllib3"),
        "simstudio-sdk": _version("simstudio-sdk"),
        "httpx-sse": _version("httpx-sse"),
        "sseclient-py": _version("sseclient-py"),
        "load_before": load_average(),
    }
