"""What the ha scenario's tests share: the pair's proxies, its virtual addresses (IPv4 and IPv6), a
client that connects through them, and who holds them."""
import pytest

from molecule_support.clients import Client, copy_to
from molecule_support.scenario import container, first_of, pki_root, proxy_names, proxy_vars, recorded_address

# The fixtures a test module takes with `from ha_support import *`.
__all__ = ["proxies", "through_address", "through_ipv6_address"]


def virtual_address() -> str:
    """The pair's virtual address (host 200 of the scenario's network, recorded by prepare.yml)."""
    return recorded_address("virtual").split("/", maxsplit=1)[0]


def virtual_ipv6_address() -> str:
    """The pair's IPv6 virtual address (reverse_proxy_ha_vip6 in the inventory)."""
    return proxy_vars(first_of("ucproxy"))["reverse_proxy_ha_vip6"].split("/", maxsplit=1)[0]


@pytest.fixture(scope="module")
def proxies():
    """The pair's proxies by name, in inventory order (the order of a rolling deploy)."""
    return {name: container(name) for name in proxy_names()}


@pytest.fixture(scope="module")
def through_address(client_host):
    """The client container, connecting to the virtual address."""
    cafile = "/tmp/ca-pair.pem"
    copy_to(client_host, pki_root().read_bytes(), cafile)
    return Client(client_host, virtual_address(), cafile)


@pytest.fixture(scope="module")
def through_ipv6_address(through_address):
    """The client container, connecting to the IPv6 virtual address."""
    return Client(through_address.host, f"[{virtual_ipv6_address()}]", through_address.cafile)


def holders(proxies, skip=()) -> list:
    """The nodes that hold the virtual addresses (one, when the pair works): a node's name when it
    holds both, IPv4 and IPv6, which always move together; "<name> (IPv4 only)" or "<name> (IPv6
    only)" when it holds one of them."""
    found = []
    for name, host in proxies.items():
        if name in skip:
            continue
        addresses = host.run("ip -o address show").stdout
        held = [family for family, address in (("IPv4", virtual_address()), ("IPv6", virtual_ipv6_address()))
                if f" {address}/" in addresses]
        if held:
            found.append(name if len(held) == 2 else f"{name} ({held[0]} only)")
    return found


def serves_websockets(client: Client, count: int = 3) -> bool:
    """New logins and WebSockets through the address (what a client does after losing its own)."""
    results = [client.websocket(f"/ws/client/websocket?x-ucsessionid={client.session()}") for _login in range(count)]
    return all(result["rc"] == 0 and result["echoed"] == 3 for result in results)
