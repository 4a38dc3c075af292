"""The monitoring check the role installs (/usr/local/lib/ucproxy-nginx/check_ucproxy) on a real
proxy: OK when healthy, WARNING and then CRITICAL as the served certificate nears expiry, CRITICAL
with nginx stopped, a WARNING of its own when only the UCServer does not answer. (A run's warning
about a certificate near expiry: test_files_mode.py.)"""
import re

import pytest

from molecule_support.clients import copy_to
from molecule_support.host_paths import MONITORING_CHECK, SITE
from molecule_support.pki import private_key, self_signed_certificate
from molecule_support.scenario import SERVER_NAMES, first_of, proxy_backends
from molecule_support.waiting import wait_for

testinfra_hosts = proxy_backends()
# monitoring-plugins performance data: label=value[UOM];[warn];[crit];[min];[max]
PERFDATA = re.compile(r"^[^ '=]+=-?[0-9.]+(s|ms|%|B|KB|MB|c)?(;[0-9.:~@-]*){0,4}$")


def check(host):
    """(exit code, status text, performance data) of the check as a monitoring agent runs it: as
    an unprivileged user (NRPE, the Zabbix and Sensu agents run checks without root)."""
    result = host.run(f"runuser -u nobody -- {MONITORING_CHECK}")
    line = result.stdout.strip()
    assert "\n" not in line, line
    text, _bar, perfdata = line.partition(" | ")
    assert all(PERFDATA.match(item) for item in perfdata.split()), line
    return result.rc, text, perfdata.split()


def test_a_healthy_proxy_is_ok_with_the_certificate_days_in_the_performance_data(host):
    code, text, perfdata = check(host)
    assert code == 0, text
    assert text.startswith("UCPROXY OK - https and WebSocket through uc.example.test answer (200, 401)")
    assert re.fullmatch(r"days_rsa=3[0-9]{2};21:;7:", perfdata[1]), perfdata


def served_state(host, state):
    """The check's result once it reports `state` (nginx's workers pick up a reload within moments)."""
    result = check(host)
    return result if result[1].startswith(f"UCPROXY {state} - ") else None


@pytest.fixture
def served_certificate_restored(host):
    """The test replaces the served certificate; afterwards the original is put back and served."""
    original = host.file(SITE.certificate).content
    yield
    copy_to(host, original, SITE.certificate)
    host.run_expect([0], "systemctl reload nginx")


def test_a_certificate_near_expiry_is_a_warning_then_critical(host, served_certificate_restored):
    key = private_key(host.file(SITE.key).content)
    for days, code, state in ((15, 1, "WARNING"), (3, 2, "CRITICAL")):
        copy_to(host, self_signed_certificate(key, SERVER_NAMES, days), SITE.certificate)
        host.run_expect([0], "systemctl reload nginx")
        found, text, _perfdata = wait_for(lambda: served_state(host, state), 20, f"the check did not say {state}")
        assert found == code
        assert "RSA certificate served for uc.example.test expires " in text


def test_nginx_stopped_is_critical(host):
    host.run_expect([0], "systemctl stop nginx")
    try:
        code, text, _perfdata = check(host)
    finally:
        host.run_expect([0], "systemctl start nginx")
    assert code == 2 and text.startswith("UCPROXY CRITICAL - proxy does not answer: "), text


def test_a_ucserver_that_does_not_answer_is_a_warning_of_its_own(host):
    ucserver = first_of("ucserver_standin")
    ucserver.run_expect([0], "systemctl stop ucserver-standin")
    try:
        code, text, _perfdata = check(host)
    finally:
        ucserver.run_expect([0], "systemctl start ucserver-standin")
    assert (code, text) == (1, "UCPROXY WARNING - proxy answers, but the UCServer behind it does not "
                               "(https://uc.example.test/: 502)")
