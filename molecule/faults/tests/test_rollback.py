"""A change that fails at any step after the role began writing files is rolled back: the host
serves what it served, no backup (they may hold private keys) is left behind, and no reload is
left pending, so the next run with the previous variables changes nothing (they are the files of
the converged state, which molecule's idempotence step proved)."""
from molecule_support.ansible_runs import CONVERGE, run_playbook
from molecule_support.scenario import SERVER_NAME, proxy_backends
from molecule_support.scenario_state import backups_left, host_state

testinfra_hosts = proxy_backends()


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
    assert backups_left(host) == ""
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200
