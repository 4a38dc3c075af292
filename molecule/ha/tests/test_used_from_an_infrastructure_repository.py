"""The collection used the way an admin pulls it into an existing infrastructure repository: the
built tarball, named in that repository's requirements.yml, installed into its collections path,
then a play of its own that uses the role by FQCN, and the collection's playbook by FQCN. The
repository is laid out as the README says (certificates in files/ next to inventories/, the key
encrypted with ansible-vault, the README's ansible.cfg), and no run prints a warning. Its
inventory (ha-proxy2 alone) has no virtual address, no metrics, and turns bans and security
updates off: its runs take the proxy out of the pair and remove what these left on."""
import os
import subprocess
import sys

import pytest

from ha_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.ansible_runs import converge
from molecule_support.clients import client_for
from molecule_support.host_paths import APT_CONF, FAIL2BAN_JAIL, FAIL2BAN_JAIL_NAME, KEEPALIVED_CONF, POLICY_RC_D
from molecule_support.scenario import REPO, SERVER_NAME, container, pki_file, recorded_address, ssh_key
from molecule_support.scenario_state import differences, ensure_scenario_state, ensure_services_running

PROXY = "ha-proxy2"
BIN = os.path.dirname(sys.executable)
ANSIBLE_CFG = """[defaults]
collections_path = ./collections
interpreter_python = auto_silent

[ssh_connection]
pipelining = True
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
EXPORTER_PORT, STATUS_PORT = 9113, 8081


VAULT_PASSWORD = "scratch-repository-vault"
PLAYBOOK_ARGS = ("-i", "inventories/production", "--vault-password-file", "vault-password")


def hosts() -> str:
    """The proxy over SSH as root (the scenario's key, tests/playbooks/ssh_access.yml)."""
    return f"""ucproxy:
  hosts:
    {PROXY}:
      ansible_host: {recorded_address(PROXY)}
  vars:
    ansible_user: root
    ansible_become: false
    ansible_ssh_private_key_file: {ssh_key()}
    ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
"""


PROXY_SETTINGS = f"""reverse_proxy_server_names: [{SERVER_NAME}]
reverse_proxy_upstream_host: ha-ucserver
reverse_proxy_certificate_mode: files
reverse_proxy_certificate_file: "{{{{ controller_files }}}}/proxy.crt"
reverse_proxy_certificate_chain_file: "{{{{ controller_files }}}}/intermediate.crt"
reverse_proxy_certificate_key_file: "{{{{ controller_files }}}}/proxy.key"
reverse_proxy_security_updates: false
reverse_proxy_ban: false
# Within the containers' open-file limit (20000), so that nginx gets what the sizing plans and no
# run has to warn that it capped it.
reverse_proxy_max_clients: 5000
"""


def lay_out(infra):
    """The scratch repository as the README's layout shows it."""
    (infra / "ansible.cfg").write_text(ANSIBLE_CFG)
    (infra / "proxy.yml").write_text(OWN_PLAY)
    files = infra / "files"
    files.mkdir()
    for name in ("proxy.crt", "intermediate.crt", "proxy.key"):
        (files / name).write_bytes(pki_file(name).read_bytes())
    (infra / "vault-password").write_text(VAULT_PASSWORD)
    run([f"{BIN}/ansible-vault", "encrypt", "--vault-password-file", "vault-password", "files/proxy.key"], infra)
    inventory = infra / "inventories" / "production"
    (inventory / "group_vars" / "ucproxy").mkdir(parents=True)
    (inventory / "hosts.yml").write_text(hosts())
    (inventory / "group_vars" / "all.yml").write_text('controller_files: "{{ inventory_dir }}/../../files"\n')
    (inventory / "group_vars" / "ucproxy" / "main.yml").write_text(PROXY_SETTINGS)


def run(command, cwd):
    # Only the scratch repository's ansible.cfg counts, not the scenario's settings.
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("ANSIBLE_CONFIG", "ANSIBLE_COLLECTIONS_PATH")}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment, timeout=600,
                            check=False)
    assert result.returncode == 0, f"{command}: {(result.stdout + result.stderr)[-3000:]}"
    return result.stdout + result.stderr


def what_the_runs_turn_off(proxy) -> dict:
    """Whether each thing the scratch repository's runs remove is on the proxy."""
    return {"keepalived": proxy.file(KEEPALIVED_CONF).exists,
            "metrics": proxy.socket(f"tcp://127.0.0.1:{EXPORTER_PORT}").is_listening,
            "security updates": proxy.file(POLICY_RC_D).exists and proxy.file(APT_CONF).exists,
            "bans": proxy.file(FAIL2BAN_JAIL).exists}


@pytest.fixture(scope="module", autouse=True)
def scenario_state():
    """Overrides the shared fixture: the module needs ha-proxy2 converged by the scenario, with
    all it turns off on, not the scenario's exact state (a rollout's change may be left). The
    scenario is converged back only when that does not hold.

    Afterwards ha-proxy2 is converged back into the pair, alone: a later module's converge may
    have to restart nginx on ha-proxy1 (after a rollout's change), and the role then hands the
    virtual address to the peer first, which it cannot while the peer is out of the pair."""
    if all(what_the_runs_turn_off(container(PROXY)).values()):
        ensure_services_running()
    else:
        ensure_scenario_state()
    yield
    if differences(PROXY):
        converge(args=("--limit", PROXY))


@pytest.fixture(scope="module")
def runs(tmp_path_factory, client_host):
    """The runs from the scratch repository; what a client got after each, and the collection list."""
    proxy = container(PROXY)
    on = what_the_runs_turn_off(proxy)
    assert all(on.values()), f"not on before the runs: {on}"
    # fail2ban puts a jail's set and rules into nftables with its first ban.
    proxy.run_expect([0], f"fail2ban-client set {FAIL2BAN_JAIL_NAME} banip 198.51.100.7")
    assert FAIL2BAN_JAIL_NAME in proxy.check_output("nft list ruleset")

    scratch = tmp_path_factory.mktemp("infrastructure")
    run([f"{BIN}/ansible-galaxy", "collection", "build", "--output-path", str(scratch / "dist"), str(REPO)], scratch)
    tarball = next((scratch / "dist").glob("ucproxy-nginx-*.tar.gz"))
    infra = scratch / "infra"
    infra.mkdir()
    lay_out(infra)
    (infra / "requirements.yml").write_text(f"collections:\n  - name: {tarball}\n    type: file\n")
    # community.crypto, the dependency, comes with the ansible package; no Galaxy server here.
    run([f"{BIN}/ansible-galaxy", "collection", "install", "-r", "requirements.yml", "--no-deps", "--offline"], infra)
    listed = run([f"{BIN}/ansible-galaxy", "collection", "list", "ucproxy.nginx"], infra)

    outputs = [run([f"{BIN}/ansible-playbook", *PLAYBOOK_ARGS, "proxy.yml"], infra)]
    client = client_for(client_host, proxy)
    own_play = client.request(f"https://{SERVER_NAME}/ws/client/echo")
    tls12 = client.tls("-tls1_2")
    outputs.append(run([f"{BIN}/ansible-playbook", *PLAYBOOK_ARGS, "ucproxy.nginx.site"], infra))
    site = client.request(f"https://{SERVER_NAME}/ws/client/echo")
    return {"listed": listed, "playbook outputs": outputs, "collections": str(infra / "collections" / "ansible_collections"),
            "own play": own_play, "tls 1.2 after the own play": tls12, "site playbook": site}


def test_built_collection_runs_from_an_infrastructure_repository(runs):
    assert runs["collections"] in runs["listed"], runs["listed"]
    response = runs["own play"]
    assert response.status == 200 and response.headers["x-infra-repo"] == "own-play"
    assert runs["tls 1.2 after the own play"].rc != 0  # the play's modern profile is in force
    response = runs["site playbook"]
    assert response.status == 200 and "x-infra-repo" not in response.headers


def test_the_readmes_layout_runs_without_a_warning(runs):
    for output in runs["playbook outputs"]:
        assert "[WARNING]" not in output and "[DEPRECATION WARNING]" not in output, output[-3000:]
        assert "-----BEGIN" not in output  # neither certificate nor key in the run's output


def test_a_proxy_taken_out_of_the_pair_loses_keepalived_and_the_peer_serves_the_address(runs, through_address):
    proxy = container(PROXY)
    assert not proxy.package("keepalived").is_installed
    assert not proxy.file(KEEPALIVED_CONF).exists
    assert through_address.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200


def test_metrics_turned_off_remove_the_exporter_and_the_status_listener(runs):
    proxy = container(PROXY)
    assert not proxy.package("prometheus-nginx-exporter").is_installed
    assert not proxy.socket(f"tcp://127.0.0.1:{STATUS_PORT}").is_listening
    assert not proxy.socket(f"tcp://127.0.0.1:{EXPORTER_PORT}").is_listening


def test_security_updates_turned_off_remove_the_roles_apt_configuration(runs):
    proxy = container(PROXY)
    for path in (APT_CONF, POLICY_RC_D):
        assert not proxy.file(path).exists, path
    settings = proxy.check_output("apt-config dump")
    assert "nginx-binary-upgrade" not in settings and "MinimalSteps" not in settings


def test_bans_turned_off_remove_the_jail_and_its_rules(runs):
    proxy = container(PROXY)
    assert not proxy.file(FAIL2BAN_JAIL).exists
    assert FAIL2BAN_JAIL_NAME not in proxy.run("fail2ban-client status").stdout
    assert FAIL2BAN_JAIL_NAME not in proxy.check_output("nft list ruleset")  # the jail's set and rules
