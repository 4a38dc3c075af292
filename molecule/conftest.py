"""The one conftest of the molecule scenarios' testinfra suites (pytest loads it through the
repository's pytest.ini). Their helpers live in tests/molecule_support/, a package with one module
per job, which the test modules import as `molecule_support.<module>`; the shared fixtures are
molecule_support/fixtures.py, made visible here."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

# Fixtures must be in the conftest namespace.
from molecule_support.fixtures import (  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
    client, client_host, scenario_state)
