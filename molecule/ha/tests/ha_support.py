"""What the ha scenario's tests share: the pair's proxies, its virtual address and a client that
connects through it."""
import pytest
import testinfra

from molecule_support import PROXIES, TEST_CA, Client, copy_to, recorded_address

VIRTUAL_ADDRESS = recorded_address("virtual").split("/", maxsplit=1)[0]


@pytest.fixture(scope="module")
def proxies():
    """The pair's proxies by name."""
    return {backend.split("://")[1]: testinfra.get_host(backend) for backend in PROXIES}


@pytest.fixture(scope="module")
def through_address(client_host):
    """The client container, connecting to the virtual address."""
    cafile = "/tmp/ca-pair.pem"
    with open(TEST_CA, "rb") as ca:
        copy_to(client_host, ca.read(), cafile)
    return Client(client_host, VIRTUAL_ADDRESS, cafile)


def serves_websockets(client: Client, count: int = 3) -> bool:
    """New logins and WebSockets through the address (what a client does after losing its own)."""
    results = [client.websocket(f"/ws/client/websocket?x-ucsessionid={client.session()}") for _login in range(count)]
    return all(result["rc"] == 0 and result["echoed"] == 3 for result in results)
