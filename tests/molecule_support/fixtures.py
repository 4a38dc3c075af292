"""The pytest fixtures every scenario's tests share (molecule/conftest.py loads them)."""
import pytest

from molecule_support.clients import Client, client_for
from molecule_support.scenario import first_of
from molecule_support.scenario_state import ensure_scenario_state


@pytest.fixture(scope="module", autouse=True)
def scenario_state():
    """Every test module starts from the scenario's own state (molecule_support/scenario_state.py):
    what an earlier module changed is converged back first, and nothing is when nothing differs."""
    ensure_scenario_state()


@pytest.fixture(scope="module")
def client_host():
    """The client container (the first of the group test_clients)."""
    return first_of("test_clients")


@pytest.fixture
def client(host, client_host) -> Client:
    """The client container talking to the test's proxy, trusting the test CA or the proxy's own
    certificate."""
    return client_for(client_host, host)
