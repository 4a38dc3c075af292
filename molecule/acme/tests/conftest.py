"""Fixtures and helpers shared by all scenarios live in tests/molecule_support.py."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests"))

# Fixtures must be in the conftest namespace.
from molecule_support import *  # noqa: E402,F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
