"""dns-01 with RFC 2136: on a proxy whose port 80 the CA cannot reach, certbot's dns-rfc2136 plugin
writes the challenge's TXT records into the zone on a real BIND with a TSIG key, and pebble-dns,
which resolves through that BIND, issues one certificate for the name and its wildcard; the
renewal timer does it again unattended with the stored credentials. The key, vault-encrypted in
the inventory, shows in no run output, log or file but the root-only credentials file."""
import os
import subprocess

import pytest
import yaml

from acme_support import served
from acme_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.ansible_runs import _ansible_program, converge
from molecule_support.clients import Client
from molecule_support.host_paths import SITE
from molecule_support.pebble import renewal_due, root_of
from molecule_support.scenario import SERVER_NAME, first_of, proxy_backends, recorded_address
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()
CREDENTIALS = "/etc/letsencrypt/ucproxy-nginx-dns.ini"
# The name and every name under it (a CA refuses a name next to the wildcard that covers it).
NAMES = [SERVER_NAME, f"*.{SERVER_NAME}"]


@pytest.fixture(scope="module")
def tsig_secret():
    return first_of("dns_servers").check_output(
        "sed -n 's/.*secret \"\\(.*\\)\";/\\1/p' /etc/bind/ucproxy-certbot.key")


@pytest.fixture(scope="module")
def dns_issued(host, client_host, pebble, pebble_root, tsig_secret, tmp_path_factory):
    """The proxy ordered through dns-01 from pebble-dns with port 80 closed to everyone; the run's
    output, and the root that verifies its certificates (on the client). Afterwards port 80 opens
    and the scenario's own variables apply again."""
    directory = tmp_path_factory.mktemp("vault")
    password, secrets = directory / "vault-password", directory / "dns.yml"
    password.write_text("test vault password\n")
    secrets.write_text(yaml.safe_dump({"reverse_proxy_acme_dns_credentials": {
        "dns_rfc2136_server": recorded_address(first_of("dns_servers").backend.name),
        "dns_rfc2136_name": "certbot", "dns_rfc2136_secret": tsig_secret, "dns_rfc2136_algorithm": "HMAC-SHA256"}}))
    subprocess.run([_ansible_program("ansible-vault"), "encrypt", "--vault-password-file", str(password), str(secrets)],
                   check=True, capture_output=True)
    assert tsig_secret not in secrets.read_text()
    cafile = root_of(client_host, pebble, "pebble-dns")
    host.run_expect([0], "nft add table inet closed80 && nft 'add chain inet closed80 input "
                         "{ type filter hook input priority -10; }' && nft add rule inet closed80 input tcp dport 80 drop")
    try:
        run = converge({"reverse_proxy_acme_challenge": "dns-01", "reverse_proxy_server_names": NAMES,
                        "reverse_proxy_acme_directory_url": f"https://{pebble.backend.name}:14002/dir",
                        "reverse_proxy_acme_dns_propagation_seconds": 1},
                       args=("-e", f"@{secrets}", "--vault-password-file", str(password)))
        yield run, cafile
    finally:
        host.run("nft delete table inet closed80")
        converge()


def test_a_closed_port_80_and_a_wildcard_get_a_certificate_through_dns(host, client_host, dns_issued):
    _run, cafile = dns_issued
    # Port 80 really is closed to the CA.
    assert pebble_cannot_reach_port_80(host)
    client = Client(client_host, host.backend.name, cafile)
    certificate = served(client, f"web.{SERVER_NAME}")
    assert set(certificate["names"].split(", ")) == {f"DNS:{name}" for name in NAMES}, certificate
    assert served(client)["serial"] == certificate["serial"]


def test_the_renewal_timer_renews_through_dns_unattended(host, client_host, dns_issued):
    _run, cafile = dns_issued
    client = Client(client_host, host.backend.name, cafile)
    before = served(client)["serial"]
    # The unit Debian's certbot.timer starts, with the certificate due.
    renewal_due(host.backend.name)
    host.run_expect([0], "systemctl start certbot.service")
    wait_for(lambda: served(client)["serial"] != before, 30, "the renewed certificate was not served")


def test_the_tsig_key_is_only_in_the_root_only_credentials_file(host, dns_issued, tsig_secret):
    run, _cafile = dns_issued
    assert tsig_secret not in run.stdout + run.stderr
    credentials = host.file(CREDENTIALS)
    assert (credentials.user, credentials.group, credentials.mode) == ("root", "root", 0o600)
    assert f'dns_rfc2136_secret = "{tsig_secret}"' in credentials.content_string
    # certbot's renewal settings name the file, not the key; no log has it.
    assert CREDENTIALS in host.file(SITE.acme_renewal).content_string
    for where in (f"grep -rlF --exclude={os.path.basename(CREDENTIALS)} -- {tsig_secret!r} /etc /var/log /var/lib",
                  f"journalctl --no-pager | grep -cF -- {tsig_secret!r}"):
        assert host.run(where).stdout.strip() in ("", "0"), where


def pebble_cannot_reach_port_80(host) -> bool:
    return first_of("acme_servers").run(f"curl -s --max-time 3 -o /dev/null http://{recorded_address(host.backend.name)}/").rc != 0
