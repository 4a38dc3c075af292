"""reverse_proxy_sandbox: false, for hosts whose other software needs nginx to reach more: a run
removes every sandbox and restarts nginx and fail2ban unconfined, and nginx still serves; the next
run with the sandbox puts it back (the scenario's state for the modules after this one)."""
from molecule_support.ansible_runs import converge
from molecule_support.sandbox import runs_sandboxed, sandboxed_units
from molecule_support.scenario import SERVER_NAME, proxy_backends

testinfra_hosts = proxy_backends()
SERVICES = {"nginx.service", "fail2ban.service"}


def test_without_the_sandbox_the_services_run_unconfined_and_the_next_run_puts_it_back(host, client):
    converge({"reverse_proxy_sandbox": False})
    assert sandboxed_units(host) == set()
    assert not any(runs_sandboxed(host, unit) for unit in SERVICES)
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200

    converge()
    assert sandboxed_units(host) >= SERVICES
    assert all(runs_sandboxed(host, unit) for unit in SERVICES)
