"""The collection used the way an admin pulls it into an existing infrastructure repository: the
built tarball, named in that repository's requirements.yml, installed into its collections path,
then a play of its own that uses the role by FQCN, and the collection's playbook by FQCN."""
import os
import subprocess
import sys

import testinfra

from ha_support import through_address  # noqa: F401  pylint: disable=unused-import
from molecule_support import EPHEMERAL, REPO, SERVER_NAME, client_for, recorded_address

PROXY = "ha-proxy2"
BIN = os.path.dirname(sys.executable)
ANSIBLE_CFG = """[defaults]
collections_path = ./collections
inventory = inventory.yml
interpreter_python = auto_silent

[ssh_connection]
pipelining = True
"""
# An admin's inventory: the proxy over SSH as root (the scenario's key, tests/playbooks/ssh_access.yml).
INVENTORY = f"""ucproxy:
  hosts:
    {PROXY}:
      ansible_host: {recorded_address(PROXY)}
  vars:
    ansible_user: root
    ansible_become: false
    ansible_ssh_private_key_file: {EPHEMERAL}/ssh/id_ed25519
    ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
    reverse_proxy_server_names: [{SERVER_NAME}]
    reverse_proxy_upstream_host: ha-ucserver
    reverse_proxy_certificate_mode: files
    reverse_proxy_certificate_file: {EPHEMERAL}/pki/proxy.crt
    reverse_proxy_certificate_chain_file: {EPHEMERAL}/pki/intermediate.crt
    reverse_proxy_certificate_key_file: {EPHEMERAL}/pki/proxy.key
    reverse_proxy_security_updates: false
    reverse_proxy_ban: false
"""
OWN_PLAY = """- name: Our proxies
  hosts: ucproxy
  gather_facts: false
  roles:
    - role: ucproxy.nginx.reverse_proxy
      vars:
        reverse_proxy_extra_headers: [{name: X-Infra-Repo, value: own-play}]
        reverse_proxy_hsts_max_age: 31536000
        reverse_proxy_http2: false
        reverse_proxy_tls_profile: modern
"""


def run(command, cwd):
    # Only the scratch repository's ansible.cfg counts, not the scenario's settings.
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("ANSIBLE_CONFIG", "ANSIBLE_COLLECTIONS_PATH")}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment, timeout=600,
                            check=False)
    assert result.returncode == 0, f"{command}: {(result.stdout + result.stderr)[-3000:]}"
    return result.stdout


def test_built_collection_runs_from_an_infrastructure_repository(tmp_path, client_host):
    # What the scenario's converge left on, with the role's defaults, and the runs below turn off.
    proxy = testinfra.get_host(f"podman://{PROXY}")
    assert proxy.file("/usr/sbin/policy-rc.d").exists
    # fail2ban puts a jail's set and rules into nftables with its first ban.
    proxy.run_expect([0], "fail2ban-client set ucproxy-nginx-login banip 198.51.100.7")
    assert "ucproxy-nginx-login" in proxy.check_output("nft list ruleset")
    run([f"{BIN}/ansible-galaxy", "collection", "build", "--output-path", str(tmp_path / "dist"), REPO], tmp_path)
    tarball = next((tmp_path / "dist").glob("ucproxy-nginx-*.tar.gz"))
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "ansible.cfg").write_text(ANSIBLE_CFG)
    (infra / "inventory.yml").write_text(INVENTORY)
    (infra / "proxy.yml").write_text(OWN_PLAY)
    (infra / "requirements.yml").write_text(f"collections:\n  - name: {tarball}\n    type: file\n")
    # community.crypto, the dependency, comes with the ansible package; no Galaxy server here.
    run([f"{BIN}/ansible-galaxy", "collection", "install", "-r", "requirements.yml", "--no-deps", "--offline"], infra)
    listed = run([f"{BIN}/ansible-galaxy", "collection", "list", "ucproxy.nginx"], infra)
    assert str(infra / "collections" / "ansible_collections") in listed, listed

    run([f"{BIN}/ansible-playbook", "proxy.yml"], infra)
    response = client_for(client_host, proxy).request(f"https://{SERVER_NAME}/ws/client/echo")
    assert response.status == 200 and response.headers["x-infra-repo"] == "own-play"
    assert client_for(client_host, proxy).tls("-tls1_2").rc != 0  # the play's modern profile is in force

    run([f"{BIN}/ansible-playbook", "ucproxy.nginx.site"], infra)
    response = client_for(client_host, proxy).request(f"https://{SERVER_NAME}/ws/client/echo")
    assert response.status == 200 and "x-infra-repo" not in response.headers


def test_a_proxy_taken_out_of_the_pair_loses_keepalived_and_the_peer_serves_the_address(through_address):
    # The scratch repository's inventory has no virtual address: the runs above took the proxy out
    # of the pair.
    proxy = testinfra.get_host(f"podman://{PROXY}")
    assert not proxy.package("keepalived").is_installed
    assert not proxy.file("/etc/keepalived/keepalived.conf").exists
    assert through_address.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200


def test_metrics_turned_off_remove_the_exporter_and_the_status_listener():
    # The scratch repository's inventory has no reverse_proxy_metrics either (test_exporter.py ran
    # with them on).
    proxy = testinfra.get_host(f"podman://{PROXY}")
    assert not proxy.package("prometheus-nginx-exporter").is_installed
    assert not proxy.socket("tcp://127.0.0.1:8081").is_listening
    assert not proxy.socket("tcp://127.0.0.1:9113").is_listening


def test_security_updates_turned_off_remove_the_roles_apt_configuration():
    # The scenario's converge left the role's unattended-upgrades configuration on ha-proxy2 (the
    # default); the scratch repository's inventory turns it off.
    proxy = testinfra.get_host(f"podman://{PROXY}")
    for path in ("/etc/apt/apt.conf.d/52ucproxy-nginx", "/usr/sbin/policy-rc.d"):
        assert not proxy.file(path).exists, path
    settings = proxy.check_output("apt-config dump")
    assert "nginx-binary-upgrade" not in settings and "MinimalSteps" not in settings


def test_bans_turned_off_remove_the_jail_and_its_rules():
    proxy = testinfra.get_host(f"podman://{PROXY}")
    assert not proxy.file("/etc/fail2ban/jail.d/ucproxy-nginx.conf").exists
    assert "ucproxy-nginx-login" not in proxy.run("fail2ban-client status").stdout
    assert "ucproxy-nginx-login" not in proxy.check_output("nft list ruleset")  # the jail's set and rules
