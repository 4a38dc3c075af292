"""ACME mode against Pebble: the scenario's converge got a certificate from Pebble, port 80 answers
the http-01 challenge from the webroot, another converge places no order, and what certbot keeps
on the host (keys, account, the trust in the ACME server, the renewal hook and timer) is set up."""
from acme_support import served
from acme_support import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from molecule_support.ansible_runs import converge
from molecule_support.host_paths import ACME_ACCOUNTS, ACME_SERVER_CA, CERTBOT_DROPIN, SITE
from molecule_support.scenario import SERVER_NAME, pki_root, proxy_backends

testinfra_hosts = proxy_backends()


def certificates_in_the_lineage(host) -> list:
    return host.run(f"ls {SITE.acme_lineage}/cert*.pem").stdout.split()


def test_the_converge_serves_a_certificate_from_pebble_with_its_chain(client):
    certificate = served(client)
    assert "Pebble Intermediate CA" in certificate["issuer"], certificate
    assert f"DNS:{SERVER_NAME}" in certificate["names"], certificate
    assert client.request(f"https://{SERVER_NAME}/ws/client/echo").status == 200


def test_port_80_answers_challenges_from_the_webroot_and_redirects_the_rest(client):
    assert client.request(f"http://{SERVER_NAME}/.well-known/acme-challenge/unknown-token").status == 404
    response = client.request(f"http://{SERVER_NAME}/ws/client/echo")
    assert response.status == 301
    assert response.headers["location"] == f"https://{SERVER_NAME}/ws/client/echo"


def test_another_converge_places_no_order(host, client):
    lineage, serial = certificates_in_the_lineage(host), served(client)["serial"]
    assert lineage, f"no certificate in {SITE.acme_lineage}"
    result = converge()
    assert "changed=0" in result.stdout, result.stdout[-3000:]
    assert certificates_in_the_lineage(host) == lineage
    assert served(client)["serial"] == serial


def test_keys_are_root_only_and_the_timer_renews_with_a_reload(host):
    assert host.file(ACME_ACCOUNTS).mode == 0o700
    for key in host.run(f"ls {SITE.acme_lineage}/privkey*.pem").stdout.split():
        assert host.file(key).mode == 0o600, key
    assert host.file(SITE.acme_renewal).contains("^renew_hook = systemctl reload nginx$")
    timer = host.service("certbot.timer")
    assert timer.is_enabled and timer.is_running


def test_certbot_trusts_the_acme_servers_ca_also_in_unattended_renewals(host):
    """reverse_proxy_acme_ca_file (the test CA, which issued Pebble's API certificate) is on the
    host, one per host, and certbot.service (what the timer starts) is pointed at it."""
    ca = host.file(ACME_SERVER_CA)
    assert (ca.user, ca.group, ca.mode) == ("root", "root", 0o644)
    assert ca.content == pki_root().read_bytes()
    assert host.file(CERTBOT_DROPIN).contains(f"^Environment=REQUESTS_CA_BUNDLE={ACME_SERVER_CA}$")
