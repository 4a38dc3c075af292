"""Hosts the role cannot work on are refused before anything changes, with the real reason."""
import re

import pytest

from molecule_support.ansible_runs import CONVERGE, run_playbook
from molecule_support.scenario import proxy_backends
from molecule_support.scenario_state import host_state

testinfra_hosts = proxy_backends()


def test_a_failure_to_become_another_user_surfaces_as_itself_and_changes_nothing(host):
    before = host_state(host)
    # The container has no sudo (Ansible skips become only when it logs in as the target user).
    result = run_playbook(CONVERGE, {"ansible_become": True, "ansible_become_user": "nobody"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert re.search(r"sudo: (command )?not found", output), output[-3000:]
    assert "has no attribute" not in output
    assert host_state(host) == before


@pytest.fixture
def fedora(client_host):
    """The client container made to look like a Fedora host (os-release, no debian_version)."""
    client_host.run_expect([0], "mv /etc/os-release /etc/os-release.ucproxy-test && "
                                "mv /etc/debian_version /etc/debian_version.ucproxy-test && "
                                "printf 'NAME=\"Fedora Linux\"\\nID=fedora\\nVERSION_ID=41\\n' > /etc/os-release")
    yield client_host
    client_host.run_expect([0], "mv -f /etc/os-release.ucproxy-test /etc/os-release && "
                                "mv -f /etc/debian_version.ucproxy-test /etc/debian_version")


def test_a_host_that_is_not_debian_or_ubuntu_is_refused_before_any_change(fedora, tmp_path):
    name = fedora.backend.name
    inventory = tmp_path / "not-debian.yml"
    # In the proxies' group, but reached through podman by its name like the other test containers.
    inventory.write_text(f"ucproxy:\n  hosts:\n    {name}:\n      ansible_host: {name}\n")
    result = run_playbook(CONVERGE, args=("-i", str(inventory), "--limit", name))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    refusal = f"{name} runs Fedora[ a-zA-Z]* 41; the role supports Debian and Ubuntu only"
    assert re.search(refusal, output), output[-3000:]
    assert fedora.run("dpkg-query --show nginx").rc != 0, "nginx was installed"
