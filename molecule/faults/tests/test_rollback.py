"""A change that fails at any step after the role began writing files is rolled back: the host
serves what it served, no backup (they may hold private keys) is left behind, and the record of
the applied configuration describes the restored files, so the next run with the previous
variables changes nothing."""
import pytest

from molecule_support import (CONVERGE, PROXIES, SERVER_NAME, converge, host_state, run_playbook,
                              served_certificate)

testinfra_hosts = PROXIES
DHPARAM = "/etc/nginx/tls/dhparam.pem"


def backups(host) -> str:
    return host.run("find /etc/nginx /etc/systemd/system -name '*~'").stdout


def test_failed_health_gate_is_rolled_back_and_the_previous_variables_then_change_nothing(host, client):
    before = host_state(host, processes=False)
    # Nothing listens on the client container's port 7224: the UCServer "does not answer".
    result = run_playbook(CONVERGE, {"reverse_proxy_upstream_host": "faults-client",
                                     "reverse_proxy_health_gate_timeout": 3})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"Health gate failed on {host.backend.name}: https://{SERVER_NAME}/ answered 502" in output, output[-3000:]
    assert "The files this run changed were restored" in output
    assert host_state(host, processes=False) == before, "the restored files or their record differ"
    assert backups(host) == ""
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200

    rerun = converge()
    assert "changed=0" in rerun.stdout, rerun.stdout[-3000:]


@pytest.fixture
def dhparam_socket(host):
    """A unix socket where the DH parameters go: copying the DH file onto it fails (it cannot be
    read), as a real step on the host can fail after the certificate step has written its files.
    Afterwards the DH parameters are put back as they were."""
    host.run_expect([0], f"mv {DHPARAM} {DHPARAM}.ucproxy-test && python3 -c \"import socket; "
                         f"socket.socket(socket.AF_UNIX).bind('{DHPARAM}')\"")
    yield
    host.run_expect([0], f"rm -f {DHPARAM} && mv {DHPARAM}.ucproxy-test {DHPARAM}")


def test_a_step_failing_after_new_keys_were_written_leaves_no_backup_and_the_old_certificate(host, client,
                                                                                             dhparam_socket):
    certificate = served_certificate(client)
    before = host_state(host)
    # The switch to ECDSA alone replaces the key and the certificate; then the DH step fails.
    result = run_playbook(CONVERGE, {"reverse_proxy_certificate_key_type": "ecdsa"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for task in ("Private key for the self-signed certificate exists",
                 "Self-signed certificate exists for every server name"):
        assert f"changed: [{host.backend.name}]" in output.split(task)[1].split("TASK")[0], f"{task}: not changed"
    assert "ffdhe2048 group is installed as DH parameters failed on" in output, output[-3000:]
    assert "The files this run changed were restored" in output
    assert host_state(host) == before, "files or nginx processes differ after the failed run"
    assert backups(host) == ""
    assert served_certificate(client) == certificate
