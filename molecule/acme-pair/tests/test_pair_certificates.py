"""acme mode on a pair: each node got a certificate of its own from Pebble while the virtual address
sat on one of them (the CA's challenges for the other node's order reached the holder, which
passed them on), and both renew through certbot's own service while the address sits on the
other node; a client through the virtual address gets a certificate of Pebble's CA from either."""
import pytest

from molecule_support.clients import Client, served_certificate
from molecule_support.pebble import pebble, pebble_root, renewal_due  # noqa: F401  pylint: disable=unused-import
from molecule_support.scenario import SERVER_NAME, container, proxy_names, recorded_address
from molecule_support.waiting import wait_for

# keepalived gives the address up at once when it stops; the peer holds it within seconds.
FAILOVER_BOUND = 15


def virtual_address() -> str:
    return recorded_address("virtual").split("/", maxsplit=1)[0]


@pytest.fixture(scope="module")
def proxies():
    return {name: container(name) for name in proxy_names()}


@pytest.fixture(scope="module")
def clients(client_host, pebble_root):
    """A client that trusts Pebble's root only, to each node directly and through the address."""
    targets = {name: name for name in proxy_names()} | {"virtual": virtual_address()}
    return {name: Client(client_host, target, pebble_root) for name, target in targets.items()}


def holders(proxies) -> list:
    return [name for name, host in proxies.items()
            if host.run(f"ip -o -4 address show to {virtual_address()}").stdout.strip()]


def served(client) -> dict:
    return served_certificate(client, SERVER_NAME, cafile=client.cafile)


def test_each_node_got_a_certificate_of_its_own_from_pebble(proxies, clients):
    [holder] = holders(proxies)
    certificates = {name: served(clients[name]) for name in proxies}
    assert all("Pebble Intermediate CA" in certificate["issuer"] for certificate in certificates.values()), certificates
    assert len({certificate["serial"] for certificate in certificates.values()}) == len(proxies), certificates
    assert served(clients["virtual"]) == certificates[holder]


def test_both_nodes_renew_with_the_address_on_the_other_one(proxies, clients):
    [holder] = holders(proxies)
    [other] = [name for name in proxies if name != holder]
    before = {name: served(clients[name])["serial"] for name in proxies}
    proxies[holder].run_expect([0], "systemctl stop keepalived")
    try:
        wait_for(lambda: holders(proxies) == [other], FAILOVER_BOUND, f"{other} did not take the address")
        # The unit Debian's certbot.timer starts, with the certificates due. The CA reaches the
        # address, now on the other node, for both orders.
        for name, host in proxies.items():
            renewal_due(name)
            host.run_expect([0], "systemctl start certbot.service")
        for name in proxies:
            wait_for(lambda name=name: served(clients[name])["serial"] != before[name], 30,
                     f"{name} does not serve a renewed certificate")
        renewed = {name: served(clients[name]) for name in proxies}
        assert all("Pebble Intermediate CA" in certificate["issuer"] for certificate in renewed.values()), renewed
        assert served(clients["virtual"]) == renewed[other]
    finally:
        proxies[holder].run_expect([0], "systemctl start keepalived")
