"""With the ACME server out of reach (the proxy's packets to Pebble are rejected, so Pebble keeps
its account and root), a renewal fails visibly and a changed name list cannot be ordered: the run
stops and is rolled back, and the certificate already served keeps serving."""
import shlex

import pytest

from acme_support import served
from acme_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.ansible_runs import CONVERGE, run_playbook
from molecule_support.pebble import renewal_due
from molecule_support.scenario import SECOND_NAME, SERVER_NAME, proxy_backends, recorded_address

testinfra_hosts = proxy_backends()
BLOCK = "inet ucproxy_test_block"


@pytest.fixture(scope="module", autouse=True)
def acme_server_unreachable(host, pebble, pebble_root):  # pylint: disable=unused-argument
    """The proxy's connections to Pebble are refused (a reset) for the module; then allowed again,
    and certbot.service's failed state is cleared. (Pebble's root is fetched before.)"""
    rule = f"ip daddr {recorded_address(pebble.backend.name)} tcp dport 14000 reject with tcp reset"
    chain = shlex.quote("{ type filter hook output priority 0 ; }")
    renewal_due(host.backend.name)  # certbot tries to renew and cannot
    host.run_expect([0], f"nft add table {BLOCK} && nft add chain {BLOCK} output {chain} && "
                         f"nft add rule {BLOCK} output {rule}")
    yield
    host.run_expect([0], f"nft delete table {BLOCK}")
    host.run("systemctl reset-failed certbot.service")


def test_failed_renewal_keeps_the_old_certificate_serving_and_shows_in_the_journal(host, client):
    before = served(client)
    result = host.run("systemctl start certbot.service")
    assert result.rc != 0, "renewal without an ACME server succeeded"
    assert host.run("systemctl is-failed certbot.service").stdout.strip() == "failed"
    journal = host.run("journalctl -u certbot.service --no-pager -n 50").stdout
    assert "renew" in journal.lower() and "fail" in journal.lower(), journal
    assert served(client) == before
    assert host.service("nginx").is_running


def test_failed_order_stops_the_run_and_the_certificate_keeps_serving(host, client):
    before = served(client)
    result = run_playbook(CONVERGE, {"reverse_proxy_server_names": [SERVER_NAME, SECOND_NAME]})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    # The role's message names the host; certbot's reason names the ACME server it could not reach.
    assert f" failed on {host.backend.name}: " in output and "acme-pebble" in output, output[-3000:]
    assert served(client) == before
    assert host.service("nginx").is_running
    leftovers = host.run("ls /etc/nginx/tls /etc/nginx/sites-available /etc/nginx | grep '~$'").stdout
    assert leftovers == "", f"backups left behind: {leftovers}"
