"""Pebble, the ACME test server of the acme scenarios (tests/playbooks/pebble.yml), and its root."""
import pytest

from molecule_support.ansible_runs import run_module
from molecule_support.clients import copy_to
from molecule_support.scenario import first_of, pki_root


@pytest.fixture(scope="module")
def pebble():
    return first_of("acme_servers")


@pytest.fixture(scope="module")
def pebble_root(client_host, pebble):
    """Pebble's root (from its management port; Pebble makes a new one each time it starts); its
    path on the client."""
    copy_to(client_host, pki_root().read_bytes(), "/tmp/test-ca.pem")
    return root_of(client_host, pebble, "pebble")


# Each Pebble of tests/playbooks/pebble.yml: its roots on its management port.
MANAGEMENT_PORTS = {"pebble": 15000, "pebble-short": 15001, "pebble-dns": 15002}


def root_of(client_host, pebble, name: str) -> str:
    """The root of one Pebble, fetched over its management port (trusting the test CA, which
    pebble_root put on the client); its path on the client."""
    cafile = f"/tmp/{name}-root.pem"
    client_host.run_expect([0], f"curl -sS --max-time 10 --cacert /tmp/test-ca.pem -o {cafile} "
                                f"https://{pebble.backend.name}:{MANAGEMENT_PORTS[name]}/roots/0")
    return cafile


def renewal_due(proxy: str, lineage: str = "reverseproxy") -> None:
    """certbot on the proxy renews the lineage's certificate (Pebble's live 10 days) whenever it
    runs: the role's certbot_renewal module with reverse_proxy_acme_renew_before_days' 10 (a 1.x
    inventory has no such variable, so the scenarios do not set it)."""
    result = run_module(proxy, "ucproxy.nginx.certbot_renewal", f"lineages={lineage} renew_before_days=10")
    assert result.returncode == 0, result.stdout + result.stderr
