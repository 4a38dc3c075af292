"""Facts of the molecule scenario under test: its inventory and hosts, the addresses its prepare
step recorded, its server names and its test CA. Molecule's environment (MOLECULE_INVENTORY_FILE,
MOLECULE_EPHEMERAL_DIRECTORY) is read when a fact is asked for, never at import."""
import functools
import os
from pathlib import Path

import testinfra
import yaml
from testinfra.utils.ansible_runner import AnsibleRunner

# The checkout (tests/molecule_support/ is two levels down).
REPO = Path(__file__).resolve().parents[2]
# The names the scenarios' single sites serve (and faults' certificates name).
SERVER_NAME = "uc.example.test"
SECOND_NAME = "ucproxy.example.test"
SERVER_NAMES = [SERVER_NAME, SECOND_NAME]


def ephemeral_directory() -> Path:
    """The scenario's directory on the controller (SSH key, PKI, recorded addresses and states)."""
    return Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])


def inventory_file() -> str:
    return os.environ["MOLECULE_INVENTORY_FILE"]


@functools.cache
def _inventory(path: str) -> AnsibleRunner:
    return AnsibleRunner(path)


def inventory() -> AnsibleRunner:
    return _inventory(inventory_file())


def hosts_of(group: str) -> list:
    """The names of the inventory's hosts in `group`, in inventory order."""
    return inventory().get_hosts(group)


def proxy_names() -> list:
    return hosts_of("ucproxy")


def proxy_backends() -> list:
    """The proxies as testinfra host specs (reached with podman exec): a module's testinfra_hosts."""
    return [f"podman://{name}" for name in proxy_names()]


def container(name: str):
    """A container of the scenario as a testinfra host."""
    return testinfra.get_host(f"podman://{name}")


def first_of(group: str):
    """The first container of an inventory group (e.g. the stand-in, the client) as a testinfra host."""
    return container(hosts_of(group)[0])


def proxy_vars(host) -> dict:
    """Inventory variables of the proxy behind a testinfra host (templates unrendered)."""
    return inventory().get_variables(host.backend.name)


def role_default(name: str):
    """A variable's default in the role (defaults/main.yml)."""
    with open(REPO / "roles" / "reverse_proxy" / "defaults" / "main.yml", encoding="utf-8") as defaults:
        return yaml.safe_load(defaults)[name]


def tls_profile(host) -> str:
    return proxy_vars(host).get("reverse_proxy_tls_profile", "intermediate")


def recorded_address(name: str) -> str:
    """The address the prepare step recorded for `name` (tests/playbooks/ssh_access.yml): a
    container's on the scenario's network, or `virtual`, the ha pair's with its prefix length."""
    return (ephemeral_directory() / "addresses" / name).read_text(encoding="utf-8").strip()


def ipv6_address(name: str) -> str:
    """The IPv6 address of container `name`, in `ipv6_test_network` of the scenario's inventory
    (tests/playbooks/ipv6_network.yml)."""
    return inventory().get_variables(name)["ipv6_test_network"]["addresses"][name]


def pki_root() -> Path:
    """The root certificate of the scenario's test CA (tests/playbooks/test_pki.yml); not every
    scenario has one. (Not named test_*: pytest would collect it where a test module imports it.)"""
    return ephemeral_directory() / "pki" / "root.crt"


def pki_file(name: str) -> Path:
    """A file the test CA wrote (certificates and keys it issued)."""
    return ephemeral_directory() / "pki" / name


def ssh_key() -> Path:
    """The key the prepare step authorized on the proxies (tests/playbooks/ssh_access.yml)."""
    return ephemeral_directory() / "ssh" / "id_ed25519"
