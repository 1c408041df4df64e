"""The package version, kept in one place (read by hatchling and by the User-Agent)."""

__version__ = "2.0.1"
"""The version of the simstudio package (PEP 440), also sent in the ``User-Agent``."""
