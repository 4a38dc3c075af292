"""The one conftest of the molecule scenarios' testinfra suites (pytest loads it through the
repository's pytest.ini). Their fixtures and helpers live in tests/molecule_support.py, which the
test modules import as `molecule_support`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

# Fixtures must be in the conftest namespace.
from molecule_support import *  # noqa: E402,F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
