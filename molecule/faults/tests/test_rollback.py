"""A change that fails at any step after the role began writing files is rolled back: the host
serves what it served, no backup (they may hold private keys) is left behind, and no reload is
left pending, so the next run with the previous variables changes nothing (they are the files of
the converged state, which molecule's idempotence step proved)."""
import json
import shlex

import pytest

from molecule_support.ansible_runs import CONVERGE, run_playbook
from molecule_support.clients import served_certificate
from molecule_support.host_paths import DHPARAM, SITE
from molecule_support.scenario import SERVER_NAME, proxy_backends
from molecule_support.scenario_state import host_state

testinfra_hosts = proxy_backends()


def backups(host) -> str:
    return host.run("find /etc/nginx /etc/systemd/system -name '*~'").stdout


def file_versions(host, *paths: str) -> dict:
    """Each file's inode and inode change time: both move when a file is written or replaced, even
    with the same content again."""
    script = ("import json, os, sys; "
              "print(json.dumps({p: [os.stat(p).st_ino, os.stat(p).st_ctime_ns] for p in sys.argv[1:]}))")
    return json.loads(host.check_output(shlex.join(["python3", "-c", script, *paths])))


def test_failed_health_gate_is_rolled_back_to_the_files_it_served(host, client):
    before = host_state(host, processes=False)
    # Nothing listens on the client container's port 7224: the UCServer "does not answer".
    result = run_playbook(CONVERGE, {"reverse_proxy_upstream_host": "faults-client",
                                     "reverse_proxy_health_gate_timeout": 3})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"Health gate failed on {host.backend.name}: https://{SERVER_NAME}/ answered 502" in output, output[-3000:]
    assert "The files this run changed were restored" in output
    # Every file, /var/lib/ucproxy-nginx without a pending reload among them, is as the
    # scenario's converge left it (molecule's idempotence step proved that the next run changes
    # nothing in that state), and nginx serves them again.
    assert host_state(host, processes=False) == before, "the restored files differ"
    assert backups(host) == ""
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200


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
    versions = file_versions(host, SITE.key, SITE.certificate)
    # The switch to ECDSA alone replaces the key and the certificate; then the DH step fails.
    result = run_playbook(CONVERGE, {"reverse_proxy_certificate_key_type": "ecdsa"})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f" failed on {host.backend.name}: " in output and DHPARAM in output, output[-3000:]
    assert "The files this run changed were restored" in output
    # Key and certificate were written by the run (new inodes, new change times) and hold the
    # previous ones again; nothing else differs either, nginx included.
    replaced = file_versions(host, SITE.key, SITE.certificate)
    assert all(replaced[path] != versions[path] for path in versions), "the run did not replace the key and certificate"
    assert host_state(host) == before, "files or nginx processes differ after the failed run"
    assert backups(host) == ""
    assert served_certificate(client) == certificate
