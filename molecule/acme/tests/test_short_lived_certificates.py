"""Certificates that live two minutes, standing in for Let's Encrypt's 6-day ones (a CA's lifetime
under 10 days): with no renewal setting of the admin's, certbot renews one once half its lifetime
is left, not earlier, through the host's own certbot.service and without a playbook run; nginx
reloads, a held WebSocket stays open, and the monitoring check is OK before and after (its
thresholds are a share of the lifetime, not 21 and 7 days)."""
import datetime
import re
import time

import pytest
from cryptography import x509

from acme_support import served
from acme_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.ansible_runs import converge
from molecule_support.clients import Client
from molecule_support.host_paths import MONITORING_CHECK, NGINX_PID, SITE
from molecule_support.pebble import root_of
from molecule_support.scenario import proxy_backends
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()


@pytest.fixture(scope="module")
def short_lived_root(client_host, pebble, pebble_root):
    """The proxy's certificate comes from pebble-short (tests/playbooks/pebble.yml); the root that
    verifies it, on the client. Afterwards the scenario's own Pebble issues it again."""
    cafile = root_of(client_host, pebble, "pebble-short")
    converge({"reverse_proxy_acme_directory_url": f"https://{pebble.backend.name}:14001/dir",
              "reverse_proxy_acme_renew_before_days": 0})
    yield cafile
    converge()


def orders(host) -> int:
    """The version of the site's certificate in certbot's archive (one more per order or renewal;
    certbot keeps only the last few files, so they are not counted)."""
    link = host.check_output(f"readlink /etc/letsencrypt/live/{SITE.site}/cert.pem")
    return int(re.fullmatch(r".*cert([0-9]+)\.pem", link).group(1))


def validity(certificate: dict) -> tuple:
    parsed = x509.load_pem_x509_certificate(certificate["pem"].encode())
    return parsed.not_valid_before_utc, parsed.not_valid_after_utc


def test_a_certificate_that_lives_minutes_is_renewed_with_half_its_lifetime_left(
        host, client_host, short_lived_root):
    client = Client(client_host, host.backend.name, short_lived_root)
    issued = served(client)
    not_before, not_after = validity(issued)
    due = not_after - (not_after - not_before) / 2
    assert host.run(MONITORING_CHECK).rc == 0, host.run(MONITORING_CHECK).stdout

    # Before it is due the timer's run keeps it (certbot's own 30-day default would renew it).
    assert datetime.datetime.now(datetime.timezone.utc) < due, "the converge took half the certificate's life"
    held_orders = orders(host)
    host.run_expect([0], "systemctl start certbot.service")
    assert orders(host) == held_orders, "renewed before half its lifetime was left"

    master = host.file(NGINX_PID).content_string.strip()
    held = client.hold_websocket(300, "acme-short-lived")
    # The next timer run after the moment it is due (the clock is what is waited for).
    time.sleep(max(0.0, (due - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 1)
    host.run_expect([0], "systemctl start certbot.service")
    assert orders(host) == held_orders + 1, "not renewed with less than half its lifetime left"
    wait_for(lambda: served(client)["serial"] != issued["serial"], 30, "the renewed certificate was not served")
    assert validity(served(client))[1] > not_after
    assert host.file(NGINX_PID).content_string.strip() == master, "nginx was restarted, not reloaded"
    summary = held.end()
    assert "error" not in summary and summary["echoed"] == summary["sent"] > 10, summary
    check = host.run(MONITORING_CHECK)
    assert check.rc == 0 and "certificates valid for" in check.stdout, check.stdout
