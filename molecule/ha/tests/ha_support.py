"""What the ha scenario's tests share: the pair's proxies, its virtual address, a client that
connects through it, and who holds the address."""
import pytest

from molecule_support.clients import Client, copy_to
from molecule_support.scenario import container, pki_root, proxy_names, recorded_address

# The fixtures a test module takes with `from ha_support import *`.
__all__ = ["proxies", "through_address"]


def virtual_address() -> str:
    """The pair's virtual address (host 200 of the scenario's network, recorded by prepare.yml)."""
    return recorded_address("virtual").split("/", maxsplit=1)[0]


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


def holders(proxies, skip=()) -> list:
    """The names of the nodes that hold the virtual address (one, when the pair works)."""
    return [name for name, host in proxies.items()
            if name not in skip and host.run(f"ip -o -4 address show to {virtual_address()}").stdout.strip()]


def serves_websockets(client: Client, count: int = 3) -> bool:
    """New logins and WebSockets through the address (what a client does after losing its own)."""
    results = [client.websocket(f"/ws/client/websocket?x-ucsessionid={client.session()}") for _login in range(count)]
    return all(result["rc"] == 0 and result["echoed"] == 3 for result in results)
