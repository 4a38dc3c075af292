"""reverse_proxy_sandbox: false, for hosts whose other software needs nginx to reach more: a run
removes every sandbox drop-in and restarts nginx unconfined, which still serves; the next run with
the sandbox restores both (the scenario's state for the modules after this one)."""
import pytest

from molecule_support.ansible_runs import converge
from molecule_support.host_paths import NGINX_PID, UPGRADE_AFTER_DRAIN
from molecule_support.sandbox import sandboxed_units
from molecule_support.scenario import SERVER_NAME, proxy_backends

testinfra_hosts = proxy_backends()


def master_may_gain_privileges(host) -> bool:
    """NoNewPrivs, which the sandbox sets, is 0 for the master."""
    master = host.file(NGINX_PID).content_string.strip()
    return "NoNewPrivs:\t0" in host.file(f"/proc/{master}/status").content_string


@pytest.fixture(scope="module")
def unsandboxed(host):
    converge({"reverse_proxy_sandbox": False})
    yield
    converge()


def test_without_the_sandbox_nginx_runs_unconfined_and_serves(host, client, unsandboxed):
    assert sandboxed_units(host) == {UPGRADE_AFTER_DRAIN}
    assert "ProtectSystem" not in host.file(f"/etc/systemd/system/{UPGRADE_AFTER_DRAIN}").content_string
    assert master_may_gain_privileges(host)
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200
