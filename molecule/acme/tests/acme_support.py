"""What the acme scenario's tests share: Pebble, a client that trusts Pebble's root only, and the
certificate the proxy serves as that client sees it."""
import pytest

from molecule_support.clients import Client, copy_to, served_certificate
from molecule_support.scenario import SERVER_NAME, first_of, pki_root

# The fixtures a test module takes with `from acme_support import *` (the client overrides the shared one).
__all__ = ["client", "pebble", "pebble_root"]


@pytest.fixture(scope="module")
def pebble():
    return first_of("acme_servers")


@pytest.fixture(scope="module")
def pebble_root(client_host, pebble):
    """Pebble's root (from its management port; Pebble makes a new one each time it starts); its
    path on the client."""
    copy_to(client_host, pki_root().read_bytes(), "/tmp/test-ca.pem")
    cafile = "/tmp/pebble-root.pem"
    client_host.run_expect([0], f"curl -sS --max-time 10 --cacert /tmp/test-ca.pem -o {cafile} "
                                f"https://{pebble.backend.name}:15000/roots/0")
    return cafile


@pytest.fixture
def client(host, client_host, pebble_root):
    """The client trusts Pebble's root, nothing else."""
    return Client(client_host, host.backend.name, pebble_root)


def served(client, servername=SERVER_NAME) -> dict:
    """Serial, issuer and names of the certificate the proxy serves, verified against Pebble's root."""
    return served_certificate(client, servername, cafile=client.cafile)
