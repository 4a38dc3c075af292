"""What the acme scenario's tests share: Pebble, a client that trusts Pebble's root only, and the
certificate the proxy serves as that client sees it."""
import pytest

from molecule_support.clients import Client, served_certificate
from molecule_support.pebble import pebble, pebble_root  # noqa: F401  pylint: disable=unused-import
from molecule_support.scenario import SERVER_NAME

# The fixtures a test module takes with `from acme_support import *` (the client overrides the shared one).
__all__ = ["client", "pebble", "pebble_root"]


@pytest.fixture
def client(host, client_host, pebble_root):
    """The client trusts Pebble's root, nothing else."""
    return Client(client_host, host.backend.name, pebble_root)


def served(client, servername=SERVER_NAME) -> dict:
    """Serial, issuer and names of the certificate the proxy serves, verified against Pebble's root."""
    return served_certificate(client, servername, cafile=client.cafile)
